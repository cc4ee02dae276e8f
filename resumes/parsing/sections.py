"""Section headings: which lines start which canonical section.

Canonical names: summary, experience, education, skills, projects, publications, awards,
certifications, volunteering, languages, interests. A heading is a short line on its own (upper
case, title case, spaced letters "E X P E R I E N C E", a trailing colon, an icon in front, a table
cell): either a known alias ("Technical Expertise", "SERVICE"), or a phrase whose head word names
the section ("Internship Experience", "Open Source Projects"). A combined heading ("HONORS, AWARDS
& CERTIFICATIONS", "Volunteering & Leadership") opens every canonical section it names; parts
with no canonical name ("Leadership", "Research", "Coursework") open none.
"""

import re

CANONICAL = ("summary", "experience", "education", "skills", "projects", "publications", "awards", "certifications",
             "volunteering", "languages", "interests")

# Whole headings (after cleaning: lower case, "&" as "and", no punctuation) and what they open.
SECTION_HEADINGS = {
    "summary": ("summary", "profile", "professional summary", "about me", "objective", "about", "career objective",
                "professional profile", "personal profile", "career summary", "executive summary", "overview",
                "personal statement", "career profile", "summary of qualifications", "qualifications summary",
                "professional overview", "introduction", "bio", "who i am"),
    "experience": ("experience", "work experience", "professional experience", "employment", "employment history",
                   "work history", "career history", "relevant experience", "internships", "internship",
                   "positions", "positions held", "professional background", "appointments",
                   "academic appointments", "research and work experience"),
    "education": ("education", "academic background", "education and training", "qualifications",
                  "academic qualifications", "educational background", "academics", "studies", "degrees",
                  "schooling", "academic history"),
    "skills": ("skills", "technical skills", "core skills", "key skills", "technologies", "tech stack",
               "competencies", "core competencies", "tools", "technical expertise", "expertise", "areas of expertise",
               "skill areas", "skill set", "skillset", "proficiencies", "technical proficiencies", "toolbox",
               "programming languages", "technical summary", "strengths", "abilities", "know how"),
    "projects": ("projects", "personal projects", "selected projects", "side projects", "open source",
                 "open source projects", "open source contributions", "authored software",
                 "portfolio", "project experience", "academic projects"),
    "publications": ("publications", "selected publications", "papers", "journal articles",
                     "peer reviewed publications", "conference papers", "books", "patents", "patents and publications"),
    "awards": ("awards", "honors", "honours", "honors and awards", "awards and honors", "scholarships", "prizes",
               "achievements", "awards and achievements", "distinctions", "fellowships", "recognition"),
    "certifications": ("certifications", "certificates", "certification", "certificate", "licenses",
                       "licenses and certifications", "courses", "licences", "accreditations",
                       "professional certifications"),
    "volunteering": ("volunteering", "volunteer", "volunteer experience", "volunteer work", "service",
                     "community service", "community involvement", "volunteer activities", "outreach",
                     "professional service"),
    "languages": ("languages", "language", "language skills", "spoken languages", "foreign languages"),
    "interests": ("interests", "hobbies", "hobbies and interests", "interests and hobbies", "personal interests",
                  "activities and interests", "passions"),
}
_HEADING_LOOKUP = {re.sub(" ", "", alias): name for name, aliases in SECTION_HEADINGS.items() for alias in aliases}
# A word before the head word that decides a heading part ("Volunteer Experience" is volunteering,
# "Skills Summary" is skills).
_DECIDING_WORDS = {
    "volunteer": "volunteering", "volunteering": "volunteering", "project": "projects", "projects": "projects",
    "publication": "publications", "publications": "publications", "award": "awards", "awards": "awards",
    "honors": "awards", "honours": "awards", "certification": "certifications", "certifications": "certifications",
    "education": "education", "skills": "skills", "skill": "skills", "languages": "languages",
}
# The last word of a heading part that names it ("Internship Experience", "Open Source Projects").
# Only plural or uncountable words: "Project Manager" or "Student Software Engineering Project" is a
# title, not a heading.
_HEAD_WORDS = {
    "experience": "experience", "experiences": "experience", "employment": "experience", "history": "experience",
    "internships": "experience", "skills": "skills", "technologies": "skills", "competencies": "skills",
    "tools": "skills", "proficiencies": "skills", "expertise": "skills", "summary": "summary",
    "profile": "summary", "objective": "summary", "education": "education", "projects": "projects",
    "publications": "publications", "awards": "awards", "honors": "awards", "honours": "awards",
    "certifications": "certifications", "certificates": "certifications", "licenses": "certifications",
    "languages": "languages", "interests": "interests", "hobbies": "interests", "volunteering": "volunteering",
    "volunteerism": "volunteering",
}
MAX_HEADING_WORDS = 6


def clean_heading(line: str) -> str:
    """The words of a line as a heading: lower case, spaced letters joined, no bullet, icon or colon."""
    text = line.strip()
    if "\t" in text:
        return ""
    text = re.sub(r"^[•\W\d]+(?=[A-Za-z])", "", text)  # a bullet, an icon, "1." or "I." numbering
    text = re.sub(r"^[IVX]+\.\s+", "", text)
    # "E X P E R I E N C E" (single letters) reads as one word; two spaces separated words.
    if re.fullmatch(r"(?:[A-Za-z] ){2,}[A-Za-z](?: +(?:[A-Za-z] ){1,}[A-Za-z])*", text):
        text = " ".join(word.replace(" ", "") for word in re.split(r" {2,}", text))
    text = re.sub(r"\([^)]*\)", " ", text)  # "Work Experience (selected)"
    text = text.lower().replace("&", " and ").replace("+", " and ")
    text = re.sub(r"[^a-z ,/|]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" ,/|")


def sections_of_heading(line: str) -> list[str]:
    """The canonical sections a heading line opens (several for a combined one), or [] when the
    line is not a heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > 60 or stripped.startswith("• ") or re.search(r"[@\d]|https?:|www\.", stripped):
        return []
    if re.search(r"[.;!?]$", stripped) and not stripped.endswith("..."):
        return []
    if ":" in stripped.rstrip(": ").rstrip():  # "Languages: English, French" is a line of content
        return []
    cleaned = clean_heading(stripped)
    words = cleaned.replace(",", " ").replace("/", " ").replace("|", " ").split()
    if not words or len(words) > MAX_HEADING_WORDS:
        return []
    if not _looks_like_a_heading(stripped):
        return []
    whole = _HEADING_LOOKUP.get("".join(words))
    if whole:
        return [whole]
    found: list[str] = []
    for part in re.split(r"\s*(?:,|/|\|| and )\s*", cleaned):
        name = _part_section(part.strip())
        if name and name not in found:
            found.append(name)
    return found


def _looks_like_a_heading(line: str) -> bool:
    """Upper case, or most words capitalised: a sentence fragment in lower case is not a heading."""
    letters = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", line)]
    if not letters:
        return False
    small = {"and", "of", "the", "for", "in", "to", "on", "at", "a", "an", "with", "my"}
    capitalised = sum(1 for w in letters if w[0].isupper() or w.lower() in small)
    return capitalised >= len(letters) - (1 if len(letters) >= 3 else 0)


def _part_section(part: str) -> str | None:
    if not part:
        return None
    words = part.split()
    by_alias = _HEADING_LOOKUP.get("".join(words))
    if by_alias:
        return by_alias
    if len(words) > 4:
        return None
    if words[-2:] == ["programming", "languages"]:
        return "skills"
    if words[-1] not in _HEAD_WORDS:
        return None
    for word in words[:-1]:
        if word in _DECIDING_WORDS:
            return _DECIDING_WORDS[word]
    return _HEAD_WORDS[words[-1]]


def section_of_heading(line: str) -> str | None:
    """The first canonical section a heading line opens, or None."""
    names = sections_of_heading(line)
    return names[0] if names else None


def section_marks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(line number, sections it opens) for every heading line, in order."""
    return [(i, names) for i, line in enumerate(lines) if (names := sections_of_heading(line))]


def split_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Section name -> (first line, end line) after its heading. Text before any heading is the
    header (name and contact). A combined heading gives each of its sections the same span; a
    section whose heading comes again right after it ("Research Experience" then "Teaching
    Experience") runs on over both; otherwise the first occurrence counts."""
    marks = section_marks(lines)
    sections: dict[str, tuple[int, int]] = {}
    previous: list[str] = []
    for index, (line_no, names) in enumerate(marks):
        end = marks[index + 1][0] if index + 1 < len(marks) else len(lines)
        for name in names:
            if name not in sections:
                sections[name] = (line_no + 1, end)
            elif name in previous and sections[name][1] == line_no:
                sections[name] = (sections[name][0], end)
        previous = names
    return sections
