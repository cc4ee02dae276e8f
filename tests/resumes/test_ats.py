"""ATS scoring alone (no Django): job parsing, role-aware explained scores, how a resume shows each
skill, gaps by family with advice by kind, and the properties that make the score trustworthy."""

import json
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from resumes.ats import Practice, parse_job, score_resume, skill_gaps
from resumes.ontology import DATA_FILE, Ontology, SkillMatcher, default_ontology
from resumes.parsing import parse_resume, parse_text
from resumes.parsing.extract import ExtractedText

from . import documents

ONTOLOGY = Ontology.from_data({"skills": [
    {"id": "python", "name": "Python", "category": "language", "role_families": ["backend", "data"]},
    {"id": "go", "name": "Go", "aliases": ["Golang"], "case_sensitive": True, "category": "language",
     "role_families": ["backend"]},
    {"id": "django", "name": "Django", "category": "backend", "role_families": ["backend"],
     "related": [{"id": "flask", "weight": 0.7}]},
    {"id": "flask", "name": "Flask", "category": "backend", "role_families": ["backend"],
     "related": [{"id": "django", "weight": 0.7}]},
    {"id": "postgresql", "name": "PostgreSQL", "aliases": ["Postgres"], "category": "database",
     "related": [{"id": "mysql", "weight": 0.8}], "role_families": ["backend"]},
    {"id": "mysql", "name": "MySQL", "category": "database", "related": [{"id": "postgresql", "weight": 0.8}]},
    {"id": "redis", "name": "Redis", "category": "database"},
    {"id": "kubernetes", "name": "Kubernetes", "aliases": ["k8s"], "category": "devops", "role_families": ["devops"]},
    {"id": "docker", "name": "Docker", "category": "devops"},
    {"id": "aws", "name": "AWS", "category": "cloud", "related": [{"id": "gcp", "weight": 0.6}]},
    {"id": "gcp", "name": "GCP", "aliases": ["Google Cloud"], "category": "cloud",
     "related": [{"id": "aws", "weight": 0.6}]},
    {"id": "terraform", "name": "Terraform", "category": "devops"},
    {"id": "airflow", "name": "Airflow", "category": "data"},
    {"id": "pytest", "name": "pytest", "category": "testing"},
    {"id": "kafka", "name": "Kafka", "category": "data"},
    {"id": "rust", "name": "Rust", "category": "language", "case_sensitive": True},
    {"id": "react", "name": "React", "category": "frontend", "role_families": ["frontend"]},
]})
MATCHER = SkillMatcher(ONTOLOGY)

BACKEND_JOB = """Senior Backend Engineer
Acme Cloud is hiring a senior backend engineer to build our payments API.

Responsibilities
- Design and build microservices in Python and Go
- Own our data pipeline

Requirements
- 5+ years of backend experience
- Python, Django, PostgreSQL, Kafka
- Experience with GCP and Kubernetes
- Rust

Nice to have
- Terraform
- React
"""


def parsed():
    return parse_resume(documents.pdf_one_column(), MATCHER)


def test_job_description_is_read():
    job = parse_job(BACKEND_JOB, MATCHER)
    assert job.title == "Senior Backend Engineer" and job.seniority == "senior" and job.role_family == "backend"
    assert job.required_skills == ["python", "go", "django", "postgresql", "kafka", "gcp", "kubernetes", "rust"]
    assert job.preferred_skills == ["terraform", "react"]
    assert job.years_required == 5
    assert "Own our data pipeline" in job.responsibilities


def test_gaps_have_severity_and_transferable_skills():
    report = skill_gaps(parsed(), parse_job(BACKEND_JOB, MATCHER), ONTOLOGY)
    by_skill = {g.skill_id: g for g in report.gaps}
    assert by_skill["kafka"].severity == "critical" and by_skill["rust"].severity == "critical"
    assert by_skill["gcp"].severity == "major" and by_skill["gcp"].transferable_from == "aws"
    assert by_skill["react"].severity == "major" and not by_skill["react"].required
    # On the resume, but only in the Skills list: a minor gap of another kind, nothing to learn.
    assert by_skill["terraform"].kind == "not_in_role" and by_skill["terraform"].severity == "minor"
    assert by_skill["terraform"].estimated_hours == 0
    python = next(m for m in report.matched if m["skill"] == "python")
    assert python["required"] and python["shown"] == "used_in_role" and python["listed"]
    assert {r["company"] for r in python["roles"]} == {"Databloom"} and python["years"] > 2
    assert all(g.estimated_hours > 0 and g.learning_path for g in report.gaps if g.kind == "missing")
    # A transferable skill shortens the way.
    assert by_skill["gcp"].estimated_hours < by_skill["kafka"].estimated_hours
    assert "AWS" in by_skill["gcp"].learning_path[0] or "aws" in by_skill["gcp"].learning_path[0].lower()


def test_score_is_explained_and_role_aware():
    job = parse_job(BACKEND_JOB, MATCHER)
    score = score_resume(parsed(), job, ONTOLOGY)
    assert 40 <= score.total <= 90
    keys = {c.key for c in score.categories}
    assert keys == {"keywords", "required", "experience", "achievements", "sections", "format", "length"}
    assert abs(sum(c.weight for c in score.categories) - 1) < 1e-9
    required = next(c for c in score.categories if c.key == "required")
    assert any("Kafka" in r.text and r.source == "job" and "Kafka" in r.quote for r in required.recommendations)
    # Every lost point has a recommendation in its category, or the category is full.
    for category in score.categories:
        assert category.score == 100 or category.recommendations or category.key in ("experience",), category
    assert score.recommendations[0].points >= score.recommendations[-1].points


def test_a_better_resume_scores_higher():
    job = parse_job(BACKEND_JOB, MATCHER)
    before = score_resume(parsed(), job, ONTOLOGY).total
    improved_text = documents.plain_text().decode().replace(
        "Python, Go, Django", "Python, Go, Django, Kafka, GCP, Rust")
    after = score_resume(parse_resume(improved_text.encode(), MATCHER), job, ONTOLOGY).total
    assert after > before


def test_general_score_without_a_job():
    score = score_resume(parsed(), None, ONTOLOGY)
    assert "required" not in {c.key for c in score.categories}
    assert 0 < score.total <= 100 and score.role_family == "general"


# --- how the resume shows a skill, gaps by family, advice by kind (the real ontology) -----------------

SHOWN_RESUME = """Jordan Rivera
jordan.rivera@example.com
SUMMARY
Cloud engineer on AWS who reads the laws of distributed systems and draws diagrams on AWS.
EXPERIENCE
Platform Engineer at Globex   Jan 2019 - Dec 2022
- Ran the billing service on Kubernetes
- Cut deploy time by 40% for 12 teams
PROJECTS
Cost report for AWS accounts, a CLI for AWS
SKILLS
Terraform, Python
"""
SHOWN_JOB = """Platform Engineer
Requirements
- AWS and Terraform
- 5+ years of Kubernetes
- Go
Nice to have
- Python
"""


def _parsed_text(text: str):
    return parse_text(ExtractedText("text", text))


def test_matched_skills_say_how_the_resume_shows_them():
    job = parse_job(SHOWN_JOB)
    assert job.skill_years == {"kubernetes": 5} and job.required_skills == ["aws", "terraform", "kubernetes", "go"]
    report = skill_gaps(_parsed_text(SHOWN_RESUME), job)
    matched = {m["skill"]: m for m in report.matched}
    # Named four times (not "laws" or "draws"), but in no role and not in Skills: only mentioned.
    assert matched["aws"]["shown"] == "mentioned" and matched["aws"]["mentions"] == 4
    assert matched["aws"]["shown_label"] == "only mentioned" and not matched["aws"]["listed"]
    assert matched["terraform"]["shown"] == "listed" and matched["terraform"]["listed"]
    assert matched["kubernetes"]["shown"] == "used_in_role" and matched["kubernetes"]["years"] == 4.0
    assert matched["kubernetes"]["roles"] == [{"title": "Platform Engineer", "company": "Globex", "start": "2019-01",
                                               "end": "2022-12", "current": False}]
    assert matched["kubernetes"]["years_asked"] == 5 and not matched["python"]["required"]
    assert "go" not in matched
    terms = {t["skill"]: t for t in report.terms}
    assert [SHOWN_JOB[a:b] for a, b in terms["kubernetes"]["job_spans"]] == ["Kubernetes"]
    assert len(terms["aws"]["resume_spans"]) == 4 and terms["go"]["resume_spans"] == []
    assert all(SHOWN_RESUME[a:b] == "AWS" for a, b in terms["aws"]["resume_spans"])


def test_gap_advice_differs_by_what_the_gap_is():
    score = score_resume(_parsed_text(SHOWN_RESUME), parse_job(SHOWN_JOB))
    gaps = {g.skill_id: g for g in score.gaps.gaps}
    assert {g: gaps[g].kind for g in gaps} == {"go": "missing", "kubernetes": "few_years", "aws": "not_in_role",
                                               "terraform": "not_in_role", "python": "not_in_role"}
    # Python carries over a little to Go: a major gap, not a critical one, and shorter to learn.
    assert gaps["go"].severity == "major" and gaps["go"].transferable_from == "python"
    assert 0 < gaps["go"].estimated_hours < 60
    assert gaps["kubernetes"].severity == "minor" and gaps["kubernetes"].estimated_hours == 0
    advice = {g: " ".join(gaps[g].learning_path) for g in gaps}
    assert "To learn Go: write a small command-line tool" in advice["go"] and "You already show Python" in advice["go"]
    assert "only mentioned (4 times)" in advice["aws"]
    assert "in your Skills section, but no role says where you used it" in advice["terraform"]
    assert "5+ years of Kubernetes" in advice["kubernetes"] and "Platform Engineer at Globex" in advice["kubernetes"]
    assert "add up to 4" in advice["kubernetes"]
    assert len(set(advice.values())) == len(advice)
    # One recommendation per gap, each carrying the points closing it wins back.
    about = [r for r in score.recommendations if r.skill]
    assert sorted(r.skill for r in about) == sorted(gaps)
    assert all(r.points == gaps[r.skill].points > 0 for r in about)
    assert max(about, key=lambda r: r.points).skill == "go"


def test_a_new_bullet_using_a_required_skill_costs_no_achievement_points():
    # The 79 -> 78 of issue 9: the achievements target was half the bullets, so every new bullet
    # without a number (here, where Terraform was used) lowered the score.
    job = parse_job(SHOWN_JOB)
    before = score_resume(_parsed_text(SHOWN_RESUME), job)
    after = score_resume(_parsed_text(SHOWN_RESUME.replace(
        "- Ran the billing service on Kubernetes", "- Ran the billing service on Kubernetes\n"
        "- Moved our staging stack to Terraform\n- Wrote the runbooks for the on-call team\n"
        "- Reviewed the designs of other teams\n- Ran the on-call rotation\n- Onboarded new hires\n"
        "- Kept the docs current")), job)
    scores = {c.key: c.score for c in before.categories}
    assert {c.key: c.score for c in after.categories}["achievements"] == scores["achievements"]
    assert after.total > before.total


FAMILY_JOB = """Cloud Engineer
Requirements
- AWS: EC2, EKS, RDS, S3 and VPC
- Go
"""


def test_one_gap_per_family():
    score = score_resume(_parsed_text(SHOWN_RESUME.replace("AWS", "cloud")), parse_job(FAMILY_JOB))
    gaps = score.gaps.gaps
    assert [g.skill_id for g in gaps] == ["aws", "go"]
    aws = gaps[0]
    assert aws.name == "AWS" and aws.severity == "critical" and aws.kind == "missing"
    assert [m.skill_id for m in aws.skills] == ["aws", "aws-ec2", "aws-eks", "aws-rds", "aws-s3", "aws-vpc"]
    assert "AWS (Amazon EC2, Amazon EKS, Amazon RDS, Amazon S3 and Amazon VPC)" in " ".join(aws.learning_path)
    # Learned together: more than one service, far less than six.
    single = score_resume(_parsed_text(SHOWN_RESUME.replace("AWS", "cloud")),
                          parse_job("Cloud Engineer\nRequirements\n- AWS\n- Go\n")).gaps.gaps[0]
    assert single.estimated_hours < aws.estimated_hours < 6 * single.estimated_hours
    required = next(c for c in score.categories if c.key == "required")
    assert [r.skill for r in required.recommendations] == ["aws", "go"]
    assert "The job requires AWS (Amazon EC2," in required.recommendations[0].text


def test_a_product_alone_is_a_gap_by_its_own_name_and_the_umbrella_transfers():
    resume = _parsed_text(SHOWN_RESUME)
    gaps = skill_gaps(resume, parse_job("Cloud Engineer\nRequirements\n- EKS\n"))
    assert [(g.skill_id, g.name) for g in gaps.gaps] == [("aws", "Amazon EKS")]


def test_family_data_names_real_skills_once():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    ontology = default_ontology()
    members = [m for family in data["families"].values() for m in family]
    assert len(members) == len(set(members))
    assert all(f in ontology.skills for f in data["families"]) and all(m in ontology.skills for m in members)
    assert {"aws", "azure", "gcp"} <= set(data["families"])
    assert ontology.family_of("aws-s3") == "aws" and ontology.family_of("python") == "python"


PRACTICE = [
    Practice("challenge", "Number of Islands", "/challenges/number-of-islands/", "medium",
             topics=("graph", "bfs", "dfs", "graphs"), languages=("python",)),
    Practice("challenge", "Shortest Path", "/challenges/shortest-path/", "hard", topics=("dijkstra", "graphs"),
             languages=("python", "java")),
    Practice("challenge", "Two Sum", "/challenges/two-sum/", "easy", topics=("hash-map", "array"),
             languages=("python", "java")),
]


def test_gaps_name_the_practice_that_closes_them():
    job = parse_job("Backend Engineer\nRequirements\n- Graph algorithms\n- Java\n- Terraform\n")
    gaps = {g.skill_id: g for g in skill_gaps(_parsed_text(SHOWN_RESUME), job, practice=PRACTICE).gaps}
    assert [p.title for p in gaps["graph-algorithms"].practice] == ["Number of Islands", "Shortest Path"]
    assert [p.title for p in gaps["java"].practice] == ["Two Sum", "Shortest Path"]  # solvable in Java, easiest first
    assert "Practise it on PrepForge: “Two Sum” (easy), “Shortest Path” (hard)." in gaps["java"].learning_path
    assert gaps["terraform"].practice == []  # nothing practises it: the advice says what to build instead
    assert not any("PrepForge" in step for step in gaps["terraform"].learning_path)


# Real ontology skills, with families (AWS and its services) and related pairs among them.
SKILLS = ["Python", "Go", "Java", "TypeScript", "Django", "Flask", "PostgreSQL", "MySQL", "Redis", "Kafka",
          "AWS", "Amazon EC2", "Amazon S3", "Amazon EKS", "Amazon RDS", "Amazon VPC", "Google Cloud", "Terraform",
          "Kubernetes", "Docker", "Helm", "React", "Redux", "GraphQL", "Jenkins", "Airflow", "Linux"]
TITLES = ["Software Engineer", "Senior Backend Engineer", "Platform Engineer", "Data Engineer", "Developer",
          "DevOps Engineer", "Frontend Developer"]
COMPANIES = ["Acme Payments", "Databloom", "Northwind", "Globex", "Initech", "Umbrella Labs"]
MONTHS = ["Jan", "Mar", "May", "Jul", "Sep", "Nov"]
THINGS = ["the billing service", "an internal dashboard", "the search pipeline", "a deployment tool",
          "the mobile API", "our data warehouse"]
PLAIN_BULLETS = ["Worked on {thing} with the product team", "Owned {thing} from design to launch",
                 "Mentored new engineers on {thing}"]
SKILL_BULLETS = ["Built {thing} with {skill}", "Moved {thing} to {skill}", "Ran {thing} on {skill}"]
NUMBER_BULLETS = ["Cut the cost of {thing} by {n}%", "Served {n} thousand users with {thing}"]


@dataclass
class Role:
    title: str
    company: str
    start: tuple[str, int]
    end: tuple[str, int] | None  # None: present
    bullets: list[str] = field(default_factory=list)


@dataclass
class Resume:
    summary: str | None
    roles: list[Role]
    skills: list[str] | None  # None: no Skills section
    education: bool

    def text(self) -> str:
        lines = ["Jordan Rivera", "jordan.rivera@example.com | +1 (415) 555-0134"]
        if self.summary is not None:
            lines += ["SUMMARY", self.summary]
        if self.roles:
            lines.append("EXPERIENCE")
            for role in self.roles:
                end = f"{role.end[0]} {role.end[1]}" if role.end else "Present"
                lines.append(f"{role.title} at {role.company}   {role.start[0]} {role.start[1]} - {end}")
                lines += [f"- {bullet}" for bullet in role.bullets]
        if self.education:
            lines += ["EDUCATION", "B.Sc. Computer Science, University of Texas, 2012"]
        if self.skills is not None:
            lines += ["SKILLS", ", ".join(self.skills)]
        return "\n".join(lines)

    def parsed(self):
        return parse_text(ExtractedText("text", self.text()))


@st.composite
def bullets(draw):
    kind = draw(st.sampled_from(["plain", "skill", "number"]))
    thing = draw(st.sampled_from(THINGS))
    if kind == "skill":
        return draw(st.sampled_from(SKILL_BULLETS)).format(thing=thing, skill=draw(st.sampled_from(SKILLS)))
    if kind == "number":
        return draw(st.sampled_from(NUMBER_BULLETS)).format(thing=thing, n=draw(st.integers(2, 90)))
    return draw(st.sampled_from(PLAIN_BULLETS)).format(thing=thing)


@st.composite
def roles(draw):
    start_year = draw(st.integers(2008, 2023))
    start = (draw(st.sampled_from(MONTHS)), start_year)
    current = draw(st.booleans())
    end = None if current else (draw(st.sampled_from(MONTHS)), draw(st.integers(start_year + 1, 2025)))
    return Role(draw(st.sampled_from(TITLES)), draw(st.sampled_from(COMPANIES)), start, end,
                draw(st.lists(bullets(), max_size=5)))


@st.composite
def resumes(draw):
    summary = None
    if draw(st.booleans()):
        summary = (f"{draw(st.sampled_from(TITLES))} with experience in "
                   f"{', '.join(draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True))) or 'many things'}.")
    skills = draw(st.one_of(st.none(), st.lists(st.sampled_from(SKILLS), max_size=12, unique=True)))
    return Resume(summary, draw(st.lists(roles(), max_size=4)), skills, draw(st.booleans()))


@st.composite
def jobs(draw):
    required = draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=10, unique=True))
    preferred = draw(st.lists(st.sampled_from([s for s in SKILLS if s not in required]), max_size=4, unique=True))
    lines = [draw(st.sampled_from(TITLES)), "We are hiring.", "", "Requirements"]
    years = draw(st.one_of(st.none(), st.integers(1, 8)))
    if years is not None:
        lines.append(f"- {years}+ years of professional experience")
    for index, name in enumerate(required):
        if index == 0 and draw(st.booleans()):
            lines.append(f"- {draw(st.integers(1, 6))}+ years of {name}")
        else:
            lines.append(f"- {name}")
    if preferred:
        lines += ["", "Nice to have", *(f"- {name}" for name in preferred)]
    return parse_job("\n".join(lines))


def _with_skill_shown(resume: Resume, name: str, where: str) -> Resume:
    """The resume with `name` in its Skills list and/or in a bullet of its latest role (a new role if
    it has none)."""
    skills = [*(resume.skills or []), name] if where in ("skills", "both") else resume.skills
    roles = resume.roles
    if where in ("role", "both"):
        bullet = f"Built the billing service with {name}"
        if roles:
            roles = [replace(roles[0], bullets=[*roles[0].bullets, bullet]), *roles[1:]]
        else:
            roles = [Role("Software Engineer", "Globex", ("Jan", 2020), ("Dec", 2022), [bullet])]
    return replace(resume, skills=skills, roles=roles)


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(resume=resumes(), job=jobs(), pick=st.integers(0, 20), where=st.sampled_from(["both", "skills", "role"]))
def test_showing_a_required_skill_never_lowers_the_score(resume, job, pick, where):
    ontology = default_ontology()
    before = resume.parsed()
    report = skill_gaps(before, job, ontology)
    not_yet = [s for s in job.required_skills if report.evidence[s].shown != "used_in_role"
               or not report.evidence[s].listed]
    assume(not_yet)
    skill_id = not_yet[pick % len(not_yet)]
    improved = _with_skill_shown(resume, ontology.skills[skill_id].name, where)
    after = improved.parsed()
    shown = skill_gaps(after, job, ontology).evidence[skill_id]
    # The change did what it says.
    assert shown.listed or where == "role", improved.text()
    assert shown.shown == "used_in_role" or where == "skills", improved.text()
    assert score_resume(after, job).total >= score_resume(before, job).total, (improved.text(), job.text)


@PROPERTY
@given(resume=resumes(), job=st.one_of(st.none(), jobs()))
def test_adding_a_summary_never_lowers_the_score(resume, job):
    assume(resume.summary is None)
    improved = replace(resume, summary="Backend engineer who ships reliable services and mentors the team.")
    assert "summary" in improved.parsed().sections
    assert score_resume(improved.parsed(), job).total >= score_resume(resume.parsed(), job).total
