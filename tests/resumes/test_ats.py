"""ATS scoring alone: job parsing, role-aware explained scores, gaps with transferable skills."""

from resumes.ats import parse_job, score_resume, skill_gaps
from resumes.ontology import Ontology, SkillMatcher
from resumes.parsing import parse_resume

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
