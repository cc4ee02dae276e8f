"""An explainable ATS score: 0-100 from weighted categories, every lost point with a
recommendation that points at the resume or job line it is about."""

from collections import Counter
from dataclasses import dataclass, field

from ..ontology import Ontology, SkillMatcher, default_ontology
from .gaps import (
    LISTED,
    MENTIONED,
    MISSING,
    TRANSFER_CREDIT,
    USED_IN_ROLE,
    Gap,
    GapSkill,
    Practice,
    SkillEvidence,
    SkillGapReport,
    credit,
    family_label,
    join_names,
    matcher_for,
    skill_gaps,
)

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
ACHIEVEMENTS_FOR_FULL_MARKS, ACHIEVEMENTS_PER_ROLE = 5, 2
SHORTEST_WORDS, LONGEST_WORDS = 350, 1200  # full marks between (about one to two pages)
SENIORITY_YEARS = {"intern": 0, "junior": 1, "mid": 3, "senior": 5, "lead": 7, "staff": 8}


@dataclass
class Recommendation:
    text: str
    points: float  # how many points of the total it would win back
    source: str = ""  # "resume" or "job"
    line: int | None = None
    quote: str = ""
    skill: str = ""  # the gap (its family's skill id) this is about, when it is about one


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
    gaps: SkillGapReport | None = None  # against a job only

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


def score_resume(resume, job=None, ontology: Ontology | None = None, practice: list[Practice] | None = None,
                 matcher: SkillMatcher | None = None) -> ATSScore:
    """`practice` (see gaps.Practice) is what PrepForge offers to close a gap; without it the advice
    names no challenges."""
    ontology = ontology or default_ontology()
    matcher = matcher or matcher_for(ontology)
    family = job.role_family if job else "general"
    weights = weights_for(family, job is not None)
    gaps = skill_gaps(resume, job, ontology, practice, matcher) if job else None
    categories = [
        _keywords(resume, job, gaps, ontology, weights["keywords"]),
        *([_required(job, gaps, weights["required"], ontology)] if job else []),
        _experience(resume, job, weights["experience"]),
        _achievements(resume, weights["achievements"]),
        _sections(resume, weights["sections"]),
        _format(resume, weights["format"]),
        _length(resume, weights["length"]),
    ]
    if gaps is not None:
        _points_of_gaps(gaps, job, weights)
        won_back = {g.skill_id: g.points for g in gaps.gaps}
        for recommendation in (r for c in categories for r in c.recommendations if r.skill):
            recommendation.points = won_back[recommendation.skill]
    for category in categories:
        lost = (100 - category.score) * category.weight
        # A gap's recommendation carries the points closing that gap wins back; the category's other
        # recommendations share what is left of its lost points.
        exact = [r for r in category.recommendations if r.skill]
        others = [r for r in category.recommendations if not r.skill]
        left = max(0.0, lost - sum(r.points for r in exact))
        for recommendation in others:
            recommendation.points = round(left / len(others), 1)
    total = round(sum(c.score * c.weight for c in categories))
    return ATSScore(total=max(0, min(100, total)), role_family=family, categories=categories, gaps=gaps)


def _required_credit(item: SkillEvidence, member: GapSkill | None, years_asked: int | None) -> float:
    if item.shown == MISSING:
        return TRANSFER_CREDIT * member.transfer_score if member else 0.0
    return credit(item, years_asked)


def _points_of_gaps(gaps: SkillGapReport, job, weights: dict[str, float]) -> None:
    """What closing each gap (every skill in it shown in a dated role, with the years asked) wins back."""
    wanted = len(job.required_skills) + len(job.preferred_skills)
    required = len(job.required_skills)
    for gap in gaps.gaps:
        points = 0.0
        for member in gap.skills:
            item = gaps.evidence[member.skill_id]
            years_asked = job.skill_years.get(member.skill_id)
            points += (1 - credit(item, years_asked)) * 100 * weights["keywords"] / wanted
            if member.required:
                points += (1 - _required_credit(item, member, years_asked)) * 100 * weights["required"] / required
        gap.points = round(points, 1)


def _gap_text(gap: Gap, ontology: Ontology) -> str:
    sentences = []
    missing = [m for m in gap.skills if m.kind == "missing"]
    if missing:
        label = family_label(gap.name, gap.skill_id, missing)
        if any(m.required for m in missing):
            sentence = f"The job requires {label}, and the resume does not show it."
        else:
            sentence = f"The job would like {label}; if you have used it, say where."
        if gap.transferable_from:
            source = ontology.get(gap.transferable_from)
            source_name = source.name if source else gap.transferable_from
            sentence += f" Your {source_name} experience transfers: if you have used both, name {label} next to it."
        sentences.append(sentence)
    for shown, how in ((LISTED, "listed in Skills"), (MENTIONED, "only mentioned")):
        members = [m for m in gap.skills if m.kind == "not_in_role" and m.shown == shown]
        if members:
            one = len(members) == 1
            sentences.append(f"{join_names([m.name for m in members])} {'is' if one else 'are'} {how} but in no role: "
                             f"say in a role's bullets where you used {'it' if one else 'them'}, so it counts "
                             "toward your years.")
    for member in (m for m in gap.skills if m.kind == "few_years"):
        sentences.append(f"The job asks for {member.years_asked}+ years of {member.name}; your roles show "
                         f"{member.years:g}.")
    return " ".join(sentences)


def _gap_recommendation(gap: Gap, job, ontology: Ontology) -> Recommendation:
    line = next((m.job_line for m in gap.skills if m.job_line is not None), None)
    return Recommendation(_gap_text(gap, ontology), 0, "job", line, job.lines[line] if line is not None else "",
                          skill=gap.skill_id)


def _keywords(resume, job, gaps, ontology, weight) -> CategoryScore:
    have = set(resume.skills)
    if job is None:
        count = len(have)
        score = min(100, round(100 * count / 12))
        category = CategoryScore("keywords", LABELS["keywords"], score, weight,
                                 [f"{count} recognised skills: {', '.join(ontology.skills[s].name for s in resume.skills[:12] if s in ontology.skills)}"])
        if count < 12:
            category.recommendations.append(Recommendation(
                f"Name the technologies you used ({count} recognised; aim for 12 or more) in a Skills section "
                "and in the bullets where you used them.", 0, "resume"))
        return category
    wanted = job.required_skills + job.preferred_skills
    if not wanted:
        return CategoryScore("keywords", LABELS["keywords"], 70, weight, ["The job names no recognisable skills."])
    earned = sum(credit(gaps.evidence[s], job.skill_years.get(s)) for s in wanted)
    score = round(100 * earned / len(wanted))
    shown = Counter(gaps.evidence[s].shown for s in wanted)
    evidence = [f"{len(wanted) - shown[MISSING]} of the {len(wanted)} skills the job mentions appear in the resume: "
                f"{shown[USED_IN_ROLE]} used in a role, {shown[LISTED]} listed, {shown[MENTIONED]} only mentioned."]
    category = CategoryScore("keywords", LABELS["keywords"], score, weight, evidence)
    for gap in gaps.gaps:
        if not gap.required:
            category.recommendations.append(_gap_recommendation(gap, job, ontology))
    return category


def _required(job, gaps, weight, ontology) -> CategoryScore:
    if not job.required_skills:
        return CategoryScore("required", LABELS["required"], 80, weight, ["The job lists no required skills."])
    members = {m.skill_id: m for g in gaps.gaps for m in g.skills}
    earned = sum(_required_credit(gaps.evidence[s], members.get(s), job.skill_years.get(s))
                 for s in job.required_skills)
    covered = [s for s in job.required_skills if gaps.evidence[s].present]
    in_roles = [s for s in covered if gaps.evidence[s].shown == USED_IN_ROLE]
    score = round(100 * earned / len(job.required_skills))
    category = CategoryScore("required", LABELS["required"], min(100, score), weight,
                             [f"{len(covered)} of {len(job.required_skills)} required skills found, "
                              f"{len(in_roles)} of them used in a role."])
    for gap in gaps.gaps:
        if gap.required:
            category.recommendations.append(_gap_recommendation(gap, job, ontology))
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
    # Full marks at a number of quantified results set by the roles (two a role, up to five), not
    # at a share of the bullets: a share made every new unquantified bullet cost points, so writing
    # where you used a skill the job wants lowered the score.
    count = len(resume.achievements)
    target = min(ACHIEVEMENTS_FOR_FULL_MARKS, max(2, ACHIEVEMENTS_PER_ROLE * len(resume.experience)))
    score = min(100, round(100 * count / target))
    bullets = sum(len(e.bullets) for e in resume.experience)
    category = CategoryScore("achievements", LABELS["achievements"], score, weight,
                             [f"{count} line(s) tie a number to a result, in {bullets} bullet(s) "
                              f"({target} earn full marks)."])
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
    if SHORTEST_WORDS <= words <= LONGEST_WORDS:
        score, advice = 100, None
    elif words < SHORTEST_WORDS:
        score = max(20, round(100 * words / SHORTEST_WORDS))
        advice = f"At {words} words the resume is thin: describe your impact in each role."
    else:
        # Gently (a point per 40 words): a sentence that adds a skill the job wants must not cost
        # more here than it wins in the skill categories.
        score = max(40, round(100 - (words - LONGEST_WORDS) / 40))
        advice = f"At {words} words it is long: keep it to two pages."
    return CategoryScore("length", LABELS["length"], score, weight, [f"{words} words."],
                         [Recommendation(advice, 0, "resume")] if advice else [])
