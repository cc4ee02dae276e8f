"""An explainable ATS score: 0-100 from weighted categories, every lost point with a
recommendation that points at the resume or job line it is about."""

from dataclasses import dataclass, field

from ..ontology import Ontology, default_ontology
from .gaps import skill_gaps

# Category weights by role family (each row sums to 1). Without a job, required coverage drops out
# and the rest are scaled up.
BASE_WEIGHTS = {"keywords": 0.20, "required": 0.25, "experience": 0.20, "achievements": 0.12,
                "sections": 0.10, "format": 0.08, "length": 0.05}
ROLE_ADJUSTMENTS = {
    "backend": {"required": 0.27, "achievements": 0.10},
    "frontend": {"keywords": 0.22, "achievements": 0.10},
    "data": {"achievements": 0.14, "keywords": 0.18},
    "ml": {"required": 0.28, "experience": 0.17},
    "devops": {"required": 0.27, "achievements": 0.10},
    "mobile": {"keywords": 0.22, "achievements": 0.10},
    "product": {"achievements": 0.20, "required": 0.17},
    "management": {"achievements": 0.20, "experience": 0.25, "required": 0.10, "keywords": 0.15},
}
LABELS = {"keywords": "Keyword and skill match", "required": "Required skills covered",
          "experience": "Experience relevance and years", "achievements": "Quantified achievements",
          "sections": "Section completeness", "format": "Parseability and formatting", "length": "Length"}
SENIORITY_YEARS = {"intern": 0, "junior": 1, "mid": 3, "senior": 5, "lead": 7, "staff": 8}


@dataclass
class Recommendation:
    text: str
    points: float  # how many points of the total it would win back
    source: str = ""  # "resume" or "job"
    line: int | None = None
    quote: str = ""


@dataclass
class CategoryScore:
    key: str
    label: str
    score: int  # 0-100 within the category
    weight: float
    evidence: list[str] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(self.score * self.weight, 1)


@dataclass
class ATSScore:
    total: int
    role_family: str
    categories: list[CategoryScore]
    gaps: object = None

    @property
    def recommendations(self) -> list[Recommendation]:
        return sorted((r for c in self.categories for r in c.recommendations), key=lambda r: -r.points)


def weights_for(role_family: str, with_job: bool) -> dict[str, float]:
    weights = dict(BASE_WEIGHTS)
    weights.update(ROLE_ADJUSTMENTS.get(role_family, {}))
    if not with_job:
        weights.pop("required")
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def _line(resume, needle: str) -> tuple[int | None, str]:
    needle = needle.lower()
    for index, line in enumerate(resume.lines):
        if needle in line.lower():
            return index, line.strip()
    return None, ""


def score_resume(resume, job=None, ontology: Ontology | None = None) -> ATSScore:
    ontology = ontology or default_ontology()
    family = job.role_family if job else "general"
    weights = weights_for(family, job is not None)
    gaps = skill_gaps(resume, job, ontology) if job else None
    categories = [
        _keywords(resume, job, ontology, weights["keywords"]),
        *([_required(resume, job, gaps, weights["required"], ontology)] if job else []),
        _experience(resume, job, weights["experience"]),
        _achievements(resume, weights["achievements"]),
        _sections(resume, weights["sections"]),
        _format(resume, weights["format"]),
        _length(resume, weights["length"]),
    ]
    for category in categories:
        lost = (100 - category.score) * category.weight
        share = lost / max(1, len(category.recommendations))
        for recommendation in category.recommendations:
            recommendation.points = round(share, 1)
    total = round(sum(c.score * c.weight for c in categories))
    return ATSScore(total=max(0, min(100, total)), role_family=family, categories=categories, gaps=gaps)


def _keywords(resume, job, ontology, weight) -> CategoryScore:
    have = set(resume.skill_ids)
    if job is None:
        count = len(have)
        score = min(100, round(100 * count / 12))
        category = CategoryScore("keywords", LABELS["keywords"], score, weight,
                                 [f"{count} recognised skills: {', '.join(ontology.skills[s].name for s in resume.skill_ids[:12] if s in ontology.skills)}"])
        if count < 12:
            category.recommendations.append(Recommendation(
                f"Name the technologies you used ({count} recognised; aim for 12 or more) in a Skills section "
                "and in the bullets where you used them.", 0, "resume"))
        return category
    wanted = job.required_skills + job.preferred_skills
    if not wanted:
        return CategoryScore("keywords", LABELS["keywords"], 70, weight, ["The job names no recognisable skills."])
    matched = [s for s in wanted if s in have]
    score = round(100 * len(matched) / len(wanted))
    category = CategoryScore("keywords", LABELS["keywords"], score, weight,
                             [f"{len(matched)} of the {len(wanted)} skills the job mentions appear in the resume."])
    missing = [(s, True) for s in job.required_skills if s not in have][:5] + \
        [(s, False) for s in job.preferred_skills if s not in have][:3]
    for skill_id, required in missing:
        name = ontology.skills[skill_id].name if skill_id in ontology.skills else skill_id
        line = job.skill_lines.get(skill_id)
        text = (f"The job asks for {name}: name it where you used it, in the same words." if required
                else f"The job would like {name}; if you have used it, say where.")
        category.recommendations.append(Recommendation(text, 0, "job", line, job.lines[line] if line is not None else ""))
    return category


def _required(resume, job, gaps, weight, ontology=None) -> CategoryScore:
    if not job.required_skills:
        return CategoryScore("required", LABELS["required"], 80, weight, ["The job lists no required skills."])
    have = set(resume.skill_ids)
    covered = [s for s in job.required_skills if s in have]
    partial = sum(g.transfer_score * 0.5 for g in gaps.gaps if g.required)
    score = round(100 * (len(covered) + partial) / len(job.required_skills))
    category = CategoryScore("required", LABELS["required"], min(100, score), weight,
                             [f"{len(covered)} of {len(job.required_skills)} required skills found."])
    for gap in [g for g in gaps.gaps if g.required][:6]:
        line = job.skill_lines.get(gap.skill_id)
        text = f"Required: {gap.name} is missing ({gap.severity})."
        if gap.transferable_from:
            source = ontology.get(gap.transferable_from) if ontology else None
            from_name = source.name if source else gap.transferable_from
            text += f" Your {from_name} experience transfers; mention it next to {gap.name} if you have used both."
        category.recommendations.append(Recommendation(text, 0, "job", line, job.lines[line] if line is not None else ""))
    return category


def _experience(resume, job, weight) -> CategoryScore:
    years = resume.years_of_experience
    evidence = [f"{years:g} years of experience found across {len(resume.experience)} role(s)."]
    recommendations = []
    if job is None:
        score = 100 if resume.experience else 30
        if not resume.experience:
            recommendations.append(Recommendation(
                "No dated roles were found: write each job as 'Title at Company, Mon YYYY - Mon YYYY'.", 0, "resume"))
        return CategoryScore("experience", LABELS["experience"], score, weight, evidence, recommendations)
    asked = job.years_required if job.years_required is not None else SENIORITY_YEARS.get(job.seniority, 3)
    year_score = 100 if years >= asked else round(100 * years / asked) if asked else 100
    title_words = {w for w in job.title.lower().replace("/", " ").split() if len(w) > 2} - {"the", "and", "for"}
    titles = " ".join(e.title.lower() for e in resume.experience)
    overlap = sum(1 for w in title_words if w in titles)
    title_score = 100 if not title_words else round(100 * min(1.0, overlap / max(1, min(3, len(title_words)))))
    score = round(0.7 * year_score + 0.3 * title_score)
    evidence.append(f"The job asks for {asked}+ years ({job.seniority}).")
    if years < asked:
        recommendations.append(Recommendation(
            f"The job asks for {asked} years and the resume shows {years:g}: make sure every relevant role, "
            "internship and long project has dates.", 0, "job", *_job_line(job, "year")))
    if title_score < 100 and resume.experience:
        line, quote = resume.experience[0].line, resume.lines[resume.experience[0].line].strip()
        recommendations.append(Recommendation(
            f"Your titles share few words with '{job.title}'. If your work matched it, use the common name of "
            "the role in your most recent title or summary.", 0, "resume", line, quote))
    return CategoryScore("experience", LABELS["experience"], score, weight, evidence, recommendations)


def _job_line(job, word: str) -> tuple[int | None, str]:
    for index, line in enumerate(job.lines):
        if word in line.lower():
            return index, line
    return None, ""


def _achievements(resume, weight) -> CategoryScore:
    bullets = [b for e in resume.experience for b in e.bullets]
    count = len(resume.achievements)
    target = max(3, len(bullets) // 2)
    score = min(100, round(100 * count / target))
    category = CategoryScore("achievements", LABELS["achievements"], score, weight,
                             [f"{count} bullet(s) tie a number to a result (target {target})."])
    quantified = {a.line for a in resume.achievements}
    for entry in resume.experience:
        for bullet in entry.bullets:
            line, quote = _line(resume, bullet[:40])
            if line is not None and line not in quantified and len(category.recommendations) < 4:
                category.recommendations.append(Recommendation(
                    "Add the result this had, with a number (%, time, money, users).", 0, "resume", line, quote))
    return category


def _sections(resume, weight) -> CategoryScore:
    wanted = ("experience", "education", "skills", "summary")
    present = [s for s in wanted if s in resume.sections]
    contact_points = sum(1 for value in (resume.contact.email, resume.contact.phone, resume.contact.name) if value)
    score = round(100 * (len(present) / len(wanted)) * 0.8 + 20 * contact_points / 3)
    category = CategoryScore("sections", LABELS["sections"], score, weight,
                             [f"Sections found: {', '.join(present) or 'none'}."])
    for missing in [s for s in wanted if s not in present]:
        category.recommendations.append(Recommendation(
            f"Add a clearly titled '{missing.title()}' section.", 0, "resume"))
    if not resume.contact.email:
        category.recommendations.append(Recommendation("Put your e-mail address at the top.", 0, "resume"))
    return category


def _format(resume, weight) -> CategoryScore:
    report = resume.format
    return CategoryScore("format", LABELS["format"], report.confidence, weight,
                         [f"{report.file_type.upper()}, {report.pages} page(s), {report.columns} column(s)."],
                         [Recommendation(indicator, 0, "resume") for indicator in report.indicators])


def _length(resume, weight) -> CategoryScore:
    words = len(resume.text.split())
    if 350 <= words <= 1000:
        score, advice = 100, None
    elif words < 350:
        score, advice = max(20, round(100 * words / 350)), f"At {words} words the resume is thin: describe your impact in each role."
    else:
        score, advice = max(40, round(100 - (words - 1000) / 20)), f"At {words} words it is long: keep it to two pages."
    return CategoryScore("length", LABELS["length"], score, weight, [f"{words} words."],
                         [Recommendation(advice, 0, "resume")] if advice else [])
