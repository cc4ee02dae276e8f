import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import NotFound
from resumes import services
from resumes.models import Analysis, ParseStatus, ResumeVersion
from tests.resumes.test_ats import BACKEND_JOB

from . import documents

pytestmark = pytest.mark.django_db


def upload(user, data: bytes, name="resume.pdf"):
    version = services.resume_upload(user=user, upload=SimpleUploadedFile(name, data))
    services.version_parse(version_id=version.id)  # eager Celery runs it after commit; tests have no commit
    version.refresh_from_db()
    return version


@pytest.mark.parametrize("layout", ["pdf-one-column", "docx", "text"])
def test_upload_is_parsed_in_a_child_process(user, layout):
    version = upload(user, documents.LAYOUTS[layout]())
    assert version.parse_status == ParseStatus.DONE, version.parse_error
    assert version.content["contact"]["email"] == documents.EMAIL
    assert version.content["experience"][0]["company"] == "Acme Payments"
    assert "Kubernetes" in version.content["skills"] and version.general_score > 0
    assert version.parsed["format"]["file_type"] in ("pdf", "docx", "text")


def test_a_resume_deleted_while_its_file_is_read_is_not_found_rather_than_crashing(user, monkeypatch):
    version = services.resume_upload(user=user, upload=SimpleUploadedFile("resume.pdf", documents.docx_plain()))
    real_parse = services._parse_in_child

    def the_owner_deletes_it_meanwhile(data):
        result = real_parse(data)
        services.resume_delete(resume=version.resume)
        return result

    monkeypatch.setattr(services, "_parse_in_child", the_owner_deletes_it_meanwhile)
    with pytest.raises(NotFound) as error:
        services.version_parse(version_id=version.id)
    assert error.value.code == "version_not_found"
    assert not ResumeVersion.objects.filter(id=version.id).exists()


def test_the_name_of_a_file_does_not_decide_its_type(user):
    version = upload(user, documents.docx_plain(), name="resume.pdf")
    assert version.file_kind == "docx" and version.parse_status == ParseStatus.DONE


def test_analysis_against_a_job_and_the_better_version_scores_higher(user, achievements):
    version = upload(user, documents.pdf_one_column())
    job = services.job_create(user=user, text=BACKEND_JOB)
    assert job.parsed["role_family"] == "backend" and "kafka" in job.parsed["required_skills"]
    first = services.analysis_run(user=user, version=version, job=job)
    severities = {g["skill"]: g["severity"] for g in first.gaps["gaps"]}
    assert severities.get("kafka") == "critical"
    assert first.recommendations and all("text" in r for r in first.recommendations)
    import copy

    content = copy.deepcopy(version.content)
    content["skills"] += ["Kafka", "Rust", "GCP"]
    content["experience"][0]["bullets"].append("Cut cloud costs by 30% moving batch jobs to spot instances")
    improved = services.resume_save(resume=version.resume, content=content)
    assert improved.number == 2 and improved.note == "Edited in the builder"
    second = services.analysis_run(user=user, version=improved, job=job)
    assert second.total > first.total
    diff = services.version_diff(old=version, new=improved)
    assert ("+", "- Cut cloud costs by 30% moving batch jobs to spot instances") in diff


def test_saving_the_same_content_makes_no_new_version(user):
    version = services.resume_create_blank(user=user)
    again = services.resume_save(resume=version.resume, content=version.content)
    assert again.id == version.id and ResumeVersion.objects.filter(resume=version.resume).count() == 1


def test_invalid_builder_content_is_refused(user):
    version = services.resume_create_blank(user=user)
    from core.exceptions import ValidationFailed

    for bad in ("nope", {"experience": "x"}, {"experience": [{"start": "last year"}]}, {"skills": ["x"] * 500}):
        with pytest.raises(ValidationFailed):
            services.resume_save(resume=version.resume, content=bad)


def test_roadmap_offline_and_milestones(user):
    version = upload(user, documents.pdf_one_column())
    job = services.job_create(user=user, text=BACKEND_JOB)
    analysis = services.analysis_run(user=user, version=version, job=job)
    roadmap = services.roadmap_create(user=user, target_role="Senior Backend Engineer", current_level="mid",
                                      analysis=analysis)
    assert roadmap.engine == "offline" and roadmap.phases[0]["title"] == "Close the critical gaps"
    assert any("Kafka" in topic for topic in roadmap.phases[0]["topics"])
    # Go, PostgreSQL and Terraform are listed but in no role: their milestones are to show them
    # there, never to learn them.
    rest = next(p for p in roadmap.phases if p["title"] == "Strengthen the rest")
    texts = [m["text"] for m in rest["milestones"]]
    assert any(t.startswith(("Show Go ", "Show PostgreSQL ", "Show Terraform ")) and "in the role where you used it"
               in t for t in texts), texts
    assert not any(name in t and not t.startswith("Show ") for t in texts for name in ("Go ", "PostgreSQL", "Terraform"))
    first = services.roadmap_next_steps(roadmap)[0]
    roadmap = services.roadmap_milestone_set(roadmap=roadmap, milestone_id=first["id"], done=True)
    assert services.roadmap_next_steps(roadmap)[0]["id"] != first["id"]


def test_exports(user):
    from resumes import export

    version = upload(user, documents.pdf_one_column())
    for template in export.TEMPLATES:
        docx_bytes = export.to_docx(version.content, template)
        pdf_bytes = export.to_pdf(version.content, template)
        assert docx_bytes[:2] == b"PK" and pdf_bytes[:5] == b"%PDF-"
        # What we export reads back as the same resume.
        from resumes.parsing import parse_resume

        again = parse_resume(pdf_bytes)
        assert again.contact.email == documents.EMAIL and "kubernetes" in again.skill_ids


def test_analysis_counts_toward_achievements(user, achievements):
    version = upload(user, documents.pdf_one_column())
    job = services.job_create(user=user, text=BACKEND_JOB)
    services.analysis_run(user=user, version=version, job=job)
    from accounts.models import XPEvent

    assert XPEvent.objects.filter(user=user, reason="resume.scored").exists()
    assert Analysis.objects.count() == 1


CLOUD_JOB = """Backend Engineer, Cloud
We build payment services on AWS and need someone who has run them.

Requirements
- 3+ years of Python
- AWS: EC2 and S3
- Kubernetes and Kafka
- Graph algorithms
"""


def test_an_analysis_stores_how_skills_are_shown_and_one_gap_per_family_with_practice(user, achievements):
    from challenges.models import Challenge

    Challenge.objects.create(slug="number-of-islands", title="Number of Islands", description="-", type="dsa",
                             difficulty="medium", category="graphs", tags=["bfs", "dfs"], statement="-",
                             starter_code={"python": ""})
    version = upload(user, documents.pdf_one_column())
    job = services.job_create(user=user, text=CLOUD_JOB)
    analysis = services.analysis_run(user=user, version=version, job=job)
    gaps = {g["skill"]: g for g in analysis.gaps["gaps"]}
    # AWS is listed but in no role, EC2 and S3 are missing: one AWS gap, its worst kind first.
    assert gaps["aws"]["kind"] == "missing" and gaps["aws"]["name"] == "AWS"
    assert {m["skill"]: m["kind"] for m in gaps["aws"]["skills"]} == {
        "aws": "not_in_role", "aws-ec2": "missing", "aws-s3": "missing"}
    assert gaps["graph-algorithms"]["practice"] == [{"kind": "challenge", "title": "Number of Islands",
                                                     "url": "/challenges/number-of-islands/", "difficulty": "medium"}]
    assert any("Number of Islands" in step for step in gaps["graph-algorithms"]["learning_path"])
    matched = {m["skill"]: m for m in analysis.gaps["matched"]}
    assert matched["kubernetes"]["shown"] == "used_in_role" and matched["kubernetes"]["roles"][0]["company"]
    # Python shows only in the Databloom role (Mar 2018 - Dec 2020): short of the 3 years asked.
    assert matched["python"]["years_asked"] == 3 and matched["python"]["years"] == 2.8
    assert gaps["python"]["kind"] == "few_years" and gaps["python"]["severity"] == "minor"
    counts = analysis.gaps["shown_counts"]
    assert sum(counts.values()) == len(job.parsed["required_skills"]) + len(job.parsed["preferred_skills"])
    # The terms sit where they are in the stored texts, for the side-by-side view.
    for term in analysis.gaps["terms"]:
        assert all(job.text[a:b].lower() for a, b in term["job_spans"])
        assert all(version.text[a:b] for a, b in term["resume_spans"])
    kafka = next(t for t in analysis.gaps["terms"] if t["skill"] == "kafka")
    assert [job.text[a:b] for a, b in kafka["job_spans"]] == ["Kafka"] and kafka["resume_spans"] == []
    about_gaps = [r for r in analysis.recommendations if r["skill"]]
    assert sorted(r["skill"] for r in about_gaps) == sorted(gaps)
    assert len([r for r in about_gaps if r["skill"] == "aws"]) == 1
