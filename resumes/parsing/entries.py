"""Roles (experience) and schools (education) under their sections."""

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import RANGE, parse_point
from .sections import section_of_heading

DEGREES = re.compile(r"\b(B\.?S\.?c?|B\.?A\.?|M\.?S\.?c?|M\.?A\.?|MBA|Ph\.?D|Bachelor|Master|Doctor|Associate|BEng|MEng|"
                     r"diploma)\b", re.I)


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
            entries.append(ExperienceEntry(title, company, parse_point(match.group("start")),
                                           None if current else parse_point(match.group("end"), end=True), current,
                                           line=index))
        elif entries and line.lstrip().startswith(("-", "•", "*", "·", "–")):
            entries[-1].bullets.append(line.lstrip("-•*·– ").strip())
        elif entries and line and entries[-1].bullets and not section_of_heading(line):
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


