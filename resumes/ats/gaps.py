"""How a resume shows each skill a job asks for, and the gaps: one per skill family (AWS with EC2,
S3 and RDS is one gap), each with advice that fits what is wrong (missing, not shown in a role, too
few years) and the practice that closes it."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..ontology import Ontology, SkillMatcher, default_matcher, default_ontology
from ..parsing.entries import total_experience_years

USED_IN_ROLE, LISTED, MENTIONED, MISSING = "used_in_role", "listed", "mentioned", "missing"
SHOWN_LABELS = {USED_IN_ROLE: "used in a role", LISTED: "listed", MENTIONED: "only mentioned", MISSING: "missing"}
# The share of a wanted skill's weight the resume earns by how it shows the skill. A skill used in a
# dated role is what recruiters trust (and what counts toward years); a bare mention still matches
# an ATS keyword search. Each step is strictly above the one below, so showing a skill better
# never costs points.
CREDIT = {USED_IN_ROLE: 1.0, LISTED: 0.85, MENTIONED: 0.7, MISSING: 0.0}
ROLE_CREDIT_WITHOUT_YEARS = 0.9  # used in a role, with none of the years the job asks for that skill
TRANSFER_CREDIT = 0.5  # a missing required skill earns this share of its closest related skill's weight

MISSING_KIND, FEW_YEARS_KIND, NOT_IN_ROLE_KIND = "missing", "few_years", "not_in_role"
KIND_ORDER = {MISSING_KIND: 0, FEW_YEARS_KIND: 1, NOT_IN_ROLE_KIND: 2}
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}

# Hours to get interview-ready in a missing skill, by category (from scratch; a related skill shortens it).
LEARNING_HOURS = {"language": 60, "frontend": 30, "backend": 30, "database": 25, "cloud": 30, "devops": 30,
                  "data": 35, "ml": 60, "mobile": 50, "testing": 15, "security": 40, "tools": 8,
                  "methodology": 8, "soft": 20, "architecture": 40, "os": 30, "networking": 30}
# A first project that exercises a skill of each category.
FIRST_PROJECT = {
    "language": "write a small command-line tool in it, with tests",
    "frontend": "build one page with a form and a list that talks to an API",
    "backend": "write a small REST API with it, with tests and a database",
    "database": "model a small app's data in it, with indexes and one migration",
    "cloud": "deploy a small web app on it, with its storage, database and access rules",
    "devops": "automate the build, test and deploy of a small app with it",
    "data": "build a pipeline that loads, cleans and reports on a public data set",
    "ml": "train and evaluate a small model on a public data set, and write down what you measured",
    "mobile": "ship a two-screen app that reads from an API",
    "testing": "add tests with it to a project you already have, and measure the coverage",
    "security": "threat-model and harden a small app you already have",
    "architecture": "write a one-page design for a system you know, with its trade-offs",
    "fundamentals": "solve a few problems that need it and explain each solution's complexity",
    "os": "do your daily work in it for a week and script one chore",
    "networking": "set up and debug a small network of containers",
}
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
PRACTICE_PER_GAP = 3


@dataclass(frozen=True)
class Practice:
    """Something on PrepForge that practises a skill. Only challenges exist today; questions and
    playlists join with their own `kind` when those apps exist."""
    kind: str  # "challenge"
    title: str
    url: str
    difficulty: str = ""
    topics: tuple[str, ...] = ()  # the challenge's tags and category, as written
    languages: tuple[str, ...] = ()  # languages it can be solved in


@dataclass
class SkillEvidence:
    """Where the resume shows one skill."""
    skill_id: str
    name: str
    present: bool = False  # the parser recognised it on the resume
    mentions: int = 0  # times it is named anywhere (name or alias, as a word)
    listed: bool = False  # named in the Skills section
    roles: list[int] = field(default_factory=list)  # indexes of the roles whose title or bullets name it
    years: float = 0.0  # years covered by those roles' dates (overlaps once)

    @property
    def shown(self) -> str:
        if not self.present:
            return MISSING
        if self.roles:
            return USED_IN_ROLE
        return LISTED if self.listed else MENTIONED


def credit(evidence: SkillEvidence, years_asked: int | None = None) -> float:
    """The share (0-1) of a wanted skill's weight the resume earns. Monotone: more mentions, a
    listing, a role or more years never lower it."""
    shown = evidence.shown
    if shown == USED_IN_ROLE and years_asked:
        share = min(1.0, evidence.years / years_asked)
        return ROLE_CREDIT_WITHOUT_YEARS + (1 - ROLE_CREDIT_WITHOUT_YEARS) * share
    return CREDIT[shown]


@dataclass
class GapSkill:
    """One skill inside a family gap."""
    skill_id: str
    name: str
    kind: str  # missing | few_years | not_in_role
    severity: str
    required: bool
    shown: str  # how the resume shows it (see SHOWN_LABELS)
    mentions: int = 0
    years: float = 0.0
    years_asked: int | None = None
    transferable_from: str = ""
    transfer_score: float = 0.0
    job_line: int | None = None


@dataclass
class Gap:
    skill_id: str  # the family's umbrella skill ("aws" for EC2, S3, ...), or the skill itself
    name: str
    severity: str  # critical | major | minor: the worst of its skills
    required: bool  # any of its skills is required
    transferable_from: str = ""  # the resume's closest skill to a missing one, if any
    transfer_score: float = 0.0
    estimated_hours: int = 0  # to learn the missing skills; 0 when there is only something to write
    learning_path: list[str] = field(default_factory=list)  # the advice, step by step
    kind: str = MISSING_KIND  # the most serious kind among its skills
    skills: list[GapSkill] = field(default_factory=list)
    practice: list[Practice] = field(default_factory=list)
    points: float = 0.0  # points of the total that closing the gap wins back (set by the scorer)


@dataclass
class SkillGapReport:
    # {"skill", "name", "family", "required", "relevance", "shown", "shown_label", "listed",
    #  "mentions", "roles", "years", "years_asked", "proficiency"}
    matched: list[dict]
    gaps: list[Gap]
    transferable: list[dict]  # {"missing", "from", "score"}
    evidence: dict[str, SkillEvidence] = field(default_factory=dict)  # every wanted skill
    # The job's skills where they stand in the job's text and the resume's, for a side-by-side view:
    # {"skill", "name", "family", "required", "shown", "job_spans": [[start, end]], "resume_spans": [...]}
    terms: list[dict] = field(default_factory=list)

    def by_severity(self, severity: str) -> list[Gap]:
        return [g for g in self.gaps if g.severity == severity]


def matcher_for(ontology: Ontology) -> SkillMatcher:
    return default_matcher() if ontology is default_ontology() else SkillMatcher(ontology)


def _role_text(entry) -> str:
    return "\n".join([entry.title, *entry.bullets])


def skill_evidence(resume, skill_ids, ontology: Ontology, matcher: SkillMatcher) -> dict[str, SkillEvidence]:
    """Where the resume shows each of `skill_ids`: mentions anywhere, the Skills section, the roles."""
    present = set(resume.skill_ids)
    mentions = Counter(m.skill_id for m in matcher.find(resume.text))
    # The parse decided which skills the resume lists (every skills list, labelled lists too).
    listed = {skill.skill_id for skill in resume.skills if skill.listed and skill.skill_id}
    in_roles: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(resume.experience):
        for skill_id in matcher.skill_ids(_role_text(entry)):
            in_roles[skill_id].append(index)
    evidence = {}
    for skill_id in skill_ids:
        skill = ontology.get(skill_id)
        item = SkillEvidence(skill_id, skill.name if skill else skill_id)
        if skill_id in present:
            item.present = True
            item.mentions = max(1, mentions[skill_id])
            item.listed = skill_id in listed
            item.roles = in_roles.get(skill_id, [])
            item.years = total_experience_years([resume.experience[i] for i in item.roles])
        evidence[skill_id] = item
    return evidence


def _best_transfer(skill_id: str, have: set[str], ontology: Ontology) -> tuple[str, float]:
    best = ("", 0.0)
    for other_id, weight in ontology.related_to(skill_id):
        if other_id in have and weight > best[1]:
            best = (other_id, weight)
    # Relations are not always stored both ways.
    for other_id in sorted(have):
        for target, weight in ontology.related_to(other_id):
            if target == skill_id and weight > best[1]:
                best = (other_id, weight)
    return best


def _iso(day: date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


def _matched_row(item: SkillEvidence, resume, required: bool, years_asked: int | None, family: str) -> dict:
    roles = [resume.experience[i] for i in item.roles]
    return {"skill": item.skill_id, "name": item.name, "family": family, "required": required,
            "relevance": "required" if required else "preferred",
            "shown": item.shown, "shown_label": SHOWN_LABELS[item.shown], "listed": item.listed,
            "mentions": item.mentions, "years": item.years, "years_asked": years_asked,
            "roles": [{"title": e.title, "company": e.company, "start": _iso(e.start),
                       "end": None if e.current else _iso(e.end), "current": e.current} for e in roles],
            # Kept for pages written before `shown`: the same fact in words.
            "proficiency": SHOWN_LABELS[item.shown]}


def _gap_skill(item: SkillEvidence, required: bool, years_asked: int | None, have: set[str],
               ontology: Ontology, job_line: int | None) -> GapSkill | None:
    if item.shown == MISSING:
        source, score = _best_transfer(item.skill_id, have, ontology)
        if required:
            severity = "critical" if score < 0.4 else "major" if score < 0.7 else "minor"
        else:
            severity = "major" if score < 0.4 else "minor"
        return GapSkill(item.skill_id, item.name, MISSING_KIND, severity, required, item.shown,
                        transferable_from=source, transfer_score=score, job_line=job_line)
    if item.shown != USED_IN_ROLE:
        return GapSkill(item.skill_id, item.name, NOT_IN_ROLE_KIND, "minor", required, item.shown,
                        mentions=item.mentions, job_line=job_line)
    if years_asked and item.years < years_asked:
        severity = "major" if required and item.years < years_asked / 2 else "minor"
        return GapSkill(item.skill_id, item.name, FEW_YEARS_KIND, severity, required, item.shown,
                        mentions=item.mentions, years=item.years, years_asked=years_asked, job_line=job_line)
    return None


def skill_gaps(resume, job, ontology: Ontology | None = None, practice: list[Practice] | None = None,
               matcher: SkillMatcher | None = None) -> SkillGapReport:
    """`practice` is what PrepForge offers (see Practice); each gap gets the items that practise it."""
    ontology = ontology or default_ontology()
    matcher = matcher or matcher_for(ontology)
    wanted = [(s, True) for s in job.required_skills] + [(s, False) for s in job.preferred_skills]
    evidence = skill_evidence(resume, [s for s, _ in wanted], ontology, matcher)
    have = set(resume.skill_ids)
    matched, transferable = [], []
    families: dict[str, list[GapSkill]] = {}
    for skill_id, required in wanted:
        item = evidence[skill_id]
        years_asked = job.skill_years.get(skill_id)
        family = ontology.family_of(skill_id)
        if item.present:
            matched.append(_matched_row(item, resume, required, years_asked, family))
        member = _gap_skill(item, required, years_asked, have, ontology, job.skill_lines.get(skill_id))
        if member is None:
            continue
        families.setdefault(family, []).append(member)
        if member.transferable_from:
            transferable.append({"missing": skill_id, "from": member.transferable_from,
                                 "score": round(member.transfer_score, 2)})
    offered = practice_by_skill(practice or [], ontology)
    gaps = [_family_gap(family, members, evidence, resume, ontology, offered)
            for family, members in families.items()]
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], not g.required, g.name.lower()))
    return SkillGapReport(matched, gaps, transferable, evidence, _terms(resume, job, evidence, ontology, matcher))


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def family_label(family_name: str, family_id: str, members: list[GapSkill]) -> str:
    """'AWS (EC2, S3 and RDS)', 'Amazon EC2', or 'AWS' when the umbrella is all the job names."""
    names = [m.name for m in members if m.skill_id != family_id]
    if not names:
        return family_name
    if len(members) == 1:
        return names[0]
    return f"{family_name} ({join_names(names)})"


def _family_gap(family_id: str, members: list[GapSkill], evidence: dict[str, SkillEvidence], resume,
                ontology: Ontology, offered: dict[str, list[Practice]]) -> Gap:
    umbrella = ontology.get(family_id)
    name = umbrella.name if umbrella else members[0].name
    if len(members) == 1 and members[0].skill_id != family_id:
        name = members[0].name  # one product of a family: call it by its own name
    severity = min((m.severity for m in members), key=SEVERITY_ORDER.__getitem__)
    kind = min((m.kind for m in members), key=KIND_ORDER.__getitem__)
    missing = [m for m in members if m.kind == MISSING_KIND]
    source = max(missing, key=lambda m: m.transfer_score, default=None)
    hours = sorted((_hours(m, ontology) for m in missing), reverse=True)
    # Services of one family are learned together: the first costs its hours, the rest a quarter.
    estimated = round(hours[0] + 0.25 * sum(hours[1:])) if hours else 0
    practice = _practice_for_family([family_id, *(m.skill_id for m in members)], offered)
    gap = Gap(skill_id=family_id, name=name, severity=severity, required=any(m.required for m in members),
              transferable_from=source.transferable_from if source else "",
              transfer_score=source.transfer_score if source else 0.0, estimated_hours=estimated,
              kind=kind, skills=members, practice=practice)
    gap.learning_path = _advice(gap, resume, evidence, ontology)
    return gap


def _hours(member: GapSkill, ontology: Ontology) -> float:
    skill = ontology.get(member.skill_id)
    return LEARNING_HOURS.get(skill.category if skill else "", 25) * (1 - 0.6 * member.transfer_score)


def _advice(gap: Gap, resume, evidence: dict[str, SkillEvidence], ontology: Ontology) -> list[str]:
    """Next steps, in order, for what is actually wrong with each kind of skill in the gap."""
    steps: list[str] = []
    missing = [m for m in gap.skills if m.kind == MISSING_KIND]
    if missing:
        label = family_label(gap.name, gap.skill_id, missing)
        if gap.transferable_from:
            source = ontology.get(gap.transferable_from)
            source_name = source.name if source else gap.transferable_from
            steps.append(f"You already show {source_name}, and about {round(gap.transfer_score * 100)}% of it "
                         f"carries over: learn where {label} differs, and if you have used both, name {label} "
                         f"next to {source_name}.")
        challenges = [p for p in gap.practice if p.kind == "challenge"]
        if challenges:
            titles = ", ".join(f"“{p.title}” ({p.difficulty})" if p.difficulty else f"“{p.title}”"
                               for p in challenges)
            steps.append(f"Practise it on PrepForge: {titles}.")
        skill = ontology.get(missing[0].skill_id) or ontology.get(gap.skill_id)
        category = skill.category if skill else ""
        project = FIRST_PROJECT.get(category, "use it in a small project of your own")
        steps.append(f"To learn {label}: {project}.")
        steps.append(f"Once you have used it, add {label} to your Skills section and to the project or role "
                     "where you used it, with what it achieved.")
    listed = [m for m in gap.skills if m.kind == NOT_IN_ROLE_KIND and m.shown == LISTED]
    if listed:
        names = join_names([m.name for m in listed])
        pronoun = "it" if len(listed) == 1 else "them"
        steps.append(f"{names} {'is' if len(listed) == 1 else 'are'} in your Skills section, but no role says "
                     f"where you used {pronoun}. If you used {pronoun} at work, add a bullet to that role "
                     f"saying what you built or ran with {pronoun}: an ATS counts a skill's years only from "
                     "dated roles.")
    mentioned = [m for m in gap.skills if m.kind == NOT_IN_ROLE_KIND and m.shown == MENTIONED]
    for member in mentioned:
        times = f"{member.mentions} time{'s' if member.mentions != 1 else ''}"
        steps.append(f"{member.name} is only mentioned ({times}), neither in your Skills section nor in a role. "
                     f"List it under Skills, and in the role where you used it say what you did with it.")
    for member in (m for m in gap.skills if m.kind == FEW_YEARS_KIND):
        item = evidence[member.skill_id]
        roles = [resume.experience[i] for i in item.roles]
        where = join_names([" at ".join(p for p in (e.title, e.company) if p) or "a role" for e in roles])
        steps.append(f"The job asks for {member.years_asked}+ years of {member.name}; the roles that show it "
                     f"({where}) add up to {member.years:g}. If you used {member.name} in other roles too, name "
                     "it in their bullets; if not, lead with the depth you reached (scale, ownership, results).")
    return steps


def _terms(resume, job, evidence: dict[str, SkillEvidence], ontology: Ontology, matcher: SkillMatcher,
           limit: int = 50) -> list[dict]:
    required = set(job.required_skills)
    job_spans: dict[str, list[list[int]]] = defaultdict(list)
    for mention in matcher.find(job.text):
        if mention.skill_id in evidence and len(job_spans[mention.skill_id]) < limit:
            job_spans[mention.skill_id].append([mention.start, mention.start + len(mention.matched)])
    resume_spans: dict[str, list[list[int]]] = defaultdict(list)
    for mention in matcher.find(resume.text):
        item = evidence.get(mention.skill_id)
        if item is not None and item.present and len(resume_spans[mention.skill_id]) < limit:
            resume_spans[mention.skill_id].append([mention.start, mention.start + len(mention.matched)])
    return [{"skill": skill_id, "name": item.name, "family": ontology.family_of(skill_id),
             "required": skill_id in required, "shown": item.shown,
             "job_spans": job_spans.get(skill_id, []), "resume_spans": resume_spans.get(skill_id, [])}
            for skill_id, item in evidence.items()]


# --- practice ----------------------------------------------------------------------------------------


GENERIC_SUFFIXES = (" algorithms", " algorithm", " theory")


def _term(text: str) -> str:
    """A tag or a skill name compared loosely: any case, hyphens and underscores as spaces."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _variants(term: str) -> set[str]:
    """How a tag may name a skill term: "Dijkstra's algorithm" is the tag "dijkstra", "Graph algorithms"
    the tag "graph" or "graphs"."""
    base = _term(term).replace("'s ", " ")
    forms = {base}
    for suffix in GENERIC_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            forms.add(base[:-len(suffix)])
    return forms | {f + "s" for f in forms if not f.endswith("s")} | {f[:-1] for f in forms if f.endswith("s")
                                                                    and len(f) > 3}


def skill_terms(skill_id: str, ontology: Ontology) -> set[str]:
    """The tag spellings that name a skill: its id, name and aliases, loosely (see _variants)."""
    skill = ontology.get(skill_id)
    spellings = [skill_id, *((skill.name, *skill.aliases) if skill else ())]
    return {form for s in spellings if s for form in _variants(s)}


def practice_by_skill(practice: list[Practice], ontology: Ontology) -> dict[str, list[Practice]]:
    """Skill id → the practice items whose topics name the skill, or (for a language) that can be
    solved in it; easiest first."""
    by_term: dict[str, set[str]] = defaultdict(set)
    for skill_id in ontology.skills:
        for term in skill_terms(skill_id, ontology):
            by_term[term].add(skill_id)
    found: dict[str, list[Practice]] = defaultdict(list)
    ordered = sorted(practice, key=lambda p: (DIFFICULTY_ORDER.get(p.difficulty, 3), p.title))
    for item in ordered:
        skills: set[str] = set()
        for topic in item.topics:
            skills |= by_term.get(_term(topic), set())
        for language in item.languages:
            skills |= {s for s in by_term.get(_term(language), set())
                       if (ontology.get(s) and ontology.skills[s].category == "language")}
        for skill_id in sorted(skills):
            found[skill_id].append(item)
    return found


def _practice_for_family(skill_ids: list[str], offered: dict[str, list[Practice]]) -> list[Practice]:
    """Easiest first; at one difficulty, the most specific first (the missing product before its umbrella)."""
    chosen: list[Practice] = []
    for skill_id in reversed(skill_ids):
        for item in offered.get(skill_id, []):
            if item not in chosen:
                chosen.append(item)
    chosen.sort(key=lambda p: DIFFICULTY_ORDER.get(p.difficulty, 3))
    return chosen[:PRACTICE_PER_GAP]


def practice_topics(skill_ids, ontology: Ontology) -> set[str]:
    """The tag spellings to look practice up by, for these skills and their families."""
    terms: set[str] = set()
    for skill_id in skill_ids:
        for related in {skill_id, ontology.family_of(skill_id)}:
            terms |= skill_terms(related, ontology)
    return terms
