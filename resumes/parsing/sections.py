"""Section headings: which lines start which canonical section (summary, experience, ...)."""

import re

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

def section_of_heading(line: str) -> str | None:
    cleaned = re.sub(r"[^a-z &]", "", line.lower()).strip()
    if not cleaned or len(cleaned) > 40:
        return None
    return _HEADING_LOOKUP.get(cleaned)


def split_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Section name → (first line, end line) after its heading. Text before any heading is the
    header (name and contact)."""
    marks = [(i, name) for i, line in enumerate(lines) if (name := section_of_heading(line))]
    sections: dict[str, tuple[int, int]] = {}
    for index, (line_no, name) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(lines)
        if name not in sections:
            sections[name] = (line_no + 1, end)
    return sections


