"""The analytics API: shapes, privacy (another user's analytics follow their settings; hidden
is 404, like a user who does not exist), and IDOR on the readiness target."""

import pytest

from accounts.services import preferences_update
from analytics.models import ReadinessTarget

from .conftest import make_challenge, submit

pytestmark = pytest.mark.django_db

PARTS = ("overview", "skills", "activity", "performance", "streaks", "time-distribution")


def test_my_dashboard(auth_client, user):
    submit(user, make_challenge(type="bug-fix"), seconds=400)
    body = auth_client.get("/api/v1/analytics/dashboard?range=7d").json()
    assert body["range"] == "7d" and len(body["series"]["days"]) == 7
    assert body["overview"]["challenges_solved"] == 1 and body["overview"]["completion_rate"] == 100
    assert body["performance"][0]["type"] == "bug-fix"
    assert {"bucket": "5-15 min", "count": 1} in body["time_distribution"]
    assert len(body["heatmap"]) == 365
    assert {s["key"]: s["available"] for s in body["sources"]}["interview_dimensions"] is True


def test_a_bad_range_is_a_clear_error(auth_client):
    response = auth_client.get("/api/v1/analytics/dashboard/?range=forever")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_query"


def test_signed_out_gets_no_analytics(api_client, user):
    assert api_client.get("/api/v1/analytics/dashboard/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/analytics/user/{user.id}/overview/").status_code in (401, 403)


@pytest.mark.parametrize("part", PARTS)
def test_another_users_analytics_follow_their_settings(auth_client, other_user, part):
    url = f"/api/v1/analytics/user/{other_user.id}/{part}/"
    assert auth_client.get(url).status_code == 200
    preferences_update(user=other_user, data={"show_stats": False})
    hidden = auth_client.get(url)
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    assert auth_client.get("/api/v1/analytics/user/999999/" + part + "/").status_code == 404


def test_a_private_profile_is_not_found_and_hidden_activity_hides_the_heat_map(auth_client, other_user):
    preferences_update(user=other_user, data={"show_activity": False})
    assert auth_client.get(f"/api/v1/analytics/user/{other_user.id}/activity/").status_code == 404
    assert auth_client.get(f"/api/v1/analytics/user/{other_user.id}/streaks/").status_code == 404
    assert auth_client.get(f"/api/v1/analytics/user/{other_user.id}/overview/").status_code == 200
    preferences_update(user=other_user, data={"public_profile": False})
    assert auth_client.get(f"/api/v1/analytics/user/{other_user.id}/overview/").status_code == 404


def test_own_analytics_are_visible_whatever_the_settings(auth_client, user):
    preferences_update(user=user, data={"public_profile": False, "show_stats": False, "show_activity": False})
    for part in PARTS:
        assert auth_client.get(f"/api/v1/analytics/user/{user.id}/{part}/").status_code == 200


def test_readiness_target_and_plan(auth_client, user, job):
    make_challenge(tags=("graph",), category="graphs", difficulty="medium")
    assert auth_client.get("/api/v1/analytics/readiness/").json()["job"] is None
    body = auth_client.put("/api/v1/analytics/readiness/target/", {"job_id": job.id, "bar": 75}, format="json").json()
    assert body["job"]["id"] == job.id and body["bar"] == 75
    parts = {p["key"]: p for p in body["parts"]}
    assert parts["resume_match"]["status"] == "no_data"
    # Interviews have landed: no interview for this role family yet counts as 0 and the plan says so.
    assert parts["interview_dimensions"]["status"] == "no_data" and parts["interview_dimensions"]["percent"] == 0
    assert any(p["kind"] == "interview" and p["gain"] is None for p in body["plan"])
    assert body["plan"][0]["gain"] is None  # check the resume first: unknown until measured
    assert any(p["kind"] == "challenge" and p["gain"] > 0 for p in body["plan"])
    assert body["projection"]["status"] == "not_enough_history"
    assert auth_client.delete("/api/v1/analytics/readiness/target/").status_code == 204
    assert not ReadinessTarget.objects.filter(user=user).exists()


def test_another_users_job_cannot_be_a_target(auth_client, other_user):
    from resumes import services

    from .conftest import JOB_TEXT
    theirs = services.job_create(user=other_user, text=JOB_TEXT)
    response = auth_client.put("/api/v1/analytics/readiness/target/", {"job_id": theirs.id}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    bad = auth_client.put("/api/v1/analytics/readiness/target/", {"job_id": "1", "bar": 500}, format="json")
    assert bad.status_code == 400
