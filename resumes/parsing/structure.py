"""From a resume's text to its parts: contact, sections, experience with dates and years,
education, quantified achievements."""

import re
from dataclasses import dataclass, field
from datetime import date

SECTION_HEADINGS = {
    "summary": ("summary", "profile", "professional summary", "about me", "objective", "about"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history", "relevant experience"),
    "education": ("education", "academic background", "education and training", "qualifications"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "technologies", "tech stack",
               "competencies", "core competencies", "tools"),
    "projects": ("projects", "personal projects", "selected projects", "side projects", "open source"),
    "certifications": ("certifications", "certificates", "licenses", "licenses and certifications", "courses"),
}
_HEADING_LOOKUP = {alias: name for name, aliases in SECTION_HEADINGS.items() for alias in aliases}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,}\d)(?!\w)")
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s|,;]*)?")
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
POINT = rf"(?:{MONTH}\.?\s+\d{{4}}|\d{{1,2}}/\d{{4}}|\d{{4}})"
RANGE = re.compile(rf"(?P<start>{POINT})\s*(?:-|–|—|to|until)\s*(?P<end>{POINT}|present|current|now|today)", re.I)
QUANTITY = re.compile(
    r"(\$\s?\d[\d,.]*\s?[kmb]?|\d[\d,.]*\s?%|\d[\d,.]*\s?(?:x|times)\b|\b\d[\d,.]*\+?\s?(?:k|m|million|billion|thousand)?\s?"
    r"(?:users|customers|requests|transactions|engineers|people|services|countries|clients|downloads|orders|records|"
    r"teams|members|ms|seconds|hours|days|qps|rps|tps)\b)", re.I)
RESULT_VERBS = ("increased", "reduced", "decreased", "improved", "cut", "grew", "saved", "boosted", "raised",
                "accelerated", "lowered", "doubled", "tripled", "scaled", "generated", "delivered", "led", "built",
                "launched", "migrated", "automated", "optimized", "optimised", "handled", "served", "managed")
SCALE_WORDS = ("million", "billion", "thousand", "millions", "thousands")
DEGREES = re.compile(r"\b(B\.?S\.?c?|B\.?A\.?|M\.?S\.?c?|M\.?A\.?|MBA|Ph\.?D|Bachelor|Master|Doctor|Associate|BEng|MEng|"
                     r"diploma)\b", re.I)


@dataclass
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    github: str = ""
    linkedin: str = ""
    website: str = ""


@dataclass
class ExperienceEntry:
    title: str
    company: str
    start: date | None
    end: date | None  # None with `current`
    current: bool
    bullets: list[str] = field(default_factory=list)
    line: int = 0

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


@dataclass
class Achievement:
    text: str
    quantities: list[str]
    line: int


def _heading(line: str) -> str | None:
    cleaned = re.sub(r"[^a-z &]", "", line.lower()).strip()
    if not cleaned or len(cleaned) > 40:
        return None
    return _HEADING_LOOKUP.get(cleaned)


def split_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Section name → (first line, end line) after its heading. Text before any heading is the
    header (name and contact)."""
    marks = [(i, name) for i, line in enumerate(lines) if (name := _heading(line))]
    sections: dict[str, tuple[int, int]] = {}
    for index, (line_no, name) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(lines)
        if name not in sections:
            sections[name] = (line_no + 1, end)
    return sections


def extract_contact(lines: list[str], text: str) -> Contact:
    contact = Contact()
    email = EMAIL.search(text)
    contact.email = email.group(0) if email else ""
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if 8 <= len(digits) <= 15 and not RANGE.search(match.group(1)):
            contact.phone = match.group(1).strip()
            break
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".")
        lower = url.lower()
        if "@" in text[max(0, match.start() - 1):match.start()] or lower in contact.email.lower():
            continue
        if "github.com/" in lower and not contact.github:
            contact.github = url if lower.startswith("http") else "https://" + url
        elif "linkedin.com/" in lower and not contact.linkedin:
            contact.linkedin = url if lower.startswith("http") else "https://" + url
        elif not contact.website and "." in lower and not re.fullmatch(r"[\d.]+", lower) and (
                lower.startswith("http") or lower.startswith("www.") or lower.count("/") >= 1):
            contact.website = url
    contact.name = _name(lines)
    for line in lines[:8]:
        place = re.search(r"\b([A-Z][a-zA-Z .'-]+,\s*(?:[A-Z]{2}|[A-Z][a-zA-Z ]+))\b", line)
        if place and not EMAIL.search(place.group(1)) and place.group(1).strip() != contact.name:
            contact.location = place.group(1).strip()
            break
    return contact


NAME_WORD = re.compile(r"[A-Z][a-zA-Z'’-]*\.?|[A-Z]\.")


def _name(lines: list[str]) -> str:
    """The first piece of the header that reads like a person's name: 2 to 5 capitalised words."""
    for line in lines[:6]:
        for piece in re.split(r"\s*[|•·,]\s*", line.strip()):
            words = piece.split()
            if 2 <= len(words) <= 5 and all(NAME_WORD.fullmatch(w) for w in words) and not _heading(piece):
                return piece
    return ""


def _point(text: str, end: bool = False) -> date | None:
    text = text.strip().lower().rstrip(".")
    month_match = re.match(rf"({MONTH})\.?\s+(\d{{4}})", text, re.I)
    if month_match:
        return date(int(month_match.group(2)), MONTHS[month_match.group(1)[:3].lower()], 1)
    slash = re.match(r"(\d{1,2})/(\d{4})", text)
    if slash and 1 <= int(slash.group(1)) <= 12:
        return date(int(slash.group(2)), int(slash.group(1)), 1)
    year = re.match(r"(\d{4})", text)
    if year:
        return date(int(year.group(1)), 12 if end else 1, 1)
    return None


def extract_experience(lines: list[str], span: tuple[int, int] | None) -> list[ExperienceEntry]:
    if span is None:
        return []
    entries: list[ExperienceEntry] = []
    start, end = span
    for index in range(start, end):
        line = lines[index].strip()
        match = RANGE.search(line)
        if match:
            current = match.group("end").lower() in ("present", "current", "now", "today")
            head = (line[:match.start()] + " " + line[match.end():]).strip(" ,|–—-()")
            if not head and index > start:
                head = lines[index - 1].strip()
            title, company = _title_and_company(head)
            if not company and index + 1 < end and not RANGE.search(lines[index + 1]) \
                    and not lines[index + 1].lstrip().startswith(("-", "•", "*", "·")):
                company = lines[index + 1].strip()
            entries.append(ExperienceEntry(title, company, _point(match.group("start")),
                                           None if current else _point(match.group("end"), end=True), current,
                                           line=index))
        elif entries and line.lstrip().startswith(("-", "•", "*", "·", "–")):
            entries[-1].bullets.append(line.lstrip("-•*·– ").strip())
        elif entries and line and entries[-1].bullets and not _heading(line):
            entries[-1].bullets[-1] += " " + line  # a bullet wrapped onto the next line
    return entries


def _title_and_company(head: str) -> tuple[str, str]:
    for separator in (" at ", " @ ", " | ", " — ", " – ", " - ", ", "):
        if separator in head:
            title, company = head.split(separator, 1)
            return title.strip(), company.strip()
    return head.strip(), ""


def total_experience_years(entries: list[ExperienceEntry]) -> float:
    """Years worked, counting overlapping jobs once."""
    spans = sorted((e.start, e.end or date.today()) for e in entries if e.start)
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


def extract_education(lines: list[str], span: tuple[int, int] | None) -> list[EducationEntry]:
    if span is None:
        return []
    entries = []
    for index in range(*span):
        line = lines[index].strip()
        degree = DEGREES.search(line)
        if degree:
            year = re.findall(r"\b(19\d{2}|20\d{2})\b", line)
            entries.append(EducationEntry(line, degree.group(0), int(year[-1]) if year else None))
    return entries


def extract_achievements(lines: list[str]) -> list[Achievement]:
    """Lines that tie a number (percent, money, multiple, scale) to a result."""
    found = []
    for index, line in enumerate(lines):
        stripped = line.strip().lstrip("-•*·– ")
        if not stripped or RANGE.search(stripped) and len(stripped) < 60:
            continue
        quantities = [m.group(0).strip() for m in QUANTITY.finditer(stripped)]
        lower = stripped.lower()
        has_result = any(re.search(rf"\b{verb}\b", lower) for verb in RESULT_VERBS)
        has_scale = any(word in lower for word in SCALE_WORDS)
        if quantities and (has_result or has_scale):
            found.append(Achievement(stripped, quantities, index))
    return found
