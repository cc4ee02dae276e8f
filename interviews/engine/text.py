"""Reading an answer: words, sentences, keyword matches and the sentence that quotes them."""

import re
from functools import lru_cache

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
STOPWORDS = frozenset("""a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves tell describe explain
time how what would could question answer""".split())


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 2 and not w.isdigit()]


def stems(text: str) -> set[str]:
    """Content words with a plural or verb ending cut, to compare wordings ("servers" ~ "server")."""
    return {re.sub(r"(?:ing|ed|es|s)$", "", w) if len(w) > 4 else w for w in content_words(text)}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


@lru_cache(maxsize=8192)
def keyword_pattern(keyword: str) -> re.Pattern:
    """A lower-case stem or phrase matched at the start of a word ("profil" finds "profiling"),
    whitespace inside a phrase matching any run of whitespace."""
    parts = [re.escape(part) for part in keyword.lower().split()]
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(parts))


def find_keyword(lower_text: str, keyword: str) -> int:
    """Where `keyword` first occurs in `lower_text`, or -1."""
    if not keyword.strip():
        return -1
    found = keyword_pattern(keyword).search(lower_text)
    return found.start() if found else -1


END = re.compile(r"[.!?](?=\s|$)|\n")


def quote_at(text: str, position: int, limit: int = 180) -> str:
    """The sentence of `text` around `position` (a full stop inside "2.4" does not end it), cut to
    `limit` characters around the position."""
    start = 0
    for found in END.finditer(text, 0, position):
        start = found.end()
    after = END.search(text, position)
    end = after.end() if after else len(text)
    sentence = text[start:end].strip()
    if len(sentence) <= limit:
        return sentence
    offset = position - start
    left = max(0, offset - limit // 2)
    return ("…" if left else "") + sentence[left:left + limit].strip() + "…"
