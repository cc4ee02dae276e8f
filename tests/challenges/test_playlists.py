"""Learning playlists: authoring, enrolment, progress without ticking by hand (time on a reading,
the judge accepting a lesson's challenge, a project link), the certificate PDF read back, reviews,
the pages and the API with its permission checks."""

import io
import os
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text

from accounts.models import UserAchievement, XPEvent
from challenges import playlist_selectors
from challenges import playlist_services as ps
from challenges.certificates import CertificateContent, certificate_pdf
from challenges.learning_achievements import learning_achievements_sync
from challenges.models import Certificate, Enrolment, LessonProgress, Playlist, PlaylistReview
from challenges.playlist_seed import playlists_load
from core.exceptions import ApplicationError, Conflict, Forbidden
from core.roles import MODERATOR

from .learning_fixtures import judge, make_playlist, playlist_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def playlist(challenge):
    return make_playlist()


def read_lesson(user, lesson, seconds_total: int):
    """The page's reports, each at most a minute and a minute apart."""
    now = timezone.now()
    progress = None
    while seconds_total > 0:
        step = min(60, seconds_total)
        progress = ps.lesson_time_record(user=user, lesson=lesson, seconds=step, now=now)
        now += timedelta(seconds=step)
        seconds_total -= step
    return progress


def test_upsert_is_idempotent_and_counts_lessons(playlist):
    assert playlist.lesson_count == 2 and playlist.category.name == "Fundamentals"
    ids = list(playlist.lessons.values_list("id", flat=True))
    again = make_playlist()
    assert again.id == playlist.id and list(again.lessons.values_list("id", flat=True)) == ids
    reading = playlist.lessons.get(kind="reading")
    assert reading.required_seconds == ps.reading_seconds_required(reading.body) >= 10


def test_lesson_needs_a_real_challenge(challenge):
    with pytest.raises(ApplicationError) as error:
        make_playlist(lessons=[{"title": "x", "kind": "challenge", "challenge": "no-such"}])
    assert error.value.status_code == 404 and "lessons.0.challenge" in error.value.details
    with pytest.raises(ApplicationError) as error:
        make_playlist(lessons=[{"title": "x", "kind": "reading", "body": "  "}])
    assert "lessons.0.body" in error.value.details


def test_only_authors_create_and_only_their_author_edits(user, other_user, challenge):
    with pytest.raises(Forbidden):
        ps.playlist_create(user=user, data=playlist_data())
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=MODERATOR)[0])
    user = type(user).objects.get(id=user.id)
    playlist = ps.playlist_create(user=user, data=playlist_data())
    assert playlist.author == user
    other_user.groups.add(Group.objects.get(name=MODERATOR))
    other_user = type(other_user).objects.get(id=other_user.id)
    with pytest.raises(Forbidden):
        ps.playlist_update(user=other_user, playlist=playlist, data=playlist_data(title="Mine now"))
    assert ps.playlist_update(user=user, playlist=playlist, data=playlist_data(title="Renamed")).title == "Renamed"


def test_reading_completes_by_time_on_page_not_by_opening_it(client, user, playlist):
    ps.enrolment_enrol(user=user, playlist=playlist)
    reading = playlist.lessons.get(kind="reading")
    client.force_login(user)
    assert client.get(reverse("lesson-detail", args=[playlist.slug, reading.id])).status_code == 200
    assert not LessonProgress.objects.filter(lesson=reading).exists()  # a GET never writes
    progress = read_lesson(user, reading, reading.required_seconds - 1)
    assert progress.completed_at is None
    progress = read_lesson(user, reading, 1)
    assert progress.completed_at is not None
    enrolment = Enrolment.objects.get(user=user, playlist=playlist)
    assert (enrolment.completed_lessons, enrolment.percent) == (1, 50)
    assert enrolment.current_lesson.kind == "challenge"
    assert enrolment.time_spent_seconds == reading.required_seconds


def test_time_reports_are_bounded_by_the_wall_clock(user, playlist):
    ps.enrolment_enrol(user=user, playlist=playlist)
    reading = playlist.lessons.get(kind="reading")
    now = timezone.now()
    ps.lesson_time_record(user=user, lesson=reading, seconds=10, now=now)
    # A script reporting a minute, again and again, in the same second gets the seconds that passed.
    for _ in range(5):
        progress = ps.lesson_time_record(user=user, lesson=reading, seconds=60, now=now)
    assert progress.seconds_spent <= 10 + 5 * ps.REPORT_SLACK_SECONDS
    with pytest.raises(ApplicationError):
        ps.lesson_time_record(user=user, lesson=reading, seconds=61)


def test_time_needs_an_enrolment(user, playlist):
    with pytest.raises(Conflict):
        ps.lesson_time_record(user=user, lesson=playlist.lessons.first(), seconds=5)


def test_solving_the_challenge_completes_the_playlist_with_certificate_xp_and_achievement(
        user, playlist, challenge, achievements, django_capture_on_commit_callbacks):
    learning_achievements_sync()
    ps.enrolment_enrol(user=user, playlist=playlist)
    read_lesson(user, playlist.lessons.get(kind="reading"), 200)
    with django_capture_on_commit_callbacks(execute=True):
        submission = judge(user, challenge)
    assert submission.verdict == "AC"
    enrolment = Enrolment.objects.get(user=user, playlist=playlist)
    assert (enrolment.percent, enrolment.current_lesson) == (100, None) and enrolment.completed_at
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert len(certificate.code) >= 24 and certificate.holder_name == user.display_name
    assert XPEvent.objects.filter(user=user, reason="playlist.completed", amount=ps.PLAYLIST_XP).count() == 1
    assert XPEvent.objects.filter(user=user, reason="lesson.completed").count() == 2
    assert UserAchievement.objects.filter(user=user, achievement__code="playlist-finisher").exists()
    playlist.refresh_from_db()
    assert playlist.completion_count == 1
    # Solving again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        judge(user, challenge)
    assert XPEvent.objects.filter(user=user, reason="playlist.completed").count() == 1


def test_a_challenge_solved_before_enrolling_counts(user, playlist, challenge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        judge(user, challenge)
    enrolment = ps.enrolment_enrol(user=user, playlist=playlist)
    assert enrolment.completed_lessons == 1


def test_a_wrong_answer_completes_nothing(user, playlist, challenge, django_capture_on_commit_callbacks):
    ps.enrolment_enrol(user=user, playlist=playlist)
    with django_capture_on_commit_callbacks(execute=True):
        assert judge(user, challenge, source="print(0)\n").verdict != "AC"
    assert Enrolment.objects.get(user=user).completed_lessons == 0


def test_project_lesson_completes_with_a_link(user, challenge):
    playlist = make_playlist(slug="build", lessons=[{"title": "Build it", "kind": "project", "body": "Make a thing"}])
    ps.enrolment_enrol(user=user, playlist=playlist)
    ps.lesson_project_submit(user=user, lesson=playlist.lessons.get(), url="https://github.com/me/thing")
    assert Enrolment.objects.get(user=user, playlist=playlist).completed_at is not None


def test_unenrol_keeps_progress_and_enrol_twice_is_refused(user, playlist):
    ps.enrolment_enrol(user=user, playlist=playlist)
    with pytest.raises(Conflict):
        ps.enrolment_enrol(user=user, playlist=playlist)
    read_lesson(user, playlist.lessons.get(kind="reading"), 200)
    ps.enrolment_leave(user=user, playlist=playlist)
    playlist.refresh_from_db()
    assert playlist.enrolment_count == 0
    with pytest.raises(Conflict):
        ps.lesson_time_record(user=user, lesson=playlist.lessons.first(), seconds=5)
    assert ps.enrolment_enrol(user=user, playlist=playlist).completed_lessons == 1


def test_review_once_and_only_after_enrolling(user, other_user, playlist):
    with pytest.raises(Forbidden):
        ps.playlist_review_create(user=user, playlist=playlist, rating=5)
    ps.enrolment_enrol(user=user, playlist=playlist)
    ps.playlist_review_create(user=user, playlist=playlist, rating=4, text="Good")
    with pytest.raises(Conflict):
        ps.playlist_review_create(user=user, playlist=playlist, rating=1)
    playlist.refresh_from_db()
    assert (playlist.review_count, playlist.rating_average) == (1, 4.0)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_rating_twice_at_once_counts_once(challenge):
    from tests.factories import UserFactory

    user = UserFactory()
    playlist = make_playlist()
    ps.enrolment_enrol(user=user, playlist=playlist)
    barrier, outcomes = threading.Barrier(2), []

    def rate():
        barrier.wait()
        try:
            ps.playlist_review_create(user=user, playlist=playlist, rating=5)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["conflict", "ok"]
    assert PlaylistReview.objects.filter(playlist=playlist).count() == 1
    assert Playlist.objects.get(id=playlist.id).review_count == 1


def test_certificate_pdf_reads_back_and_prints_markup_as_text():
    from datetime import datetime

    pdf = certificate_pdf(CertificateContent(
        holder_name="Ada <b>Lovelace</b>", playlist_title='Graphs <script>alert("x")</script> & <a href="javascript:1">',
        lesson_count=4, issued_at=datetime(2026, 12, 2), code="abc123", verify_url="https://prep.example/certificates/abc123/"))
    text = extract_text(io.BytesIO(pdf))
    assert "Certificate of completion" in text and "Ada <b>Lovelace</b>" in text
    assert '<script>alert("x")</script>' in text and "4 lessons" in text and "02 December 2026" in text
    assert "https://prep.example/certificates/abc123/" in text
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf


def test_certificate_download_is_the_holders_and_verify_is_public(client, user, other_user, challenge):
    playlist = make_playlist(slug="one", lessons=[{"title": "Build", "kind": "project", "body": "x"}])
    ps.enrolment_enrol(user=user, playlist=playlist)
    ps.lesson_project_submit(user=user, lesson=playlist.lessons.get(), url="https://example.com/p")
    code = Certificate.objects.get().code
    page = client.get(reverse("certificate-verify", args=[code]))
    assert page.status_code == 200 and user.display_name in page.content.decode()
    assert client.get(reverse("certificate-verify", args=["guessed"])).status_code == 404
    client.force_login(other_user)
    assert client.get(reverse("certificate-pdf", args=[code])).status_code == 404
    client.force_login(user)
    response = client.get(reverse("certificate-pdf", args=[code]))
    assert response["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(response.content))
    assert "Warm-ups" in text and f"/certificates/{code}/" in text


def test_playlist_list_queries_stay_flat(django_assert_num_queries, user, challenge):
    for n in range(3):
        make_playlist(slug=f"p{n}", title=f"P{n}", category=f"Cat {n}")
    qs = playlist_selectors.playlist_list(user=user)
    with django_assert_num_queries(1):
        rows = [(p.title, p.category.name, p.author) for p in qs]
    assert len(rows) == 3
    for n in range(3, 10):
        make_playlist(slug=f"p{n}", title=f"P{n}", category=f"Cat {n}")
    with django_assert_num_queries(1):
        assert len([(p.title, p.category.name) for p in playlist_selectors.playlist_list(user=user)]) == 10


def test_pages_list_detail_mine_and_api_list_queries(client, django_assert_max_num_queries, user, playlist):
    client.force_login(user)
    ps.enrolment_enrol(user=user, playlist=playlist)
    assert "Warm-ups" in client.get(reverse("playlist-list")).content.decode()
    page = client.get(reverse("playlist-detail", args=[playlist.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page and "<strong>here</strong>" in page
    assert "Warm-ups" in client.get(reverse("playlist-mine")).content.decode()
    for n in range(5):
        make_playlist(slug=f"more{n}", category=f"C{n}")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/learning/playlists/")
    assert response.json()["count"] == 6


def test_api_enrol_progress_time_and_unpublished_is_404(api_client, user, other_user, playlist):
    api_client.force_authenticate(user)
    assert api_client.post(f"/api/v1/learning/playlists/{playlist.slug}/enrol/").status_code == 201
    assert api_client.post(f"/api/v1/learning/playlists/{playlist.slug}/enrol/").json()["error"]["code"] == \
        "already_enrolled"
    reading = playlist.lessons.get(kind="reading")
    body = api_client.post(f"/api/v1/learning/lessons/{reading.id}/time/", {"seconds": 15}, format="json").json()
    assert body["lesson"]["seconds_spent"] == 15 and body["enrolment"]["time_spent_seconds"] == 15
    bad = api_client.post(f"/api/v1/learning/lessons/{reading.id}/time/", {"seconds": 9999}, format="json")
    assert bad.status_code == 400 and "seconds" in bad.json()["error"]["details"]
    progress = api_client.get(f"/api/v1/learning/playlists/{playlist.slug}/progress/").json()
    assert progress["enrolment"]["percent"] == 50  # 15 s read a 50-word lesson (10 s needed)
    mine = api_client.get("/api/v1/learning/my-playlists/").json()
    assert [row["playlist"] for row in mine["results"]] == [playlist.slug]
    hidden = make_playlist(slug="draft", is_published=False)
    assert api_client.get(f"/api/v1/learning/playlists/{hidden.slug}/").status_code == 404
    assert api_client.post(f"/api/v1/learning/playlists/{hidden.slug}/enrol/").status_code == 404
    hidden_lesson = hidden.lessons.first()
    assert api_client.post(f"/api/v1/learning/lessons/{hidden_lesson.id}/time/", {"seconds": 5},
                           format="json").status_code == 404
    api_client.force_authenticate(other_user)
    assert api_client.get(f"/api/v1/learning/playlists/{playlist.slug}/certificate/").status_code == 404
    assert api_client.post("/api/v1/learning/playlists/", playlist_data(slug="new"), format="json").status_code == 403


def test_api_categories_and_verify_anonymously(api_client, playlist):
    cats = api_client.get("/api/v1/learning/categories/").json()
    assert cats[0]["slug"] == "fundamentals" and cats[0]["playlist_total"] == 1
    assert api_client.get("/api/v1/learning/certificates/nope/").status_code == 404


def test_the_committed_seed_loads_five_playlists_over_the_seeded_challenges(db):
    from challenges.catalog import SEED_DIR, read_seed_file, seed_files
    from challenges.services import challenge_upsert

    # The seed challenges without running their generators: playlists only need them to exist.
    needed = {"two-sum", "top-k-frequent-words", "valid-parentheses", "add-undo-to-text-editor",
              "fix-off-by-one-binary-search", "binary-search-rotated", "number-of-islands",
              "shortest-path-weighted", "max-subarray-sum", "edit-distance"}
    for path in seed_files(SEED_DIR):
        spec = read_seed_file(path)
        if spec["slug"] in needed:
            challenge_upsert({**spec, "tests": [{"input": "1\n", "output": "1\n"}]})
    assert playlists_load() == 5
    assert playlists_load() == 5  # idempotent
    assert Playlist.objects.count() == 5 and all(p.lesson_count >= 3 for p in Playlist.objects.all())


def test_lessons_edited_in_the_admin_are_recounted(client, make_user, user, playlist, challenge):
    from challenges.models import Lesson

    ps.enrolment_enrol(user=user, playlist=playlist)
    Lesson.objects.create(playlist=playlist, order=3, title="Extra", kind="reading", body="word " * 100)
    refreshed = ps.playlist_lessons_refresh(playlist=playlist)
    assert refreshed.lesson_count == 3
    assert Lesson.objects.get(title="Extra").required_seconds == 15
    admin = make_user(is_staff=True)
    type(admin).objects.filter(id=admin.id).update(is_superuser=True)
    client.force_login(type(admin).objects.get(id=admin.id))
    for name in ("playlist", "lesson", "enrolment", "certificate", "playlistreview", "challengereview",
                 "codereview", "codereviewcomment", "codereviewscore", "reviewhelpfulvote", "reviewreply",
                 "playlistcategory"):
        assert client.get(reverse(f"admin:challenges_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:challenges_playlist_change", args=[playlist.id])).status_code == 200
