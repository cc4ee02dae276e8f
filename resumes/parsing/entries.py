"""Roles (experience) and schools (education) under their sections.

How a role is found (the same steps for every layout; no layout is named in here):

1. Each line of the section is cleaned (bullet glyphs, icon glyphs, dotted leaders and page numbers
   go) and classed as *body* (a bullet, a sentence, a label such as "Highlights:") or *head* (a
   short, name-like line: a company, a title, a location, dates).
2. Consecutive head lines form a *run* (a long name that wraps at the column's edge, or a line
   ending in a comma, is joined to the next). A run holds one role per date in it: a run with one
   date is one role; a run with several (roles without bullets) is cut around each date with the
   shape the resume's one-date runs show (how many head lines come before the date). A run with no
   date followed, after body lines only, by a line that is nothing but a date (a date printed at
   the right of the title and extracted after its text) takes that date.
3. Inside a role's head lines, dates and locations ("Mountain View, CA", "Milan, Italy", "Remote",
   a "City, Region" set at the right of a line) are cut out, and the rest is split into pieces at
   the separators people use (tab, "|", "—", " - ", " at ", ";", dotted leaders, then commas when
   that is still needed). The title is the piece with the most title words (engineer, intern,
   manager, analyst, ...), the company the piece with the strongest organisation cue (Inc, LLC,
   University, Labs, an acronym, ...); where neither decides, the order the resume's other roles
   show (title first or company first) does.
4. A role whose head lines hold a title but no company (the second role under one company) takes
   the company of the role above it. Head-like lines that make no role go back into the text of
   the role above, which is cut into bullets at glyphs, finished sentences, short lines and action
   verbs.

Schools: each line with a degree keyword is a degree. Its institution is a piece of the same line
with an institution cue (University, College, Institute, School, "X High", "X Tech", or an acronym
such as "UCL" or "IIT Kanpur"), or else the nearest institution line, looking first in the
direction the section shows (institution above its degrees, or below them), or else a short name
right beside the degree. Institution lines left without a degree are schools of their own, and so
is a short name above a line that says only when ("LA MARTINIERE FOR BOYS" / "Grad. May 2011").
"""

import re
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from .dates import DateSpan, find_dates, only_dates
from .sections import section_of_heading

DEGREES = re.compile(
    r"(?<![\w.])(?:B\.\s?S\.?c?\.?|B\.\s?A\.?|B\.\s?Eng\.?|B\.\s?Tech\.?|M\.\s?S\.?c?\.?|M\.\s?A\.?|M\.\s?Eng\.?|"
    r"M\.\s?Phil\.?|Ph\.\s?D\.?|D\.\s?Phil\.?|Ed\.\s?D\.?|J\.\s?D\.?|M\.\s?D\.?|M\.\s?B\.\s?A\.?)(?!\w)"
    r"|\b(?:BSc|BEng|BTech|BBA|MSc|MEng|MENG|MMath|MPhil|MBA|MFA|MPH|PhD|DPhil|PGDip|PGCert|HND|GED|"
    r"BS|BA|MS|MA|AA|AS)\b"
    r"|\b(?i:bachelor(?:'s|’s)?|master(?:'s|’s)?|doctor(?:ate)?|associate(?:'s|’s|d)?\s+degree|diploma|"
    r"graduate\s+certificate|high\s+school|a-levels?|integrated\s+master(?:'s|’s)?)\b")
INSTITUTION = re.compile(
    r"\b(?i:universit(?:y|é|e|à|ät|at|ad|ade)|college|institute|institut|school|academy|polytechnic|"
    r"politecnico|polytechnique|conservatory|hochschule|gymnasium|lyc[ée]e|seminary)\b|\b(?:High|Tech)$")
# Beside a degree, a school is often an acronym: "UCL", "IIT Bombay", "ETH Zürich", "UC Berkeley".
ACRONYM = re.compile(r"^[A-Z]{2,5}(?:\s[A-Z][\w’'-]+)?$|^[A-Z][\w’'-]+\s[A-Z]{2,5}$")
GLYPHS = "•·▪‣◦●○■□➢➤►▸▹✓✔❖◆◇*-–—+>"
# Words that make a piece a job title. Weak words count less: they are also common in names.
TITLE_WORDS = {
    "engineer", "engineering", "developer", "intern", "internship", "manager", "analyst", "researcher",
    "assistant", "representative", "lead", "leader", "director", "scientist", "consultant", "designer",
    "architect", "officer", "specialist", "coordinator", "editor", "journalist", "instructor", "tutor",
    "teacher", "professor", "lecturer", "postdoctoral", "postdoc", "associate", "technician", "driver",
    "mentor", "member", "worker", "fellow", "contributor", "administrator", "supervisor", "head",
    "president", "founder", "co-founder", "cofounder", "cto", "ceo", "cfo", "coo", "vp", "owner",
    "programmer", "r&d", "student", "trainee", "apprentice", "clerk", "cashier", "agent", "advisor",
    "adviser", "counselor", "counsellor", "nurse", "physician", "accountant", "auditor", "chef", "volunteer",
    "ambassador", "maintainer", "sre", "devops", "swe", "sde", "staff", "principal", "senior", "junior",
    "chief", "executive", "partner", "strategist", "writer", "producer", "operator", "mechanic",
    "doctoral", "graduate", "undergraduate", "research", "teaching", "sales", "marketing", "freelance",
    "freelancer", "contractor", "secretary", "receptionist", "attendant", "server", "barista", "technologist",
    "team", "tester", "qa", "full-stack", "fullstack", "frontend", "backend", "front-end", "back-end",
}
WEAK_TITLE_WORDS = {"research", "teaching", "team", "graduate", "undergraduate", "sales", "marketing", "staff",
                    "senior", "junior", "principal", "head", "partner", "member", "server", "executive"}
LEGAL = r"(?:inc|llc|l\.l\.c|ltd|limited|co|corp|corporation|company|gmbh|ag|s\.?a|plc|pty|pvt|bv|oy|ab)"
ORG_STRONG = re.compile(
    rf"\b(?i:{LEGAL})\b\.?|\b(?i:universit(?:y|é|e|à|ät|ad|ade)|college|institute|school|academy)\b")
ORG_MEDIUM = re.compile(
    r"\b(?i:labs?|laborator(?:y|ies)|group|cent(?:er|re)|technolog(?:y|ies)|solutions|systems|partners|services|"
    r"media|studios?|consulting|bank|agency|council|club|foundation|association|society|hospital|clinic|"
    r"networks|ventures|capital|holdings|industries|international|global|"
    r"logistics|electric|pharma|games|interactive|collegian|daily|times|news|"
    r"government|ministry|office|bureau|authority|service|trust|church|museum|library)\b")
ORG_WEAK = re.compile(r"\b(?i:dept|department|team|unit|division|faculty|branch)\b\.?")
US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
             "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ON BC QC AB").split()
PLACE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|"
    "Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|"
    "Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|"
    "Virginia|Washington|West Virginia|Wisconsin|Wyoming|Ontario|Quebec|British Columbia|Alberta|"
    "USA|U\\.S\\.A?\\.?|US|United States|UK|U\\.K\\.|United Kingdom|England|Scotland|Wales|Ireland|Canada|Mexico|"
    "Brazil|Argentina|Chile|Colombia|Peru|France|FR|Germany|DE|Italy|Spain|Portugal|Netherlands|Belgium|"
    "Switzerland|Austria|Sweden|Norway|Denmark|Finland|Poland|Czechia|Czech Republic|Hungary|Romania|Greece|"
    "Turkey|Israel|Iran|Iraq|Egypt|Nigeria|Kenya|Ghana|South Africa|Morocco|India|Pakistan|Bangladesh|Sri Lanka|"
    "Nepal|China|PRC|Hong Kong|Taiwan|Japan|Korea|South Korea|Singapore|Malaysia|Indonesia|Thailand|Vietnam|"
    "Viet Nam|Philippines|Australia|New Zealand|UAE|United Arab Emirates|Saudi Arabia|Qatar|Russia|Ukraine|EU|"
    "Europe|Remote")
_PLACE = rf"(?:{'|'.join(US_STATES)}|(?i:{PLACE_NAMES}))"
_CITY = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
REMOTE = re.compile(r"^\(?(?:fully\s+)?(?:remote|hybrid|on-?site|in-?person|online|virtual)\)?$", re.I)
LOCATION = re.compile(
    rf"^\(?{_CITY},\s*{_PLACE}\.?(?:\s*(?:&|and|/)\s*{_CITY},\s*{_PLACE}\.?)*"
    rf"(?:\s*[-–(]\s*(?i:remote|hybrid|on-?site)\)?)?\)?$|^\(?{_PLACE}\)?$")
TRAILING_LOCATION = re.compile(
    rf"(?:,|\s[-–—]|\s\()\s*(?:{_CITY},\s*)?{_PLACE}\.?\)?(?:\s*[-–]\s*(?i:remote|hybrid))?\s*$")
EMPLOYMENT_NOTE = re.compile(
    r"\s*\((?i:[^()]*\b(?:full|part|time|freelance|contract|intern(?:ship)?|temporary|seasonal|remote|hybrid|"
    r"volunteer|in-progress|in progress)\b[^()]*)\)")
LABEL = re.compile(r"^[A-Z][\w /&-]{0,30}:$|^(?i:highlights|responsibilities|accomplishments|achievements|"
                   r"key achievements|tasks|duties|projects|tools|stack|tech stack|technologies(?: used)?)\s*:")
SEPARATORS = re.compile(r"\s+at\s+(?=[A-Z0-9])|\s+@\s+"  # "Engineer at Acme", "Engineer @ Acme"
                        r"|\t+|\s{3,}|\s+\|\s*|\s*\|\s+|;\s+|\s*·\s+"
                        r"|\s*—\s*|\s+[–-]\s*|\s*–\s+|\s+-(?=[A-Z])"  # dashes, but not inside "Full-Stack"
                        r"|\s*(?:\.\s){3,}\.?\s*|\s*\.{4,}\s*|\s*…+\s*")  # dotted leaders
ABBREVIATION_END = re.compile(rf"\b(?:(?i:{LEGAL}|jr|sr|st|dr|bros|dept|univ)|[A-Z]{{2,3}})\.$")
STOPWORDS = {"of", "and", "in", "the", "for", "at", "to", "a", "an", "on", "with", "&", "de", "du", "la", "le",
             "der", "und", "y", "e", "di", "da", "von", "van", "-", "–", "—", "/", "+"}
DURATION = re.compile(r"^\(?(?:\d+\+?\s*(?:years?|yrs?|months?|mos?)\b\s*)+\)?$|^less than a year$", re.I)
RIGHT_PLACE = re.compile(r"^[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2},\s?[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*)?$")
PAGE_NUMBER = re.compile(r"^(?:\d{1,2}(?:\s*/\s*\d{1,2})?|page \d+(?: of \d+)?|-\s*\d+\s*-)$", re.I)


@dataclass
class ExperienceEntry:
    title: str
    company: str
    start: date | None
    end: date | None  # None with `current`
    current: bool
    bullets: list[str] = field(default_factory=list)
    line: int = 0
    location: str = ""

    @property
    def months(self) -> int:
        if self.start is None:
            return 0
        end = self.end or date.today()
        return max(0, (end.year - self.start.year) * 12 + end.month - self.start.month + 1)


@dataclass
class EducationEntry:
    text: str
    degree: str
    year: int | None
    institution: str = ""


@dataclass
class _Line:
    index: int
    text: str  # cleaned
    bullet: bool  # started with a glyph
    kind: str = "head"  # head | body | skip
    dates: DateSpan | None = None


# --- cleaning and classing lines -------------------------------------------------------------------------

def clean_line(raw: str) -> tuple[str, bool]:
    """The line without bullet and icon glyphs; and whether it started with a bullet."""
    text = re.sub(r"\(cid:\d+\)", " ", raw)
    text = re.sub(r"[\uf000-\uf8ff\u00ad\u200b\ufeff]", "", text)
    text = text.replace("\u00a0", " ").strip()
    text = re.sub(r"\s*(?:\.\s){3,}\.?\s*|\s*\.{4,}\s*|\s*…+\s*", "\t", text).strip()  # dotted leaders
    text = re.sub(r"\b(Co|Inc|Ltd|Corp)\.\.(?=\s|$)", r"\1.", text)  # "Mahsan Co.." before a leader
    bullet = False
    while text and (text[0] in GLYPHS or text[0] in "\u2022\u25cf"):
        if text[0] in "-–—+>" and len(text) > 1 and not text[1].isspace() and text[1] not in GLYPHS:
            break  # a dash glued to the text ("-5%", "-Italian") is left as printed
        bullet, text = True, text[1:].lstrip()
    # An icon that extracts as one letter before the text: "z Sep 2023", "f Developed ...".
    icon = re.match(r"^([b-hj-z§¢ı@])\s+(?=[A-Z0-9(])", text)
    if icon:
        text = text[icon.end():]
    return text.strip(), bullet


def _is_sentence(text: str) -> bool:
    """A line of prose (a bullet without its glyph) rather than a name, a title or a place."""
    words = [w for w in text.split() if re.search(r"\w", w)]
    # "Adjunct Instructor & Tutor – General Studies ... (Hybrid)": separated names make a long head line.
    separated = re.search(r"\t|\s[|—–-]\s", text) is not None
    if len(text) > 110 or len(words) >= (20 if separated else 12):
        return True
    lower = [w for w in words if w[:1].islower() and w.lower() not in STOPWORDS]
    if len(words) >= 5 and re.match(r"[A-Za-z]{3,}(?:ed|ly)\b", text) and not (
            ORG_STRONG.search(text) or ORG_MEDIUM.search(text)):
        return True  # "Consistently hit the top ...", "Recruited and trained ..."
    # A name ends in a full stop only after an abbreviation ("Acme Co.", "New Haven, CT.").
    if text.endswith(".") and len(words) >= 3 and not ABBREVIATION_END.search(text):
        return True
    # Head lines are Title Case; sentences have several lower-case words that are not "of", "and", ...
    return len(lower) >= 2 and len(lower) >= 0.35 * len(words) or _starts_lower(text)


def _starts_lower(text: str) -> bool:
    """Starts with a lower-case word ("and ...", "from 2008"), not a name such as "eBay"."""
    first = text.split()[0] if text.split() else ""
    return first[:1].islower() and first.lower() == first


def _class_lines(lines: list[str], start: int, end: int) -> list[_Line]:
    out: list[_Line] = []
    for index in range(start, end):
        text, bullet = clean_line(lines[index])
        item = _Line(index, text, bullet)
        if not text or PAGE_NUMBER.match(text) or DURATION.match(text) or (
                section_of_heading(text) and not find_dates(text)):
            item.kind = "skip"
        elif re.fullmatch(r"[\w &/]{3,40}\s+(?i:experience|employment|positions)", text) and not find_dates(text):
            item.kind = "skip"  # a sub-heading inside the section: "Internship Experience"
        else:
            item.dates = find_dates(text)
            head = _strip_dates(text, item.dates)
            if (bullet or LABEL.match(text)) and not (only_dates(text) or _is_location(head) or not head):
                item.kind = "body"
            elif item.dates is None and _is_sentence(text) or item.dates is not None and (
                    len(head) > 160 or _starts_lower(head)):  # "from 2008-2014." ends a sentence
                item.kind = "body"
        out.append(item)
    # A line after a bullet that ran to the column's edge without ending is that bullet wrapping on
    # ("... code for JS using Backbone, Jade," / "Stylus and Require and Scala using Play").
    lengths = sorted(len(i.text) for i in out if i.text)
    width = max(60, lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80)
    kept = [item for item in out if item.kind != "skip"]
    for k, item in enumerate(kept[1:], start=1):
        previous, following = kept[k - 1], kept[k + 1] if k + 1 < len(kept) else None
        if item.kind == "head" and previous.kind == "body" and item.dates is None \
                and len(previous.text) >= 0.7 * width and not re.search(r"[.!?:)]$", previous.text) \
                and _title_score(item.text) == 0 and _org_score(item.text) == 0 and not _is_location(item.text) \
                and not item.text.isupper() and not (following and following.kind == "head" and following.dates):
            item.kind = "body"
    return out


def _strip_dates(text: str, span: DateSpan | None) -> str:
    if span is None:
        return text
    text = (text[:span.begin] + "\t" + text[span.stop:])
    text = re.sub(r"[(\[]\s*\t\s*[)\]]", "\t", text).strip(" \t,:;|-–—")  # "Acme (2019 - 2021)"
    if text.startswith("(") and ")" not in text:
        text = text[1:]
    if text.endswith(")") and "(" not in text:
        text = text[:-1]
    return text.strip(" \t,:;|-–—")


# --- pieces: what a head line says besides its dates -----------------------------------------------------

def _is_location(piece: str) -> bool:
    piece = piece.strip(" .,()")
    if re.match(r"[A-Z]{2,5}\s", piece) and not piece.isupper():
        return False  # "ETH Zürich, Switzerland", "IIT Bombay, India": a school, not a city
    return bool(piece) and (REMOTE.match(piece) is not None or LOCATION.match(piece) is not None)


def _pieces(text: str, split_commas: bool) -> list[str]:
    """The names in a head line (dates already cut out): no locations, no employment notes."""
    merged: list[str] = []
    parts = SEPARATORS.split(text)
    for number, part in enumerate(parts):
        part = EMPLOYMENT_NOTE.sub("", part).strip(" ,;:|")
        if not part or _is_location(part) or DURATION.match(part):
            continue
        if number == len(parts) - 1 > 0 and RIGHT_PLACE.match(part) and not _title_score(part) \
                and not _org_score(part):
            continue  # "Seoul, S.Korea" set at the right of a line: a place, even one not in our list
        while (trail := TRAILING_LOCATION.search(part)) and trail.start() > 0:
            part = part[:trail.start()].strip(" ,;:")
        # "University of California – Irvine": a campus after a dash belongs to the university.
        if merged and re.search(r"(?i:universit\w*)(?:\s+of)?\s+[A-Z][\w]+$", merged[-1]) and \
                re.fullmatch(r"[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2}", part) and _title_score(part) == 0:
            merged[-1] = f"{merged[-1]} – {part}"
            continue
        merged.append(part)
    pieces: list[str] = []
    for part in merged:
        if split_commas:
            pieces += [sub for sub in _split_commas(part) if sub and not _is_location(sub)]
        else:
            pieces.append(part)
    # A piece that is only a parenthesis ("(Orlando Campus)") is a note, not a name.
    return [p for p in pieces if re.search(r"[A-Za-z]", p) and not re.fullmatch(r"\([^()]*\)", p)]


def _split_commas(text: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r",\s+", text):
        part = part.strip(" ,;:")
        if out and re.fullmatch(rf"(?i:{LEGAL})\.?", part):
            out[-1] = f"{out[-1]}, {part}"  # "Morningstar, Inc."
        elif part:
            out.append(part)
    return out


def _words(piece: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z][\w&+-]*", piece)]


def _title_score(piece: str) -> float:
    score = 0.0
    for word in _words(piece):
        word = word.split("(")[0]
        if word in TITLE_WORDS or word.rstrip("s") in TITLE_WORDS:
            score += 0.4 if word in WEAK_TITLE_WORDS else 1.0
    return score


def _org_score(piece: str) -> float:
    piece = re.sub(r"\s*\([^()]*\)", "", piece) or piece  # "NHSEI (generally working in R)"
    score = 3.0 * len(ORG_STRONG.findall(piece)) + 2.0 * bool(ORG_MEDIUM.search(piece))
    if ORG_WEAK.search(piece):
        score += 1.0
    bare = piece.strip()
    if re.fullmatch(r"[A-Za-z&.]{2,8}", bare) and sum(c.isupper() for c in bare) >= 2 and not bare.isupper():
        score += 2.0  # an acronym such as "DfE"
    elif re.fullmatch(r"[A-Z&.]{2,6}", bare):
        score += 2.0
    return score


# --- experience ------------------------------------------------------------------------------------------

@dataclass
class _Role:
    lines: list[_Line]
    dates: DateSpan | None
    pieces: list[str] = field(default_factory=list)
    title: str = ""
    company: str = ""
    order: str = ""  # "title-first" / "company-first" when the cues decided it
    location: str = ""
    body: list[_Line] = field(default_factory=list)


def _runs(items: list[_Line]) -> list[tuple[list[_Line], list[_Line]]]:
    """(head lines, body lines after them) in order; page breaks and blank lines do not cut a run."""
    runs: list[tuple[list[_Line], list[_Line]]] = []
    head: list[_Line] = []
    body: list[_Line] = []
    for item in items:
        if item.kind == "skip":
            continue
        if item.kind == "head":
            if body:
                runs.append((head, body))
                head, body = [], []
            head.append(item)
        else:
            body.append(item)
    if head or body:
        runs.append((head, body))
    return runs


def _join_wrapped(head: list[_Line], width: int) -> list[_Line]:
    """Head lines that wrapped (a long name reaching the column's width, or ending in a comma or
    "and") are joined to the next one."""
    out: list[_Line] = []
    for item in head:
        if out and item.dates is None and (out[-1].dates is None or out[-1].text.endswith(",")):
            previous = out[-1]
            wrapped = previous.text.endswith((",", "&", " and", " of", " for", " on")) or (
                len(previous.text) >= 0.8 * width and _title_score(item.text) < 1 and not _is_location(item.text)
                and _title_score(previous.text) < 1)
            if wrapped and not _is_location(previous.text):
                out[-1] = _Line(previous.index, f"{previous.text} {item.text}", previous.bullet, "head",
                                previous.dates or item.dates)
                continue
        out.append(item)
    return out


def extract_experience(lines: list[str], span: tuple[int, int] | None) -> list[ExperienceEntry]:
    if span is None:
        return []
    items = _class_lines(lines, *span)
    lengths = sorted(len(i.text) for i in items if i.text)
    width = max(60, lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80)  # a column is never narrower
    runs = [(_join_wrapped(head, width), body) for head, body in _runs(items)]
    roles = _split_runs(runs)
    for role in roles:
        _assign(role)
    _resolve_by_order(roles)
    entries: list[ExperienceEntry] = []
    bodies: list[list[_Line]] = []
    previous_company = ""
    for role in roles:
        if role.dates is None or role.dates.start is None or not (role.company or role.title):
            # Not a role (head-like lines between bullets, the rest of a date that wrapped): its lines
            # are the role above's text.
            if bodies:
                bodies[-1] += [item for item in role.lines if not only_dates(item.text)] + role.body
            continue
        if not role.company:
            role.company = previous_company
        previous_company = role.company or previous_company
        role.title, role.company = _tidy(role.title), _tidy(role.company)
        end = None if role.dates.current else role.dates.end
        entries.append(ExperienceEntry(role.title, role.company, role.dates.start, end, role.dates.current,
                                       line=role.lines[0].index if role.lines else 0, location=role.location))
        bodies.append(list(role.body))
    for entry, body in zip(entries, bodies, strict=True):
        entry.bullets = _bullets(body, width)
    return entries


def _tidy(name: str) -> str:
    """A title or company without what is printed beside it: a note in brackets that reads as prose
    ("NHSEI (generally working in R)") or a bracket glued on ("Engineer(Golang/Rust)")."""
    name = re.sub(r"\s*\((?=[a-z])[^()]*\)\s*$", "", name)
    name = re.sub(r"(?<=\w)\([^()\s]*\)$", "", name)
    return name.strip(" ,;:|-–—")


def _split_runs(runs: list[tuple[list[_Line], list[_Line]]]) -> list[_Role]:
    """One role per date in each run; a dateless run takes a lone date that follows its body."""
    before = [next(i for i, item in enumerate(head) if item.dates) for head, _ in runs
              if sum(1 for item in head if item.dates) == 1]
    lead = round(median(before)) if before else None
    roles: list[_Role] = []
    for head, body in runs:
        if head and head[0].dates and roles and roles[-1].dates is None and _names_a_role(roles[-1]) and \
                not _pieces(_strip_dates(head[0].text, head[0].dates), True):
            roles[-1].dates = head[0].dates  # the dates of the role above, extracted after its text
            head = head[1:]
            if not head:
                roles[-1].body += body
                continue
        dated = [i for i, item in enumerate(head) if item.dates]
        if len(dated) <= 1:
            roles.append(_Role(head, head[dated[0]].dates if dated else None, body=list(body)))
            continue
        # Several dates (roles without bullets): the first role takes every line before its date; each
        # later one its date line and the `lead` lines before it that follow the previous date.
        shape = dated[0] if lead is None else lead
        starts = [0] + [max(d - shape, dated[k] + 1) for k, d in enumerate(dated[1:])]
        for k, first in enumerate(starts):
            last = starts[k + 1] if k + 1 < len(starts) else len(head)
            roles.append(_Role(head[first:last], head[dated[k]].dates,
                               body=list(body) if k + 1 == len(starts) else []))
    return roles


def _names_a_role(role: _Role) -> bool:
    pieces = [p for item in role.lines for p in _pieces(_strip_dates(item.text, item.dates), False)]
    return len(pieces) >= 2 or any(_title_score(p) >= 1 for p in pieces)


def _assign(role: _Role) -> None:
    texts = [_strip_dates(item.text, item.dates) for item in role.lines]
    for item in role.lines:
        for part in SEPARATORS.split(_strip_dates(item.text, item.dates)):
            if _is_location(part.strip(" ,;:")) and not role.location:
                role.location = part.strip(" ,;:()")
    for split_commas in (False, True):
        pieces = [p for text in texts for p in _pieces(text, split_commas)]
        role.pieces = pieces
        if len(pieces) >= 2:
            break
    pieces = role.pieces
    if not pieces:
        return
    titles = [_title_score(p) for p in pieces]
    orgs = [_org_score(p) for p in pieces]
    if len(pieces) == 1:
        if titles[0] > 0 or orgs[0] == 0:
            role.title = pieces[0]
        else:
            role.company = pieces[0]
        return
    best_title = max(range(len(pieces)), key=lambda i: (titles[i] > 0, titles[i] - 0.5 * orgs[i], -i))
    rest = [i for i in range(len(pieces)) if i != best_title]
    best_org = max(rest, key=lambda i: (orgs[i] - 0.5 * titles[i], -i))
    title_margin = titles[best_title] - max(titles[i] for i in rest)
    org_margin = orgs[best_org] - max([orgs[best_title]] + [orgs[i] for i in rest if i != best_org])
    if title_margin > 0 or org_margin > 0:
        if org_margin > 0 and title_margin <= 0 and orgs[best_org] > 0:
            # The company is sure and the title is not: the title is the nearest other piece.
            # The company is sure and the title is not: the title is the other piece least like an
            # organisation ("Statistician" rather than "Surveys Unit"), the nearest one on a tie.
            others = [i for i in range(len(pieces)) if i != best_org]
            best_title = min(others, key=lambda i: (orgs[i], abs(i - best_org), -titles[i]))
        role.title, role.company = pieces[best_title], pieces[best_org]
        role.order = "title-first" if best_title < best_org else "company-first"
    else:
        role.title, role.company = pieces[0], pieces[1]  # decided by the resume's order below


def _resolve_by_order(roles: list[_Role]) -> None:
    votes = [r.order for r in roles if r.order]
    if not votes:
        return
    company_first = votes.count("company-first") > votes.count("title-first")
    for role in roles:
        if not role.order and len(role.pieces) >= 2:
            first, second = role.pieces[0], role.pieces[1]
            role.company, role.title = (first, second) if company_first else (second, first)


def _bullets(body: list[_Line], width: int) -> list[str]:
    bullets: list[str] = []
    glyph_pending = False
    last_len = 0
    for item in body:
        if not item.text:
            continue
        if item.text in ("•",):
            glyph_pending = True
            continue
        if LABEL.match(item.text) and item.text.endswith(":"):
            continue
        # Without a glyph, a line starts a bullet after a finished sentence, after a short line, or
        # when it opens with an action verb ("Created ...") and the line above did not break mid-phrase.
        action = re.match(r"[A-Z][a-z]{2,}ed\b", item.text) is not None and not re.search(
            r"(?:[,;:&/-]|\b(?:and|or|of|the|to|for|with|in|on|a|an))$", bullets[-1] if bullets else "")
        starts_new = (item.bullet or glyph_pending or not bullets or bullets[-1].endswith((".", "!", "?", ";"))
                      or (last_len < 0.75 * width and item.text[:1].isupper()) or action
                      or LABEL.match(item.text) is not None)  # "Stack: Go, gRPC"
        if starts_new:
            bullets.append(item.text)
        else:
            bullets[-1] = f"{bullets[-1]} {item.text}"
        glyph_pending = False
        last_len = len(item.text)
    return [re.sub(r"\s+", " ", b).strip() for b in bullets if b.strip()]


def total_experience_years(entries: list[ExperienceEntry]) -> float:
    """Years worked, counting overlapping jobs once."""
    spans = sorted((e.start, e.end or date.today()) for e in entries if e.start)
    spans = [(start, max(start, end)) for start, end in spans]  # an end printed before its start
    if not spans:
        return 0.0
    months = 0
    current_start, current_end = spans[0]
    for start, end in spans[1:]:
        if start > current_end:
            months += _months_between(current_start, current_end)
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    months += _months_between(current_start, current_end)
    return round(months / 12, 1)


def _months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


# --- education -------------------------------------------------------------------------------------------

def _degree_of(text: str) -> str:
    cleaned = TRAILING_LOCATION.sub("", text)
    cleaned = re.sub(rf",\s*{_PLACE}\b", "", cleaned)
    match = DEGREES.search(cleaned)
    return match.group(0).strip() if match else ""


def _institution_piece(pieces: list[str], acronyms: bool = False) -> str:
    """The piece that names a school; beside a degree, an acronym ("UCL") does too."""
    scored = [(3 if INSTITUTION.search(p) else 1 if acronyms and ACRONYM.match(p) else 0, -i, p)
              for i, p in enumerate(pieces)]
    best = max(scored, default=(0, 0, ""))
    return best[2] if best[0] else ""


NOT_A_SCHOOL = re.compile(r"(?i)\b(?:gpa|grade|expected|graduat\w*|thesis|minor|major|honou?rs|cum laude|courses?)\b")


@dataclass
class _School:
    item: _Line
    degree: str = ""  # the keyword ("M.Sc.")
    institution: str = ""  # named on this line
    institution_only: bool = False  # a line naming a school and no degree


def extract_education(lines: list[str], span: tuple[int, int] | None) -> list[EducationEntry]:
    if span is None:
        return []
    # A degree line is a head line however long ("Doctor of Philosophy (Ph.D.) student in ..., with a
    # focus on ..."), and so is a bulleted institution line.
    items = [item for item in _class_lines(lines, *span) if item.kind == "head" or item.kind == "body" and (
        item.bullet and INSTITUTION.search(item.text) and not _is_sentence(item.text)
        or len(item.text) < 200 and _degree_of(item.text) and not LABEL.match(item.text))]
    rows: list[_School] = []
    for item in items:
        item.dates = item.dates or find_dates(item.text)
        text = _strip_dates(item.text, item.dates)
        degree = _degree_of(text)
        if degree:
            others = [p for p in _pieces(text, split_commas=True) if not DEGREES.search(p) and not NOT_A_SCHOOL.search(p)]
            rows.append(_School(item, degree, _trim_institution(_institution_piece(others, acronyms=True))))
        elif (school := _institution_piece(_pieces(text, split_commas=False))) and not _is_sentence(text):
            rows.append(_School(item, institution=_trim_institution(school), institution_only=True))
        else:
            rows.append(_School(item))
    schools = [k for k, row in enumerate(rows) if row.institution_only]
    degrees = [k for k, row in enumerate(rows) if row.degree]
    # Which way this section writes it: the school above its degrees, or below them.
    first = next((row for row in rows if row.institution_only or row.degree and not row.institution), None)
    school_first = first is None or first.institution_only
    used: set[int] = set()
    found: list[tuple[int, EducationEntry]] = []
    for k in degrees:
        row = rows[k]
        institution = row.institution
        if not institution:
            above = max((j for j in schools if 0 < k - j <= 4), default=None)
            below = min((j for j in schools if 0 < j - k <= 4), default=None)
            chosen = next((c for c in ((above, below) if school_first else (below, above)) if c is not None), None)
            if chosen is not None:
                institution = rows[chosen].institution
                used.add(chosen)
            else:  # no school word near: a short name right beside the degree ("Stanford" / "B.S. ...")
                institution = _bare_school(rows, (k - 1, k + 1) if school_first else (k + 1, k - 1))
        found.append((row.item.index, EducationEntry(_readable(row.item, institution), _degree_phrase(row, institution),
                                                     _year_near(rows, k), institution)))
    for k in schools:
        if k not in used:
            found.append((rows[k].item.index, EducationEntry(_readable(rows[k].item, ""), "", _year_near(rows, k),
                                                             rows[k].institution)))
    # A short line with no degree and no school word, right above a line that says only when (and
    # where), and not beside a degree, is a school of its own ("LA MARTINIERE FOR BOYS" / "Grad. May 2011").
    for k, row in enumerate(rows):
        if row.degree or row.institution_only or row.item.dates or k + 1 >= len(rows) or not _only_when(rows[k + 1].item):
            continue
        names = _pieces(row.item.text, False)
        if not names or len(row.item.text.split()) > 6 or section_of_heading(row.item.text) or \
                any(abs(j - k) <= 1 for j in degrees) or _title_score(row.item.text):
            continue
        found.append((row.item.index, EducationEntry(_readable(row.item, ""), "", _year_near(rows, k), names[0])))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]


def _bare_school(rows: list[_School], candidates: tuple[int, int]) -> str:
    for j in candidates:
        if not 0 <= j < len(rows):
            continue
        row = rows[j]
        names = _pieces(row.item.text, False)
        if row.degree or row.item.dates or len(names) != 1 or len(names[0].split()) > 5 or \
                NOT_A_SCHOOL.search(names[0]) or _is_sentence(names[0]) or section_of_heading(names[0]) or \
                _title_score(names[0]) or ":" in names[0]:
            continue
        return names[0]
    return ""


def _readable(item: _Line, institution: str) -> str:
    """The line as a reader would write it out: separators as commas, the school added when it was
    on another line."""
    text = re.sub(r"\s*\t+\s*|\s{3,}", ", ", item.text).strip(" ,")
    if institution and institution.lower() not in text.lower():
        text = f"{text}, {institution}"
    return text


def _degree_phrase(row: _School, institution: str) -> str:
    """The degree as printed, with its subject: "M.Sc. in Physics", "Master of Science (M.S.) – Data
    Analytics"; without the school, the dates, the place and notes such as "GPA 3.8"."""
    text = _strip_dates(row.item.text, row.item.dates)
    if institution:
        text = text.replace(institution, "\t")
    pieces = [p for p in _pieces(text, split_commas=False) if not NOT_A_SCHOOL.search(p) or DEGREES.search(p)]
    phrase = " – ".join(pieces).strip(" ,;:–")
    return phrase if row.degree.lower() in phrase.lower() else row.degree


def _only_when(item: _Line) -> bool:
    """A line that says only when (and where): "Grad. May 2011 | Kolkata, India"."""
    if item.dates is None:
        return False
    rest = re.sub(r"(?i)\b(?:grad(?:uated|uation)?|expected|date|class of|since)\b\.?:?", " ",
                  _strip_dates(item.text, item.dates))
    return not _pieces(rest, True)


def _trim_institution(institution: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", institution).strip(" ,;:–-") if institution else ""


def _year_near(rows: list[_School], k: int) -> int | None:
    """The year the degree ends (or was awarded): on its line or the next ones."""
    for j in (k, k + 1, k + 2, k - 1):
        if 0 <= j < len(rows) and (span := rows[j].item.dates) and span.start:
            if span.current:
                return None
            return (span.end or span.start).year
    return None
