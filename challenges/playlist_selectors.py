"""Reads of learning playlists."""

from django.db.models import Prefetch, Q, QuerySet

from core.exceptions import first_or_not_found

from .models import (
    Certificate,
    Enrolment,
    Lesson,
    LessonProgress,
    Playlist,
    PlaylistCategory,
    PlaylistReview,
)
from .playlist_services import playlist_edit_allowed


def _visible(user) -> QuerySet[Playlist]:
    qs = Playlist.objects.all()
    if not (user.is_authenticated and user.is_staff):
        mine = Q(author_id=user.id) if user.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(is_published=True) | mine)
    return qs


def playlist_list(*, user, category: str = "", difficulty: str = "", search: str = "") -> QuerySet[Playlist]:
    qs = _visible(user).select_related("category", "author")
    if category:
        qs = qs.filter(category__slug=category)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return qs.order_by("-enrolment_count", "title")


def category_list() -> QuerySet[PlaylistCategory]:
    from django.db.models import Count

    return PlaylistCategory.objects.annotate(
        playlist_total=Count("playlists", filter=Q(playlists__is_published=True))).order_by("name")


def playlist_get(*, user, slug: str) -> Playlist:
    qs = _visible(user).select_related("category", "author").prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.select_related("challenge").order_by("order")))
    return first_or_not_found(qs.filter(slug=slug), "No such playlist.")


def enrolment_for(*, user, playlist: Playlist) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, playlist=playlist).select_related("current_lesson").first()


def lesson_progress_by_lesson(*, enrolment: Enrolment | None) -> dict[int, LessonProgress]:
    if enrolment is None:
        return {}
    return {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}


def lesson_get(*, user, playlist: Playlist, lesson_id: int) -> Lesson:
    return first_or_not_found(
        Lesson.objects.filter(playlist=playlist, id=lesson_id).select_related("challenge"), "No such lesson.")


def lesson_get_by_id(*, user, lesson_id: int) -> Lesson:
    return first_or_not_found(
        Lesson.objects.filter(id=lesson_id, playlist__in=_visible(user)).select_related("playlist", "challenge"),
        "No such lesson.")


def my_enrolments(*, user, active_only: bool = True) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(user=user).select_related("playlist", "playlist__category", "current_lesson",
                                                            "certificate")
    if active_only:
        qs = qs.filter(Q(is_active=True) | Q(completed_at__isnull=False))
    return qs.order_by("completed_at", "-updated_at")


def playlist_reviews(*, playlist: Playlist) -> QuerySet[PlaylistReview]:
    return PlaylistReview.objects.filter(playlist=playlist).select_related("user").order_by("-created_at")


def certificate_for(*, user, playlist: Playlist) -> Certificate:
    return first_or_not_found(Certificate.objects.filter(enrolment__user=user, enrolment__playlist=playlist),
                              "No certificate yet: complete every lesson first.")


def certificate_by_code(*, code: str) -> Certificate:
    return first_or_not_found(Certificate.objects.filter(code=code).select_related("enrolment__playlist"),
                              "No certificate has that code.")


def playlist_can_edit(*, user, playlist: Playlist) -> bool:
    return playlist_edit_allowed(user, playlist)
