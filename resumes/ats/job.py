"""A pasted job description, read into what a resume is checked against."""

import re
from collections import Counter
from dataclasses import dataclass, field

from ..ontology import SkillMatcher, default_matcher

SENIORITY = (("intern", ("intern", "internship")), ("junior", ("junior", "entry level", "entry-level", "graduate")),
             ("staff", ("staff", "principal", "distinguished")), ("lead", ("lead", "head of", "manager")),
             ("senior", ("senior", "sr.", "sr ")), ("mid", ("mid-level", "mid level", "intermediate")))
ROLE_WORDS = {
    "backend": ("backend", "back-end", "back end", "api", "server-side", "microservices"),
    "frontend": ("frontend", "front-end", "front end", "ui engineer", "react developer", "web developer"),
    "fullstack": ("full stack", "full-stack", "fullstack"),
    "data": ("data engineer", "data analyst", "analytics", "etl", "data pipeline", "data scientist"),
    "ml": ("machine learning", "ml engineer", "deep learning", "ai engineer", "llm"),
    "devops": ("devops", "site reliability", "sre", "platform engineer", "infrastructure", "cloud engineer"),
    "mobile": ("ios", "android", "mobile", "react native", "flutter"),
    "security": ("security", "appsec", "penetration"),
    "qa": ("qa ", "quality assurance", "test engineer", "sdet"),
    "product": ("product manager", "product owner"),
}
REQUIRED_HEADINGS = ("requirements", "required", "must have", "must-have", "what you'll need", "what you need",
                     "qualifications", "you have", "minimum qualifications", "what we're looking for",
                     "skills and experience", "about you")
PREFERRED_HEADINGS = ("nice to have", "nice-to-have", "preferred", "bonus", "pluses", "a plus",
                      "preferred qualifications", "good to have", "extra credit")
RESPONSIBILITY_HEADINGS = ("responsibilities", "what you'll do", "what you will do", "the role", "your role",
                           "in this role", "duties")
PREFERRED_MARKERS = ("nice to have", "preferred", "bonus", "a plus", "is a plus", "ideally", "familiarity with")
YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?(?:years|yrs)", re.I)


@dataclass
class JobDescription:
    text: str
    title: str
    seniority: str
    role_family: str
    required_skills: list[str]
    preferred_skills: list[str]
    years_required: int | None
    responsibilities: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    skill_lines: dict[str, int] = field(default_factory=dict)  # skill id → line where it is asked for
    # Years asked for one skill ("3+ years of Python and Django" → python: 3, django: 3).
    skill_years: dict[str, int] = field(default_factory=dict)


def _kind(line: str) -> str | None:
    cleaned = re.sub(r"[^a-z' -]", "", line.lower()).strip()
    if not cleaned or len(cleaned) > 50:
        return None
    if any(cleaned.startswith(h) for h in PREFERRED_HEADINGS):
        return "preferred"
    if any(cleaned.startswith(h) for h in REQUIRED_HEADINGS):
        return "required"
    if any(cleaned.startswith(h) for h in RESPONSIBILITY_HEADINGS):
        return "responsibilities"
    return None


def parse_job(text: str, matcher: SkillMatcher | None = None) -> JobDescription:
    matcher = matcher or default_matcher()
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    title = next((line for line in lines if line), "")[:120]
    lower = text.lower()
    head = (title + " " + " ".join(lines[:5])).lower()
    seniority = next((level for level, words in SENIORITY if any(w in head for w in words)), "")
    if not seniority:
        seniority = next((level for level, words in SENIORITY if any(w in lower for w in words)), "mid")

    required: list[str] = []
    preferred: list[str] = []
    responsibilities: list[str] = []
    skill_lines: dict[str, int] = {}
    skill_years: dict[str, int] = {}
    section = "required"
    for index, line in enumerate(lines):
        kind = _kind(line)
        if kind:
            section = kind
            continue
        if not line:
            continue
        if section == "responsibilities" and line.lstrip("-•* ").strip():
            responsibilities.append(line.lstrip("-•* ").strip())
        found = matcher.skill_ids(line)
        target = preferred if section == "preferred" or any(m in line.lower() for m in PREFERRED_MARKERS) else required
        asked = [int(m.group(1)) for m in YEARS.finditer(line) if int(m.group(1)) <= 30]
        for skill_id in found:
            skill_lines.setdefault(skill_id, index)
            if asked:
                skill_years[skill_id] = max(skill_years.get(skill_id, 0), min(asked))
            if skill_id not in required and skill_id not in preferred:
                target.append(skill_id)

    years = [int(m.group(1)) for m in YEARS.finditer(text) if int(m.group(1)) <= 30]
    return JobDescription(text=text, title=title, seniority=seniority,
                          role_family=_role_family(lower, required + preferred, matcher),
                          required_skills=required, preferred_skills=preferred,
                          years_required=min(years) if years else None,
                          responsibilities=responsibilities[:20], lines=lines, skill_lines=skill_lines,
                          skill_years=skill_years)


def _role_family(lower: str, skills: list[str], matcher: SkillMatcher) -> str:
    votes: Counter[str] = Counter()
    for family, words in ROLE_WORDS.items():
        votes[family] += sum(3 for w in words if w in lower)
    for skill_id in skills:
        skill = matcher.ontology.get(skill_id)
        for family in (skill.role_families if skill else ()):
            votes[family] += 1
    if votes["backend"] and votes["frontend"] and abs(votes["backend"] - votes["frontend"]) <= 2:
        votes["fullstack"] += votes["backend"]
    family, count = votes.most_common(1)[0] if votes else ("general", 0)
    return family if count else "general"
