"""Skill gaps between a resume and a job: what is missing, how badly, and what transfers."""

from dataclasses import dataclass, field

from ..ontology import Ontology, default_ontology

# Hours to get interview-ready in a missing skill, by category (from scratch / with a related skill).
LEARNING_HOURS = {"language": 60, "frontend": 30, "backend": 30, "database": 25, "cloud": 30, "devops": 30,
                  "data": 35, "ml": 60, "mobile": 50, "testing": 15, "security": 40, "tools": 8,
                  "methodology": 8, "soft": 20, "architecture": 40, "os": 30, "networking": 30}


@dataclass
class Gap:
    skill_id: str
    name: str
    severity: str  # critical | major | minor
    required: bool
    transferable_from: str = ""  # the resume's closest skill, if any
    transfer_score: float = 0.0
    estimated_hours: int = 0
    learning_path: list[str] = field(default_factory=list)


@dataclass
class SkillGapReport:
    matched: list[dict]  # {"skill", "name", "required", "mentions", "proficiency", "relevance"}
    gaps: list[Gap]
    transferable: list[dict]  # {"missing", "from", "score"}

    def by_severity(self, severity: str) -> list[Gap]:
        return [g for g in self.gaps if g.severity == severity]


def _best_transfer(skill_id: str, have: set[str], ontology: Ontology) -> tuple[str, float]:
    best = ("", 0.0)
    for other_id, weight in ontology.related_to(skill_id):
        if other_id in have and weight > best[1]:
            best = (other_id, weight)
    # Relations are not always stored both ways.
    for other_id in have:
        for target, weight in ontology.related_to(other_id):
            if target == skill_id and weight > best[1]:
                best = (other_id, weight)
    return best


def skill_gaps(resume, job, ontology: Ontology | None = None) -> SkillGapReport:
    ontology = ontology or default_ontology()
    have = set(resume.skill_ids)
    text = resume.text.lower()
    experience_text = " ".join(" ".join(e.bullets) for e in resume.experience).lower()
    matched, gaps, transferable = [], [], []
    wanted = [(s, True) for s in job.required_skills] + [(s, False) for s in job.preferred_skills]
    for skill_id, required in wanted:
        skill = ontology.get(skill_id)
        name = skill.name if skill else skill_id
        if skill_id in have:
            mentions = text.count(name.lower()) or 1
            used_in_work = name.lower() in experience_text
            proficiency = "advanced" if mentions >= 3 and used_in_work else "working" if used_in_work else "listed"
            matched.append({"skill": skill_id, "name": name, "required": required, "mentions": mentions,
                            "proficiency": proficiency, "relevance": "required" if required else "preferred"})
            continue
        source, score = _best_transfer(skill_id, have, ontology)
        if required:
            severity = "critical" if score < 0.4 else "major" if score < 0.7 else "minor"
        else:
            severity = "major" if score < 0.4 else "minor"
        category = skill.category if skill else ""
        hours = LEARNING_HOURS.get(category, 25)
        hours = int(hours * (1 - 0.6 * score))
        source_skill = ontology.get(source) if source else None
        source_name = source_skill.name if source_skill else ""
        path = [f"Read the official {name} getting-started guide and build a small project with it."]
        if source_name:
            path.insert(0, f"Map what you know from {source_name} to {name}: the concepts transfer "
                           f"({int(score * 100)}%), learn the differences.")
        path.append(f"Add {name} to a project on your resume, with a measurable result.")
        gaps.append(Gap(skill_id, name, severity, required, source, score, hours, path))
        if source:
            transferable.append({"missing": skill_id, "from": source, "score": round(score, 2)})
    order = {"critical": 0, "major": 1, "minor": 2}
    gaps.sort(key=lambda g: (order[g.severity], not g.required, g.name))
    return SkillGapReport(matched, gaps, transferable)
