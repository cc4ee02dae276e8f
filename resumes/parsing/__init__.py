"""Resume parsing with no Django inside: bytes in, a structured resume and a format report out.

    parsed = parse_resume(data)          # raises UnreadableDocument with a user-facing message
"""

from dataclasses import dataclass, field

from ..ontology import SkillMatcher, default_matcher
from .achievements import Achievement, extract_achievements
from .contact import Contact, extract_contact
from .entries import (
    EducationEntry,
    ExperienceEntry,
    extract_education,
    extract_experience,
    total_experience_years,
)
from .extract import ExtractedText, extract_text
from .formats import UnreadableDocument, detect_format
from .sections import split_sections
from .skills import FoundSkill, extract_skills, skill_ids

__all__ = ["FormatReport", "FoundSkill", "ParsedResume", "UnreadableDocument", "detect_format", "parse_resume", "parse_text"]

STANDARD_FONTS = ("Arial", "Helvetica", "Calibri", "Times", "Georgia", "Garamond", "Cambria", "Verdana",
                  "Tahoma", "Roboto", "OpenSans", "Open Sans", "Lato", "Liberation", "DejaVu", "Courier")


@dataclass
class FormatReport:
    file_type: str
    pages: int
    columns: int
    images: int
    tables: int
    fonts: list[str]
    unusual_fonts: list[str]
    confidence: int  # 0-100: how reliably an ATS would read this file
    indicators: list[str] = field(default_factory=list)


@dataclass
class ParsedResume:
    text: str
    contact: Contact
    sections: dict[str, str]
    experience: list[ExperienceEntry]
    years_of_experience: float
    education: list[EducationEntry]
    skills: list[FoundSkill]  # as the resume spells them, listed ones first, each once
    achievements: list[Achievement]
    format: FormatReport
    lines: list[str]

    @property
    def skill_ids(self) -> list[str]:
        """The ontology ids of the skills (what the ATS compares with a job), each once."""
        return skill_ids(self.skills)


def _report(extracted: ExtractedText, sections: dict, contact: Contact) -> FormatReport:
    indicators, confidence = list(extracted.warnings), 100
    unusual = sorted(f for f in extracted.fonts if not any(s.lower() in f.lower() for s in STANDARD_FONTS))
    if extracted.columns > 1:
        confidence -= 15
        indicators.append("Two columns: many ATS read across the columns and mix up lines. One column is safer.")
    if extracted.tables:
        confidence -= 10
        indicators.append(f"{extracted.tables} table(s): some ATS skip or scramble table cells.")
    if extracted.images:
        confidence -= 5
        indicators.append(f"{extracted.images} image(s) or graphic(s): their text, if any, is invisible to an ATS.")
    if unusual:
        confidence -= 5
        indicators.append(f"Uncommon fonts ({', '.join(unusual[:3])}) may not be read correctly.")
    if not contact.email:
        confidence -= 10
        indicators.append("No e-mail address found.")
    missing = [s for s in ("experience", "education", "skills") if s not in sections]
    if missing:
        confidence -= 5 * len(missing)
        indicators.append(f"No clear heading for: {', '.join(missing)}.")
    if len(extracted.text) < 400:
        confidence -= 30
        indicators.append("Very little text was found.")
    return FormatReport(extracted.kind, extracted.pages, extracted.columns, extracted.images, extracted.tables,
                        sorted(extracted.fonts), unusual, max(0, confidence), indicators)


def parse_text(extracted: ExtractedText, matcher: SkillMatcher | None = None) -> ParsedResume:
    matcher = matcher or default_matcher()
    lines = [line.rstrip() for line in extracted.text.split("\n")]
    spans = split_sections(lines)
    sections = {name: "\n".join(lines[start:end]).strip() for name, (start, end) in spans.items()}
    contact = extract_contact(lines, extracted.text, extracted.line_sizes)
    experience = extract_experience(lines, spans.get("experience"))
    return ParsedResume(
        text=extracted.text, contact=contact, sections=sections, experience=experience,
        years_of_experience=total_experience_years(experience),
        education=extract_education(lines, spans.get("education")),
        skills=extract_skills(lines, spans, matcher),
        achievements=extract_achievements(lines),
        format=_report(extracted, sections, contact), lines=lines,
    )


def parse_resume(data: bytes, matcher: SkillMatcher | None = None) -> ParsedResume:
    return parse_text(extract_text(data), matcher)
