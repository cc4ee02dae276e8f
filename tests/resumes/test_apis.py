import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resumes import services
from tests.resumes.test_ats import BACKEND_JOB

from . import documents

pytestmark = pytest.mark.django_db


def test_upload_score_analyze_and_export(auth_client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client.post("/api/v1/interview-prep/upload/",
                                    {"file": SimpleUploadedFile("cv.docx", documents.docx_plain())}, format="multipart")
    assert response.status_code == 201, response.content
    resume_id = response.json()["id"]
    unscored = auth_client.get(f"/api/v1/interview-prep/score/{resume_id}/")
    assert unscored.status_code == 404 and unscored.json()["error"]["code"] == "not_scored"
    scored = auth_client.post(f"/api/v1/interview-prep/score/{resume_id}/")
    assert scored.status_code == 201
    score = auth_client.get(f"/api/v1/interview-prep/score/{resume_id}/").json()
    assert score == scored.json() and 0 < score["total"] <= 100 and score["job"] is None
    analysis = auth_client.post("/api/v1/interview-prep/analyze/", {"resume": resume_id, "job_text": BACKEND_JOB},
                                format="json")
    assert analysis.status_code == 201 and analysis.json()["role_family"] == "backend"
    job_id = analysis.json()["job"]
    gaps = auth_client.get(f"/api/v1/skill-gaps/?resume={resume_id}&job={job_id}").json()
    assert any(g["skill"] == "kafka" for g in gaps["gaps"])
    docx = auth_client.get(f"/api/v1/resumes/{resume_id}/export/?kind=docx&template=modern")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    bad = auth_client.get(f"/api/v1/resumes/{resume_id}/export/?kind=odt")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_query"
    assert "kind" in bad.json()["error"]["details"]
    roadmap = auth_client.post("/api/v1/ai/roadmap/", {"target_role": "Backend engineer", "current_level": "mid",
                                                       "analysis": analysis.json()["id"]}, format="json").json()
    milestone = roadmap["next_steps"][0]["id"]
    patched = auth_client.patch(f"/api/v1/ai/roadmap/{roadmap['id']}/", {"milestone": milestone, "done": True},
                                format="json").json()
    assert patched["next_steps"][0]["id"] != milestone


def test_builder_api(auth_client):
    created = auth_client.post("/api/v1/resumes/", {"title": "From scratch"}, format="json").json()
    content = created["latest"]["content"]
    content["summary"] = "Engineer."
    saved = auth_client.put(f"/api/v1/resumes/{created['id']}/", {"content": content}, format="json")
    assert saved.status_code == 200 and saved.json()["number"] == 2
    bad = auth_client.put(f"/api/v1/resumes/{created['id']}/", {"content": {"experience": 3}}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_resume"
    versions = auth_client.get(f"/api/v1/resumes/{created['id']}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]


def test_other_users_resumes_and_jobs_answer_404(auth_client, other_user):
    theirs = services.resume_create_blank(user=other_user)
    job = services.job_create(user=other_user, text=BACKEND_JOB)
    for url in [f"/api/v1/resumes/{theirs.resume_id}/", f"/api/v1/resumes/{theirs.resume_id}/versions/",
                f"/api/v1/resumes/{theirs.resume_id}/export/?kind=pdf", f"/api/v1/jobs/{job.id}/",
                f"/api/v1/interview-prep/score/{theirs.resume_id}/"]:
        assert auth_client.get(url).status_code == 404, url
    assert auth_client.delete(f"/api/v1/resumes/{theirs.resume_id}/").status_code == 404
    response = auth_client.post("/api/v1/interview-prep/analyze/", {"resume": theirs.resume_id, "job": job.id},
                                format="json")
    assert response.status_code == 404


def test_upload_errors_are_clear(auth_client):
    response = auth_client.post("/api/v1/resumes/", {"file": SimpleUploadedFile("me.pdf", b"\x89PNG\r\n\x1a\nxxxx")},
                                format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "unsupported_format"
    short = auth_client.post("/api/v1/jobs/", {"text": "Engineer"}, format="json")
    assert short.status_code == 400 and "text" in short.json()["error"]["details"]


def test_odd_numbers_and_bodies_are_clear_errors_not_500(auth_client, user, client):
    created = auth_client.post("/api/v1/resumes/", {"title": "x"}, format="json").json()
    assert auth_client.post("/api/v1/resumes/", [1], format="json").status_code == 400
    content = created["latest"]["content"]
    content["education"] = [{"degree": "BSc", "details": "BSc", "year": "²"}]
    saved = auth_client.put(f"/api/v1/resumes/{created['id']}/", {"content": content}, format="json")
    assert saved.status_code == 200 and saved.json()["content"]["education"][0]["year"] is None
    assert auth_client.put(f"/api/v1/resumes/{created['id']}/", [1], format="json").status_code == 400
    assert auth_client.get(f"/api/v1/resumes/{created['id']}/export/?kind=pdf&version=%C2%B2").status_code == 400
    client.force_login(user)
    assert client.get(f"/resumes/{created['id']}/versions/?a=%C2%B2&b=1").status_code == 200
    assert client.get(f"/resumes/{created['id']}/?analysis=%C2%B2").status_code == 200


def test_a_blank_resume_post_is_refused(auth_client):
    for body in ({}, {"title": ""}):
        response = auth_client.post("/api/v1/resumes/", body, format="json")
        assert response.status_code == 400 and "title" in response.json()["error"]["details"]
    empty = auth_client.post("/api/v1/resumes/", b"", content_type="application/json")
    assert empty.status_code == 400
    no_file = auth_client.post("/api/v1/resumes/", {"title": "CV"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["error"]["details"]
    assert auth_client.get("/api/v1/resumes/").json() == []


def test_the_api_gives_how_skills_are_shown_gaps_by_family_and_where_terms_stand(auth_client, user):
    version = services.resume_upload(user=user, upload=SimpleUploadedFile("cv.txt", documents.plain_text()))
    services.version_parse(version_id=version.id)
    job_text = BACKEND_JOB + "- AWS: EC2, EKS and RDS\n"
    analysis = auth_client.post("/api/v1/interview-prep/analyze/", {"resume": version.resume_id, "job_text": job_text},
                                format="json").json()
    gaps = auth_client.get(f"/api/v1/skill-gaps/?resume={version.resume_id}&job={analysis['job']}").json()
    assert gaps["gaps"] == analysis["gaps"]["gaps"] and gaps["terms"] == analysis["gaps"]["terms"]
    aws = [g for g in gaps["gaps"] if g["skill"] == "aws"]
    assert len(aws) == 1 and {m["skill"] for m in aws[0]["skills"]} >= {"aws-ec2", "aws-eks", "aws-rds"}
    shown = {m["skill"]: m["shown"] for m in gaps["matched"]}
    assert shown["django"] == "used_in_role" and shown["postgresql"] == "listed"
    assert set(gaps["shown_counts"]) == {"used_in_role", "listed", "mentioned", "missing"}
    assert all("skill" in r for r in analysis["recommendations"])
