"""The skills a resume names, each once and spelled as the resume spells it, with the ontology's
id beside it where the ontology knows it. Two sources:

- skills lists: the skills section, blocks under headings such as "Technical Expertise" or
  "Software / Computer Technologies", and "Stack: a, b, c" lines anywhere. Their items are kept
  as written even when the ontology does not know them ("Zotero", "Kagan Strategies"); category
  labels, proficiency words and sentences are not skills.
- the ontology's skills mentioned anywhere else, as written ("EC2", not "Amazon EC2"); names that
  are everyday words ("Go", "R", "Express") only where they stand in a list beside another skill.

No Django in here."""

import re
import unicodedata
from dataclasses import dataclass

from ..ontology import SkillMatcher
from .sections import section_of_heading


@dataclass(frozen=True)
class FoundSkill:
    name: str  # as the resume spells it
    skill_id: str | None = None  # the ontology's id, when it knows the skill
    listed: bool = False  # named in a skills list (not only mentioned in a sentence)


MAX_ITEM_WORDS = 5  # longer list items are sentences, not skills
MAX_ITEM_LENGTH = 60
# Headings of a skills list that the section splitter may not know ("Technical Expertise", "Teaching
# Methodologies & Assessment Tools"), and labels of an inline list ("Stack:", "Technologies used:").
LIST_WORDS = re.compile(r"(?i)\b(?:skills?|technolog(?:y|ies)|technical|tech|tools?|toolkit|toolbox|expertise|"
                        r"competenc(?:y|ies)|proficienc(?:y|ies)|stack|frameworks?|librar(?:y|ies)|"
                        r"programming languages|languages|platforms|environment)\b")
# A heading over a skills list ends with one of these words, or starts with "Skills".
HEADING_LAST_WORDS = frozenset("""skills technologies tools toolkit toolbox expertise competencies proficiencies
    stack frameworks libraries""".split())
LABEL = re.compile(r"^(?P<label>[^:;•|]{1,60}?)\s*:\s*(?P<rest>.*)$")
WIDE_LABEL = re.compile(r"^(?P<label>[^,;:•|\t]{1,40}?)(?:\t|\s{3,})(?P<rest>[^\t]*[,;][^\t]*)$")  # a label column
BULLET = re.compile(r"^[\s\-–—•·▪‣◦*>○●■□✓✔➢►]+")
# Addresses: with a scheme or www, e-mail, or a bare lower-case domain ("1chooo.com", not "ASP.NET"
# or "Socket.io").
URL_OR_EMAIL = re.compile(r"\b(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
                          r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|dev|me)\b(?:/\S*)?")
SEPARATORS = re.compile(r"\s*(?:[,;|•·▪‣◦]|\t|\s{3,}|\s[–—-]\s)\s*")
PAREN = re.compile(r"\(([^()]*)\)")
LEAD_PHRASE = re.compile(
    r"(?i)^(?:(?:and|or|including|incl\.?|e\.g\.?|such as|like)\s+|"
    r"(?:(?:very|highly)\s+)?(?:proficient|experienced|skilled|fluent|familiar|competent|knowledgeable|versed|"
    r"expert|strong)\s+(?:in|with|at)\s+|"
    r"(?:(?:basic|working|strong|good|solid)\s+)?(?:knowledge|understanding|experience)\s+(?:of|in|with)\s+)")
TRAIL_PHRASE = re.compile(r"(?i)(?:\s*(?:\betc\b\.?|\band more\b|\.{2,}|…))+$|[\s.:;]+$|"
                          r"\s*(?:\d{1,3}\s*%|[★☆●○◉◯■□▪]+|\d+\+?\s*(?:years?|yrs?)(?:\s+of\s+experience)?)$")
LEVEL_WORDS = frozenset("""expert advanced proficient intermediate basic beginner familiar fluent native
    professional working good strong elementary conversational limited novice mother tongue speaker""".split())
SPOKEN_LANGUAGES = frozenset("""english spanish french german italian portuguese chinese mandarin cantonese japanese
    korean vietnamese hindi urdu bengali arabic russian polish dutch swedish norwegian danish finnish greek turkish
    hebrew persian farsi thai indonesian malay tagalog filipino ukrainian czech romanian hungarian swahili tamil
    telugu punjabi gujarati marathi yoruba igbo hausa amharic somali zulu xhosa afrikaans nepali sinhala burmese
    khmer lao mongolian kazakh uzbek georgian armenian azerbaijani serbian croatian bosnian slovak slovenian
    bulgarian lithuanian latvian estonian icelandic irish welsh catalan basque galician albanian macedonian maltese
    kurdish pashto dari tigrinya creole latin bilingual trilingual multilingual""".split())
MONTH_YEAR = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b")
CAPS_LABEL = re.compile(r"^((?:[A-Z][A-Z&/-]+\s+)+)(?=\S)")  # moderncv's "EXPERT Python, Bash"
# Vendor words that do not make two names the same skill ("Google Docs" is not "Google Workspace").
VENDOR_WORDS = frozenset("amazon aws microsoft ms google apache adobe ibm oracle azure the".split())


def extract_skills(lines: list[str], spans: dict[str, tuple[int, int]], matcher: SkillMatcher) -> list[FoundSkill]:
    """The resume's skills: listed ones first, in their order, then those only mentioned."""
    clean = [_blank_urls(_normal(line)) for line in lines]
    listed: list[FoundSkill] = []
    in_blocks: set[int] = set()
    for start, end in _list_blocks(clean, spans):
        in_blocks.update(range(start, end))
        for text in _logical_lines([line for line in clean[start:end] if not _is_heading(line)]):
            listed += _items(text, matcher, need_label=False)
    for index, line in enumerate(clean):
        if index not in in_blocks:
            items = _items(line, matcher, need_label=True)
            if items:
                in_blocks.add(index)
            listed += items
    # A list's category label is not a skill ("DevOps: CI/CD, Docker"), nor is a heading.
    clean = [_without_label(line) if index in in_blocks else line for index, line in enumerate(clean)]
    listed = [_with_id(skill, matcher) for skill in listed]
    parts = _word_runs(skill.name.lower() for skill in listed)
    # Headings are not skills the resume claims ("LEADERSHIP", "Invited Presentations").
    prose = "\n".join(" " * len(line) if _is_heading(line) else line for line in clean)
    mentioned = [FoundSkill(_normal(m.matched), m.skill_id) for m in matcher.find(prose, fuzzy=False)]
    # A mention inside a listed item is that item ("Neural Networks" of "Bayesian Neural Networks").
    mentioned = [m for m in mentioned if m.name.lower() not in parts]
    return _once(listed, mentioned, matcher)


def _with_id(skill: FoundSkill, matcher: SkillMatcher) -> FoundSkill:
    """A listed item the ontology does not know whole takes the id of the one skill it names
    ("Microsoft Office Suite Programs" is Microsoft Office), for the ATS."""
    if skill.skill_id:
        return skill
    inside = {m.skill_id for m in matcher.find(skill.name, fuzzy=False)}
    return FoundSkill(skill.name, inside.pop(), skill.listed) if len(inside) == 1 else skill


def _word_runs(names) -> set[str]:
    """Every run of whole words inside a listed name, but not the whole name ("neural networks"
    of "bayesian neural networks")."""
    runs: set[str] = set()
    for name in names:
        words = name.split()
        runs.update(" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
                    if j - i < len(words))
    return runs


def skill_ids(skills: list[FoundSkill]) -> list[str]:
    """The ontology ids among `skills`, each once, in order."""
    return list(dict.fromkeys(s.skill_id for s in skills if s.skill_id))


def _normal(text: str) -> str:
    # NFKC turns ligatures back into letters ("Makeﬁles"); soft hyphens are invisible glue.
    return unicodedata.normalize("NFKC", text).replace("\u00ad", "")


def _blank_urls(line: str) -> str:
    """Addresses say nothing about skills ("github.com/kvm-vmi/kvm"): spaces in their place."""
    return URL_OR_EMAIL.sub(lambda m: " " * len(m.group(0)), line)


def _is_list_heading(line: str) -> bool:
    text = BULLET.sub("", line).strip().rstrip(":").strip()
    words = re.findall(r"[a-z]+", text.lower())
    return (0 < len(words) <= 6 and text[:1].isupper() and not re.search(r"[,;.!?|]", text)
            and (words[-1] in HEADING_LAST_WORDS or words[0] in ("skill", "skills")
                 or words[-2:] == ["programming", "languages"]))


def _is_heading(line: str) -> bool:
    """A section heading (a short one: "Certification in Microsoft Word and Excel" says more than
    where a section starts), or a skills-list heading with no items after it."""
    if _inline_items(line):
        return False
    return (bool(section_of_heading(line)) and len(line.split()) <= 4) or _is_list_heading(line)


def _has_date(line: str) -> bool:
    return bool(MONTH_YEAR.search(line) or re.search(r"\b(?:19|20)\d{2}\s*[-–—]|\b(?:present|current)\b", line, re.I))


def _without_label(line: str) -> str:
    text = BULLET.sub("", line)
    labelled = LABEL.match(text.strip()) or WIDE_LABEL.match(text.strip())
    if not labelled or len(labelled.group("label").split()) > 6:
        return line
    cut = line.index(labelled.group("rest"), line.index(labelled.group("label")) + len(labelled.group("label")))
    return " " * cut + line[cut:]


def _inline_items(line: str) -> str:
    """Items on a heading's own line, after a colon or a wide gap ("Languages    Python, Scala")."""
    gap = WIDE_LABEL.match(BULLET.sub("", line).strip())
    return gap.group("rest") if gap else _labelled_items(line)


def _labelled_items(line: str) -> str:
    """What follows a "Label:" on the line ("" for a bare heading)."""
    labelled = LABEL.match(BULLET.sub("", line).strip())
    return labelled.group("rest").strip() if labelled else ""


def _is_prose(line: str) -> bool:
    """A sentence, not a list: long, and its comma-separated pieces are phrases, not names."""
    text = BULLET.sub("", line).strip()
    labelled = LABEL.match(text) or WIDE_LABEL.match(text)
    if labelled and len(labelled.group("label").split()) <= 6:
        return False
    pieces = sorted(len(piece.split()) for piece in SEPARATORS.split(text) if piece.strip())
    return len(text.split()) >= 8 and bool(pieces) and pieces[len(pieces) // 2] >= 4


def _list_blocks(lines: list[str], spans: dict[str, tuple[int, int]]) -> list[tuple[int, int]]:
    """Line ranges that hold skills lists: the skills and languages sections, and blocks under a
    skills-list heading that the section splitter did not take for a section of its own."""
    blocks: list[tuple[int, int]] = []
    taken: set[int] = set()
    # A languages section is a list too: programming languages stay, spoken ones are not skills.
    for name in ("skills", "languages"):
        if name in spans:
            start, end = spans[name]
            if start > 0 and _inline_items(lines[start - 1]):
                start -= 1  # "Languages    Python, Scala": the heading carries the first items
            blocks.append(_until_entries(lines, start, end))
            taken.update(range(start, end))
    for index, line in enumerate(lines):
        if index in taken or index + 1 in taken:
            continue
        if section_of_heading(line) in ("skills", "languages"):
            # A second skills section ("Technical Skills" ... "Soft Skills"): the splitter keeps the
            # first one's span only.
            end = next((i for i in range(index + 1, len(lines)) if section_of_heading(lines[i])), len(lines))
            blocks.append(_until_entries(lines, index + (0 if _inline_items(line) else 1), end))
            taken.update(range(index, end))
            continue
        if not _is_list_heading(line) or section_of_heading(line) or _labelled_items(line):
            continue
        end = index + 1
        while end < len(lines):
            current = lines[end].strip()
            if section_of_heading(current) or _is_list_heading(current) or _is_prose(current):
                break
            if not current and end + 1 < len(lines) and not lines[end + 1].strip():
                break
            if not current and end > index + 1:
                break  # a blank line after items ends the block
            if end + 1 < len(lines) and _is_prose(lines[end + 1]) and not SEPARATORS.search(current):
                break  # a heading over prose
            end += 1
        if end > index + 1:
            blocks.append(_until_entries(lines, index + 1, end))
            taken.update(range(index, end))
    return blocks


def _until_entries(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """A skills list ends where dated entries begin (a heading the section splitter did not know,
    then "Company / Title / Dec 2024 - Jan 2025"): at the first dated line, without the unlisted
    lines just before it."""
    for index in range(start, end):
        if _has_date(lines[index]):
            stop = index
            while stop > start and not SEPARATORS.search(lines[stop - 1]) and not _labelled_items(lines[stop - 1]):
                stop -= 1
            return start, stop
    return start, end


def _logical_lines(lines: list[str]) -> list[str]:
    """Lines of a list with its wrapped lines joined back: a line that ends with a comma, an open
    bracket or a bare label goes on, and so does one followed by a lower-case continuation."""
    joined: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if joined:
            last = joined[-1]
            open_bracket = last.count("(") > last.count(")")
            if (last.endswith((",", ":", "&", "/")) or open_bracket or re.search(r"\band$", last)
                    or (line[:1].islower() and SEPARATORS.search(last))):
                joined[-1] = f"{last} {BULLET.sub('', line).strip()}"
                continue
        joined.append(line)
    return joined


def _items(line: str, matcher: SkillMatcher, need_label: bool) -> list[FoundSkill]:
    """The skills one line of a list names. With `need_label`, only a line labelled as a list
    ("Stack: Nuxt, Vue", "Technologies used: ...") is one."""
    text = BULLET.sub("", line).strip()
    # Outside a skills list only "Label: a, b" says a list starts: a tab after "Georgia Institute of
    # Technology" leads to a place, not to skills.
    labelled = LABEL.match(text) or (None if need_label else WIDE_LABEL.match(text))
    if labelled and len(labelled.group("label").split()) <= 6:
        if need_label and not (LIST_WORDS.search(labelled.group("label")) and SEPARATORS.search(labelled.group("rest"))):
            return []
        text = labelled.group("rest").strip()
    elif need_label:
        return []
    elif text.isupper() and not SEPARATORS.search(text) and not matcher.term_id(text):
        return []  # a sub-heading ("PROGRAMMING")
    caps = None if labelled else CAPS_LABEL.match(text)
    caps_words = caps.group(1).split() if caps else []
    if caps and SEPARATORS.search(text) and (len(caps_words) > 1 or len(caps_words[0]) >= 4) and \
            any(not matcher.term_id(w) for w in caps_words):
        text = text[caps.end():]  # a level or category in capitals, moderncv's "EXPERT Python, Bash"
    found = []
    for piece in _split(text, matcher):
        name = _tidy(piece)
        if _is_skill(name):
            # Near-misses only for one-word items: "Kubernets" is Kubernetes, "AWS Cloud Computing"
            # is not "Cloud computing".
            found.append(FoundSkill(name, matcher.term_id(name, fuzzy=" " not in name), listed=True))
    if need_label and not any(skill.skill_id for skill in found):
        return []  # "Tools: patience, a ladder" is no skills list
    return found


def _split(text: str, matcher: SkillMatcher) -> list[str]:
    pieces: list[str] = []
    # Separators inside brackets belong to the bracket: "Python (Django, FastAPI, Flask)".
    brackets: list[str] = []

    def shield(match: re.Match) -> str:
        brackets.append(match.group(0))
        return f"\x00{len(brackets) - 1}\x00"

    shielded = re.sub(r"\([^()]*\)", shield, text)
    for part in SEPARATORS.split(shielded):
        part = re.sub(r"\x00(\d+)\x00", lambda m: brackets[int(m.group(1))], part)
        pieces += _unbracket(part.strip(), matcher)
    out: list[str] = []
    for piece in pieces:
        for item in _split_slashes(_tidy(piece), matcher):
            out += _split_run(_split_and(item, matcher), matcher)
    return out


def _unbracket(part: str, matcher: SkillMatcher) -> list[str]:
    """"Python (Django, FastAPI)" is three skills, "Python (Expert)" one, and "Accelerated Reader
    (AR)" one, without its abbreviation."""
    inner_items: list[str] = []
    outer = PAREN.sub(" ", part)
    outer = re.sub(r"\([^)]*$", "", outer).strip()  # a bracket the line broke off
    if outer.lower() in SPOKEN_LANGUAGES:
        return []  # "English (Can read, write and speak fluently)"
    for inner in PAREN.findall(part):
        words = inner.lower().split()
        if words and all(w.strip(".,") in LEVEL_WORDS or re.fullmatch(r"[\d+]+(?:years?|yrs?)?", w) or
                         w in ("years", "year", "yrs") for w in words):
            continue  # a proficiency level
        if re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}s?", inner.strip()) and (
                not matcher.term_id(inner) or _abbreviates(inner.strip(), PAREN.sub(" ", part))):
            continue  # the abbreviation of what stands before it
        # Names, not remarks: "(can adapt to any language)" says nothing a list would.
        inner_items += [i.strip() for i in re.split(r"[,;]", inner)
                        if i.strip() and (i.strip()[:1].isupper() or matcher.term_id(i.strip()))]
    return ([outer] if outer else []) + inner_items


def _abbreviates(acronym: str, words: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", words)
                       if w.lower() not in ("of", "and", "for", "the", "in", "on", "to", "a", "an"))
    letters = "".join(ch for ch in acronym if ch.isalpha())
    return len(letters) >= 2 and initials.upper().endswith(letters.upper())


def _split_slashes(item: str, matcher: SkillMatcher) -> list[str]:
    """"Go/Rust/TypeScript", "C/C++" and "Zoom / Teams" are several skills; "CI/CD", "Meta CI/CD",
    "TCP/IP", "A/B" one."""
    if "/" not in item or matcher.term_id(item):
        return [item]
    parts: list[str] = []
    for part in (p.strip() for p in item.split("/")):
        if parts and part:
            left, right = parts[-1].split()[-1] if parts[-1].split() else "", part.split()[0]
            if matcher.term_id(f"{left}/{right}") or (len(left) <= 2 and len(right) <= 2 and left.isalpha()
                                                      and right.isalpha() and not matcher.term_id(left)):
                parts[-1] = f"{parts[-1]}/{part}"
                continue
        parts.append(part)
    return [p for p in parts if p]


def _split_and(item: str, matcher: SkillMatcher) -> str | list[str]:
    """"GitHub Actions and Jira" is two skills when one side is one the ontology knows; "Love &
    Logic" stays whole."""
    parts = re.split(r"\s+(?:and|&)\s+", item)
    if len(parts) == 2 and any(matcher.term_id(p) for p in parts) and not matcher.term_id(item):
        return parts
    return item


def _split_run(item: str | list[str], matcher: SkillMatcher) -> list[str]:
    """An item with no separators that is several known skills in a row ("Kubernetes Git", a
    two-column layout read across) is those skills; the words between them stay one item."""
    if isinstance(item, list):
        return [piece for part in item for piece in _split_run(part, matcher)]
    if matcher.term_id(item) or len(item.split()) > MAX_ITEM_WORDS + 1:
        return [item]  # a sentence is not a row of names
    mentions = matcher.find(item, fuzzy=False)
    if len(mentions) < 2:
        return [item]
    pieces, at = [], 0
    for mention in mentions:
        between = item[at:mention.start].strip()
        if between:
            pieces.append(between)
        pieces.append(mention.matched)
        at = mention.start + len(mention.matched)
    if item[at:].strip():
        pieces.append(item[at:].strip())
    return pieces


def _tidy(piece: str) -> str:
    name = re.sub(r"\s+", " ", piece).strip(" -–—•*\"'“”‘’")
    previous = None
    while previous != name:
        previous = name
        name = LEAD_PHRASE.sub("", name).strip()
        name = TRAIL_PHRASE.sub("", name).strip()
        name = re.sub(r"(?i)\s+(?:with|in|of|and|for|or|at)$", "", name)  # "Java with 5 years of experience"
    return name


def _is_skill(name: str) -> bool:
    words = name.split()
    if not words or len(words) > MAX_ITEM_WORDS or len(name) > MAX_ITEM_LENGTH:
        return False
    if not re.search(r"[A-Za-z]", name) or MONTH_YEAR.search(name) or re.fullmatch(r"(?i)[\d.+]+\s*(?:years?|yrs?)", name):
        return False
    lower = [w.lower().strip(".,()") for w in words]
    if all(w in LEVEL_WORDS or w in SPOKEN_LANGUAGES or w in ("and", "&") for w in lower):
        return False
    return not (name.endswith(".") and len(words) >= 3)


def _synonym(term: str, canonical: str) -> bool:
    """Whether `term` is another spelling of the canonical name ("EC2" of "Amazon EC2", "k8s" of
    "Kubernetes", "JS" of "JavaScript") rather than a tool filed under it ("KVM" under
    "Virtualization", "Protocol Buffers" under "gRPC"), which is a skill of its own."""
    a, b = term.lower(), canonical.lower()
    flat_a, flat_b = re.sub(r"[^a-z0-9+#]", "", a), re.sub(r"[^a-z0-9+#]", "", b)
    if not flat_a or not flat_b:
        return False
    if flat_a == flat_b or flat_a.startswith(flat_b) or flat_b.startswith(flat_a):
        return True
    tokens_a = set(re.findall(r"[a-z0-9+#]+", a)) - VENDOR_WORDS
    tokens_b = set(re.findall(r"[a-z0-9+#]+", b)) - VENDOR_WORDS
    if tokens_a & tokens_b:
        return True
    initials = "".join(w[0] for w in re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", canonical) if w.lower() not in ("on", "of"))
    if flat_a == initials.lower():
        return True
    numeronym = re.fullmatch(r"([a-z])(\d+)([a-z])", flat_a)
    return bool(numeronym and flat_b[0] == numeronym.group(1) and flat_b[-1] == numeronym.group(3)
                and len(flat_b) - 2 == int(numeronym.group(2)))


def _keys(skill: FoundSkill, matcher: SkillMatcher) -> set[str]:
    keys = {re.sub(r"\s+", " ", skill.name.lower())}
    ontology_skill = matcher.ontology.get(skill.skill_id) if skill.skill_id else None
    # "Linux-based programming" names Linux but is not another spelling of it.
    whole = " " not in skill.name or matcher.term_id(skill.name) == skill.skill_id
    if ontology_skill and whole and _synonym(skill.name, ontology_skill.name):
        keys.add(f"id:{skill.skill_id}")
    return keys


def _once(listed: list[FoundSkill], mentioned: list[FoundSkill], matcher: SkillMatcher) -> list[FoundSkill]:
    """One entry per skill: the same words in any case, or an alias and its canonical name, count
    once. A listed skill keeps its list's spelling; one only mentioned takes the ontology's name
    when the resume writes it so ("C++" over "C++11"), else its most frequent spelling, in the
    order of first mention."""
    seen: set[str] = set()
    kept: list[FoundSkill] = []
    for skill in listed:
        keys = _keys(skill, matcher)
        if not keys & seen:
            kept.append(skill)
        seen |= keys
    groups: dict[str, list[FoundSkill]] = {}
    for skill in mentioned:
        keys = _keys(skill, matcher)
        if keys & seen:
            continue
        key = next((k for k in keys if k.startswith("id:")), min(keys))
        groups.setdefault(key, []).append(skill)
    for spellings in groups.values():
        counts: dict[str, int] = {}
        for skill in spellings:
            counts[skill.name] = counts.get(skill.name, 0) + 1
        canonical = {skill.skill_id: matcher.ontology.skills[skill.skill_id].name.lower()
                     for skill in spellings if skill.skill_id and skill.skill_id in matcher.ontology.skills}
        best = max(spellings, key=lambda s: (s.name.lower() == canonical.get(s.skill_id or ""), counts[s.name]))
        keys = set().union(*(_keys(s, matcher) for s in spellings))
        if not keys & seen:
            kept.append(best)
        seen |= keys
    return kept
