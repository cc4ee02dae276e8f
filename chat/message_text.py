"""What a message's text says, read without Django: mentions, hashtags, links to our own pages,
search terms and their highlighting. Pure functions, tested alone."""

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# A username as accounts allows it (Django's default validator: letters, digits and @.+-_),
# minus the characters that end a mention in running text.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.+-]{0,149})")
HASHTAG = re.compile(r"(?<![\w#&])#([^\W_][\w-]{0,62})", re.UNICODE)
LINK = re.compile(r"https?://[^\s<>()\[\]\"']+|(?<![\w/])/(?:challenges|submissions|rooms|u)/[^\s<>()\[\]\"']+")
WORD = re.compile(r"\w+", re.UNICODE)


def mentions(text: str) -> list[str]:
    """Usernames mentioned, each once, in order (without trailing punctuation)."""
    seen: list[str] = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".+-")
        if name and name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return seen


def hashtags(text: str) -> list[str]:
    """Hashtags, lower-cased, each once, in order. Code spans and blocks do not count."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", text or "", flags=re.S)
    tags: list[str] = []
    for match in HASHTAG.finditer(without_code):
        tag = match.group(1).lower()
        if tag not in tags:
            tags.append(tag)
    return tags


@dataclass(frozen=True)
class OwnLink:
    kind: str  # challenge | submission | room | profile
    key: str   # slug, id, uuid or username
    path: str


_OWN_PATHS = [
    ("challenge", re.compile(r"^/challenges/([-a-zA-Z0-9_]+)/?$")),
    ("submission", re.compile(r"^/submissions/(\d{1,18})/?$")),
    ("room", re.compile(r"^/rooms/([0-9a-fA-F-]{36})/?$")),
    ("profile", re.compile(r"^/u/([A-Za-z0-9_.@+-]{1,150})/?$")),
]


def own_links(text: str, own_hosts: set[str], limit: int = 3) -> list[OwnLink]:
    """Links in `text` to our own challenges, submissions, rooms and profiles: relative paths, or
    absolute URLs whose host is one of `own_hosts`. Anything else is not ours and gets no card
    (nothing is ever fetched)."""
    found: list[OwnLink] = []
    for match in LINK.finditer(text or ""):
        raw = match.group(0).rstrip(".,;:!?")
        parts = urlsplit(raw)
        if parts.scheme and (parts.hostname or "").lower() not in own_hosts:
            continue
        for kind, pattern in _OWN_PATHS:
            hit = pattern.match(parts.path)
            if hit:
                link = OwnLink(kind, hit.group(1), parts.path if parts.path.endswith("/") else parts.path + "/")
                if link not in found:
                    found.append(link)
                break
        if len(found) >= limit:
            break
    return found


def search_terms(query: str, limit: int = 8) -> list[str]:
    """The words of a search query, lower-cased, each once (punctuation and operators dropped,
    so that nothing a user types can be read as FTS syntax)."""
    terms: list[str] = []
    for word in WORD.findall((query or "").lower()):
        if word not in terms:
            terms.append(word)
    return terms[:limit]


def fts5_query(terms: list[str]) -> str:
    """An SQLite FTS5 MATCH expression: every term, as a quoted prefix."""
    return " ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def highlight(text: str, terms: list[str], width: int = 160) -> str:
    """`text` escaped as HTML, cut to about `width` characters around the first hit, with every
    word that starts with a term wrapped in <mark>."""
    text = text or ""
    if not terms:
        return html.escape(text[:width])
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE | re.UNICODE)
    first = pattern.search(text)
    start = 0
    if first and first.start() > width // 3:
        start = max(0, first.start() - width // 3)
    window = text[start:start + width]
    out, last = [], 0
    for hit in pattern.finditer(window):
        out.append(html.escape(window[last:hit.start()]))
        out.append("<mark>" + html.escape(hit.group(0)) + "</mark>")
        last = hit.end()
    out.append(html.escape(window[last:]))
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + "".join(out) + suffix


_CODE = re.compile(r"(```.*?```|`[^`]*`)", re.S)


def linkify(text: str, *, known_usernames: set[str], hashtag_url, profile_url) -> str:
    """Markdown source with hashtags and mentions of `known_usernames` turned into Markdown links
    (outside code), before it is rendered and sanitised."""

    def plain(segment: str) -> str:
        segment = HASHTAG.sub(lambda m: f"[#{m.group(1)}]({hashtag_url(m.group(1).lower())})", segment)

        def mention(m):
            name = m.group(1).rstrip(".+-")
            if name.lower() not in known_usernames:
                return m.group(0)
            return f"[@{name}]({profile_url(name)})" + m.group(1)[len(name):]

        return MENTION.sub(mention, segment)

    parts = _CODE.split(text or "")
    return "".join(part if i % 2 else plain(part) for i, part in enumerate(parts))
