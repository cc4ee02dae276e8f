"""Every write of learning playlists: authoring, enrolment, progress, certificates, reviews.

Progress is never ticked by hand. A lesson is done when:
- reading or video: the lesson page reports the time it is visible (POST every 15 s, at most
  `MAX_REPORT_SECONDS` per report and never more than the wall time since the previous report),
  and the lesson's `required_seconds` have been reached. For a reading that is the time to skim
  its words at 400 words a minute, between 10 s and 3 min (`reading_seconds_required`); for a
  video the author gives it (half the video's length is a fair choice), 10 s at least;
- challenge: the user has an accepted submission for its challenge (the judge's accepted path
  calls `playlist_progress_on_solve` on commit; a challenge solved before enrolling counts too);
- project: the user hands in a link to their project (an http(s) URL).
"""

import math
import secrets
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import NotificationType
from accounts.services import notification_send, progress_record_event
from core.audit import audit_record
from core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from core.roles import MODERATOR, user_has_role

from .lock_objects import lock_enrolment_for_update, lock_playlist_for_update
from .models import (
    Certificate,
    Challenge,
    ChallengeProgress,
    Enrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    Playlist,
    PlaylistCategory,
    PlaylistReview,
)

MAX_REPORT_SECONDS = 60
REPORT_SLACK_SECONDS = 5
LESSON_XP = 5
PLAYLIST_XP = 50
READING_WORDS_PER_MINUTE = 400


def reading_seconds_required(text: str) -> int:
    words = len((text or "").split())
    return min(180, max(10, math.ceil(words * 60 / READING_WORDS_PER_MINUTE)))


def playlist_author_allowed(user) -> bool:
    """Authors are moderators (admins are moderators too) and staff (core/roles.py)."""
    return bool(user.is_authenticated and (user.is_staff or user_has_role(user, MODERATOR)))


def playlist_edit_allowed(user, playlist: Playlist) -> bool:
    return playlist_author_allowed(user) and (playlist.author_id == user.id or user.is_staff
                                              or user_has_role(user, "admin"))


# --- authoring ---------------------------------------------------------------------------------------


def category_get_or_create(*, name: str) -> PlaylistCategory:
    slug = slugify(name)[:60]
    if not slug:
        raise ValidationFailed(details={"category": ["Give a category name with letters or digits."]})
    category = PlaylistCategory.objects.filter(slug=slug).first()
    if category is None:
        try:
            with transaction.atomic():
                category = PlaylistCategory.objects.create(name=name[:60], slug=slug)
        except IntegrityError:
            category = PlaylistCategory.objects.get(slug=slug)
    return category


def _lesson_rows(lessons: list[dict]) -> list[Lesson]:
    if not lessons:
        raise ValidationFailed(details={"lessons": ["Give at least one lesson."]})
    slugs = {spec["challenge"] for spec in lessons if spec.get("challenge")}
    challenges = {c.slug: c for c in Challenge.objects.filter(slug__in=slugs, is_active=True, is_public=True)}
    rows, errors = [], {}
    for order, spec in enumerate(lessons, start=1):
        kind = spec["kind"]
        challenge = None
        if kind == LessonKind.CHALLENGE:
            challenge = challenges.get(spec.get("challenge") or "")
            if challenge is None and spec.get("challenge"):
                # A well-formed reference to nothing: not found, as any unknown object is.
                raise NotFound(f"Lesson {order}: no public challenge {spec['challenge']!r}.",
                               code="challenge_not_found", details={f"lessons.{order - 1}.challenge": [
                                   "No such public challenge."]})
            if challenge is None:
                errors[f"lessons.{order - 1}.challenge"] = ["A challenge lesson needs its challenge."]
        elif kind == LessonKind.VIDEO and not spec.get("video_url"):
            errors[f"lessons.{order - 1}.video_url"] = ["A video lesson needs its link."]
        elif kind == LessonKind.READING and not (spec.get("body") or "").strip():
            errors[f"lessons.{order - 1}.body"] = ["A reading lesson needs its text."]
        required = 0
        if kind == LessonKind.READING:
            required = reading_seconds_required(spec.get("body", ""))
        elif kind == LessonKind.VIDEO:
            required = max(10, int(spec.get("required_seconds") or 60))
        rows.append(Lesson(order=order, title=spec["title"], kind=kind, body=spec.get("body", ""),
                           challenge=challenge, video_url=spec.get("video_url", "") if kind == LessonKind.VIDEO
                           else "", required_seconds=required))
    if errors:
        raise ValidationFailed(details=errors)
    return rows


def _lessons_same(existing: list[Lesson], wanted: list[Lesson]) -> bool:
    key = lambda lesson: (lesson.order, lesson.title, lesson.kind, lesson.body, lesson.challenge_id,  # noqa: E731
                          lesson.video_url, lesson.required_seconds)
    return [key(x) for x in existing] == [key(x) for x in wanted]


@transaction.atomic
def playlist_upsert(*, data: dict, author=None) -> tuple[Playlist, bool]:
    """Create or replace the playlist `data["slug"]` with its lessons, in order. Idempotent: the
    same data writes nothing, so progress on unchanged lessons stays. Changed lessons replace the
    old ones (their progress goes with them) and every enrolment is recounted."""
    category = category_get_or_create(name=data["category"])
    wanted = _lesson_rows(data["lessons"])
    existing_playlist = Playlist.objects.filter(slug=data["slug"]).first()
    created = existing_playlist is None
    fields = {"title": data["title"], "summary": data.get("summary", "")[:300],
              "description": data.get("description", ""), "category": category,
              "difficulty": data.get("difficulty", "easy"), "is_published": data.get("is_published", True)}
    if existing_playlist is None:
        playlist = Playlist.objects.create(slug=data["slug"], author=author, **fields)
    else:
        playlist = lock_playlist_for_update(existing_playlist.id)
        if any(getattr(playlist, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(playlist, key, value)
            playlist.save()
    existing = list(playlist.lessons.all())
    if not _lessons_same(existing, wanted):
        playlist.lessons.all().delete()
        for lesson in wanted:
            lesson.playlist = playlist
        Lesson.objects.bulk_create(wanted)
        Playlist.objects.filter(id=playlist.id).update(lesson_count=len(wanted))
        for enrolment in playlist.enrolments.filter(is_active=True).select_related("user"):
            _challenge_lessons_sync(enrolment)
            _enrolment_recount(enrolment.id)
        audit_record(action="playlist.created" if created else "playlist.updated", actor=author, target=playlist,
                     changes={"lessons": [len(existing), len(wanted)]})
    playlist.refresh_from_db()
    return playlist, created


@transaction.atomic
def playlist_lessons_refresh(*, playlist: Playlist, actor=None) -> Playlist:
    """After lessons were edited directly (the admin's inline): fill in the time a reading needs
    where it was left at 0, recount the lessons and every active enrolment's progress."""
    lock_playlist_for_update(playlist.id)
    for lesson in playlist.lessons.filter(kind__in=[LessonKind.READING, LessonKind.VIDEO], required_seconds=0):
        lesson.required_seconds = (reading_seconds_required(lesson.body) if lesson.kind == LessonKind.READING
                                   else 60)
        lesson.save(update_fields=["required_seconds", "updated_at"])
    Playlist.objects.filter(id=playlist.id).update(lesson_count=playlist.lessons.count())
    for enrolment in playlist.enrolments.filter(is_active=True).select_related("user"):
        _challenge_lessons_sync(enrolment)
        _enrolment_recount(enrolment.id)
    audit_record(action="playlist.updated", actor=actor, target=playlist, changes={"lessons": [None, "admin"]})
    playlist.refresh_from_db()
    return playlist


def playlist_create(*, user, data: dict) -> Playlist:
    if not playlist_author_allowed(user):
        raise Forbidden("Only playlist authors (moderators) create playlists.", code="not_an_author")
    if Playlist.objects.filter(slug=data["slug"]).exists():
        raise Conflict("That slug is taken.", code="slug_taken")
    playlist, _ = playlist_upsert(data=data, author=user)
    return playlist


def playlist_update(*, user, playlist: Playlist, data: dict) -> Playlist:
    if not playlist_edit_allowed(user, playlist):
        raise Forbidden("Only the playlist's author or an admin edits it.", code="not_your_playlist")
    updated, _ = playlist_upsert(data={**data, "slug": playlist.slug}, author=playlist.author)
    return updated


# --- enrolment and progress ---------------------------------------------------------------------------


@transaction.atomic
def enrolment_enrol(*, user, playlist: Playlist) -> Enrolment:
    """Enrol, or come back after leaving (the progress is kept). Challenges already solved count."""
    if not playlist.is_published:
        raise Forbidden("This playlist is not published.", code="playlist_unpublished")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(user=user, playlist=playlist)
        first = True
    except IntegrityError:
        enrolment = Enrolment.objects.get(user=user, playlist=playlist)
        first = False
    enrolment = lock_enrolment_for_update(enrolment.id)
    if not first and enrolment.is_active:
        raise Conflict("You are already enrolled.", code="already_enrolled")
    enrolment.is_active = True
    enrolment.save(update_fields=["is_active", "updated_at"])
    _challenge_lessons_sync(enrolment)
    _enrolment_recount(enrolment.id)
    _playlist_counts_refresh(playlist.id)
    if first:
        progress_record_event(user=user, event_type="playlist.enrolled", source=enrolment)
    return Enrolment.objects.select_related("playlist", "current_lesson").get(id=enrolment.id)


@transaction.atomic
def enrolment_leave(*, user, playlist: Playlist) -> None:
    enrolment = Enrolment.objects.filter(user=user, playlist=playlist, is_active=True).first()
    if enrolment is None:
        raise Conflict("You are not enrolled in this playlist.", code="not_enrolled")
    Enrolment.objects.filter(id=enrolment.id).update(is_active=False, updated_at=timezone.now())
    _playlist_counts_refresh(playlist.id)


def _lesson_progress(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    try:
        with transaction.atomic():
            progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    except IntegrityError:
        progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    return progress


def _active_enrolment(user, lesson: Lesson) -> Enrolment:
    enrolment = Enrolment.objects.filter(user=user, playlist_id=lesson.playlist_id, is_active=True).first()
    if enrolment is None:
        raise Conflict("Enrol in the playlist first.", code="not_enrolled")
    return lock_enrolment_for_update(enrolment.id)


@transaction.atomic
def lesson_time_record(*, user, lesson: Lesson, seconds: int, now=None) -> LessonProgress:
    """Credit time the lesson page was visible. Bounded twice, so that a script cannot complete a
    reading in one request: at most MAX_REPORT_SECONDS per report, and never more than the wall
    time since this lesson's previous report (plus a little slack)."""
    now = now or timezone.now()
    if not 1 <= seconds <= MAX_REPORT_SECONDS:
        raise ValidationFailed(details={"seconds": [f"Report between 1 and {MAX_REPORT_SECONDS} seconds."]})
    enrolment = _active_enrolment(user, lesson)
    progress = _lesson_progress(enrolment, lesson)
    if progress.seconds_spent:
        elapsed = (now - progress.updated_at).total_seconds() + REPORT_SLACK_SECONDS
        seconds = max(0, min(seconds, int(elapsed)))
    if seconds:
        progress.seconds_spent += seconds
        progress.save(update_fields=["seconds_spent", "updated_at"])
        Enrolment.objects.filter(id=enrolment.id).update(time_spent_seconds=enrolment.time_spent_seconds + seconds,
                                                          last_activity_at=now)
    if (progress.completed_at is None and lesson.kind in (LessonKind.READING, LessonKind.VIDEO)
            and progress.seconds_spent >= lesson.required_seconds):
        _lesson_complete(enrolment, lesson, progress, now)
    return progress


@transaction.atomic
def lesson_project_submit(*, user, lesson: Lesson, url: str) -> LessonProgress:
    if lesson.kind != LessonKind.PROJECT:
        raise ValidationFailed("Only project lessons take a link.", code="not_a_project")
    enrolment = _active_enrolment(user, lesson)
    progress = _lesson_progress(enrolment, lesson)
    progress.project_url = url
    progress.save(update_fields=["project_url", "updated_at"])
    if progress.completed_at is None:
        _lesson_complete(enrolment, lesson, progress, timezone.now())
    return progress


def _challenge_lessons_sync(enrolment: Enrolment) -> None:
    """Mark the enrolment's challenge lessons whose challenge the user has solved."""
    solved = ChallengeProgress.objects.filter(user_id=enrolment.user_id, solved_at__isnull=False).values("challenge_id")
    done = LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values("lesson_id")
    lessons = (Lesson.objects.filter(playlist_id=enrolment.playlist_id, kind=LessonKind.CHALLENGE,
                                     challenge_id__in=solved).exclude(id__in=done))
    now = timezone.now()
    for lesson in lessons:
        progress = _lesson_progress(enrolment, lesson)
        _lesson_complete(enrolment, lesson, progress, now, recount=False)


def playlist_progress_on_solve(*, user_id: int, challenge_id: int) -> int:
    """The judge accepted a submission (called on commit): complete the challenge's lessons in
    every playlist the user is enrolled in. Returns how many lessons were completed. Idempotent."""
    completed = 0
    enrolments = Enrolment.objects.filter(user_id=user_id, is_active=True,
                                          playlist__lessons__challenge_id=challenge_id).distinct()
    for enrolment_id in enrolments.values_list("id", flat=True):
        with transaction.atomic():
            enrolment = lock_enrolment_for_update(enrolment_id)
            before = enrolment.completed_lessons
            _challenge_lessons_sync(enrolment)
            _enrolment_recount(enrolment.id)
            enrolment.refresh_from_db()
            completed += enrolment.completed_lessons - before
    return completed


def _lesson_complete(enrolment: Enrolment, lesson: Lesson, progress: LessonProgress, now, *,
                     recount: bool = True) -> None:
    updated = LessonProgress.objects.filter(id=progress.id, completed_at__isnull=True).update(completed_at=now)
    if not updated:
        return
    progress.completed_at = now
    progress_record_event(user=enrolment.user, event_type="lesson.completed", xp=LESSON_XP, source=progress)
    if recount:
        _enrolment_recount(enrolment.id)


def _enrolment_recount(enrolment_id: int) -> None:
    """Completed lessons, percent and the current lesson (the first one not done, in order) from the
    rows; the certificate on completion."""
    enrolment = Enrolment.objects.select_related("playlist", "user").get(id=enrolment_id)
    lessons = list(Lesson.objects.filter(playlist_id=enrolment.playlist_id).order_by("order").values_list("id", flat=True))
    done = set(LessonProgress.objects.filter(enrolment_id=enrolment_id, completed_at__isnull=False,
                                             lesson_id__in=lessons).values_list("lesson_id", flat=True))
    remaining = [lesson_id for lesson_id in lessons if lesson_id not in done]
    enrolment.completed_lessons = len(done)
    enrolment.percent = round(100 * len(done) / len(lessons)) if lessons else 0
    enrolment.current_lesson_id = remaining[0] if remaining else None
    just_completed = not remaining and lessons and enrolment.completed_at is None
    if just_completed:
        enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_lessons", "percent", "current_lesson", "completed_at", "updated_at"])
    if just_completed:
        _certificate_issue(enrolment)
        _playlist_counts_refresh(enrolment.playlist_id)


def _certificate_issue(enrolment: Enrolment) -> Certificate:
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    if certificate is None:
        user, playlist = enrolment.user, enrolment.playlist
        certificate = Certificate.objects.create(
            enrolment=enrolment, code=secrets.token_urlsafe(18), holder_name=user.display_name,
            playlist_title=playlist.title, lesson_count=playlist.lessons.count(),
            issued_at=enrolment.completed_at or timezone.now())
        progress_record_event(user=user, event_type="playlist.completed", xp=PLAYLIST_XP, source=enrolment)
        notification_send(
            user=user, type=NotificationType.ACHIEVEMENT, title=f"Playlist completed: {playlist.title}",
            body=f"Your certificate is ready (+{PLAYLIST_XP} XP).", url=f"/playlists/{playlist.slug}/",
            data={"playlist": playlist.slug, "certificate": certificate.code})
    return certificate


def _playlist_counts_refresh(playlist_id: int) -> None:
    lock_playlist_for_update(playlist_id)
    totals = Enrolment.objects.filter(playlist_id=playlist_id).aggregate(
        active=Count("id", filter=Q(is_active=True)), completed=Count("id", filter=Q(completed_at__isnull=False)))
    Playlist.objects.filter(id=playlist_id).update(enrolment_count=totals["active"],
                                                   completion_count=totals["completed"])


# --- reviews of playlists ------------------------------------------------------------------------------


@transaction.atomic
def playlist_review_create(*, user, playlist: Playlist, rating: int, text: str = "") -> PlaylistReview:
    """Once per user, and only by someone who enrolled. Two requests at once: the unique
    constraint keeps one, the other is a Conflict; the average is recounted under the lock."""
    if not Enrolment.objects.filter(user=user, playlist=playlist).exists():
        raise Forbidden("Enrol in the playlist before reviewing it.", code="not_enrolled")
    if not 1 <= rating <= 5:
        raise ValidationFailed(details={"rating": ["Rate from 1 to 5."]})
    try:
        with transaction.atomic():
            review = PlaylistReview.objects.create(user=user, playlist=playlist, rating=rating, text=text)
    except IntegrityError:
        raise Conflict("You have reviewed this playlist already.", code="already_reviewed")
    lock_playlist_for_update(playlist.id)
    totals = PlaylistReview.objects.filter(playlist=playlist).aggregate(n=Count("id"), avg=Avg("rating"))
    Playlist.objects.filter(id=playlist.id).update(review_count=totals["n"], rating_average=round(totals["avg"] or 0, 2))
    return review


def on_submission_accepted(submission) -> None:
    """The judge's accepted path: schedule the playlist progress for after the commit."""
    transaction.on_commit(partial(playlist_progress_on_solve, user_id=submission.user_id,
                                  challenge_id=submission.challenge_id), robust=True)


