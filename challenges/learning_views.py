"""Pages of learning playlists, challenge reviews and code reviews. Reads on GET only; every
POST calls one service and redirects (business-rule refusals come back as messages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound
from core.markdown import render_markdown

from . import (
    code_review_selectors,
    code_review_services,
    line_mapping,
    playlist_selectors,
    playlist_services,
    review_selectors,
    review_services,
    selectors,
)
from .certificates import CertificateContent, certificate_pdf
from .learning_forms import (
    ChallengeReviewForm,
    CodeReviewRequestForm,
    CommentForm,
    PlaylistReviewForm,
    ProjectForm,
    ReplyForm,
    ScoreForm,
    StatusForm,
    VersionForm,
)
from .models import CodeReviewStatus, Difficulty


def _or_404(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound:
        raise Http404


def _run(request, action, success: str) -> bool:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.replace("_", " ").capitalize() if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


# --- playlists ------------------------------------------------------------------------------------


def playlist_list(request):
    category = request.GET.get("category", "").strip()[:60]
    difficulty = request.GET.get("difficulty", "").strip()[:10]
    difficulty = difficulty if difficulty in Difficulty.values else ""
    search = request.GET.get("search", "").strip()[:60]
    page = Paginator(playlist_selectors.playlist_list(user=request.user, category=category, difficulty=difficulty,
                                                      search=search), 24).get_page(request.GET.get("page"))
    return render(request, "challenges/playlists/list.html", {
        "page": page, "categories": playlist_selectors.category_list(), "category": category,
        "difficulty": difficulty, "search": search, "difficulties": Difficulty.choices})


@login_required
def my_playlists(request):
    return render(request, "challenges/playlists/mine.html",
                  {"enrolments": playlist_selectors.my_enrolments(user=request.user)})


def playlist_detail(request, slug):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    enrolment = playlist_selectors.enrolment_for(user=request.user, playlist=playlist)
    progress = playlist_selectors.lesson_progress_by_lesson(enrolment=enrolment)
    lessons = [(lesson, progress.get(lesson.id)) for lesson in playlist.lessons.all()]
    reviews = list(playlist_selectors.playlist_reviews(playlist=playlist)[:20])
    reviewed = request.user.is_authenticated and playlist.reviews.filter(user=request.user).exists()
    certificate = getattr(enrolment, "certificate", None) if enrolment and enrolment.completed_at else None
    return render(request, "challenges/playlists/detail.html", {
        "playlist": playlist, "enrolment": enrolment, "lessons": lessons, "reviews": reviews,
        "description_html": render_markdown(playlist.description), "review_form": PlaylistReviewForm(),
        "reviewed": reviewed, "certificate": certificate,
        "can_edit": playlist_selectors.playlist_can_edit(user=request.user, playlist=playlist)})


@login_required
@require_POST
def playlist_enrol(request, slug):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    _run(request, lambda: playlist_services.enrolment_enrol(user=request.user, playlist=playlist),
         f"You are enrolled in {playlist.title}.")
    return redirect("playlist-detail", slug=slug)


@login_required
@require_POST
def playlist_unenrol(request, slug):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    _run(request, lambda: playlist_services.enrolment_leave(user=request.user, playlist=playlist),
         "You left the playlist; your progress is kept if you come back.")
    return redirect("playlist-detail", slug=slug)


@login_required
@require_POST
def playlist_review(request, slug):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    form = PlaylistReviewForm(request.POST)
    if form.is_valid():
        _run(request, lambda: playlist_services.playlist_review_create(user=request.user, playlist=playlist,
                                                                       **form.cleaned_data), "Thanks for your review.")
    else:
        _form_errors(request, form)
    return redirect("playlist-detail", slug=slug)


def lesson_detail(request, slug, lesson_id: int):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    lesson = _or_404(playlist_selectors.lesson_get, user=request.user, playlist=playlist, lesson_id=lesson_id)
    enrolment = playlist_selectors.enrolment_for(user=request.user, playlist=playlist)
    progress = playlist_selectors.lesson_progress_by_lesson(enrolment=enrolment).get(lesson.id)
    lessons = list(playlist.lessons.all())
    index = next(i for i, candidate in enumerate(lessons) if candidate.id == lesson.id)
    return render(request, "challenges/playlists/lesson.html", {
        "playlist": playlist, "lesson": lesson, "enrolment": enrolment, "progress": progress,
        "body_html": render_markdown(lesson.body), "project_form": ProjectForm(),
        "previous": lessons[index - 1] if index else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "report_seconds": 15, "time_url": reverse("api-lesson-time", args=[lesson.id]),
        "timed": lesson.kind in ("reading", "video") and enrolment is not None and enrolment.is_active
        and not (progress and progress.completed_at)})


@login_required
@require_POST
def lesson_project(request, slug, lesson_id: int):
    playlist = _or_404(playlist_selectors.playlist_get, user=request.user, slug=slug)
    lesson = _or_404(playlist_selectors.lesson_get, user=request.user, playlist=playlist, lesson_id=lesson_id)
    form = ProjectForm(request.POST)
    if form.is_valid():
        _run(request, lambda: playlist_services.lesson_project_submit(user=request.user, lesson=lesson,
                                                                      url=form.cleaned_data["url"]),
             "Project handed in: lesson complete.")
    else:
        _form_errors(request, form)
    return redirect("lesson-detail", slug=slug, lesson_id=lesson_id)


def certificate_verify(request, code: str):
    certificate = _or_404(playlist_selectors.certificate_by_code, code=code[:60])
    return render(request, "challenges/playlists/certificate.html", {"certificate": certificate})


@login_required
def certificate_download(request, code: str):
    """The PDF, for its holder only (anyone may check it on the verify page)."""
    certificate = _or_404(playlist_selectors.certificate_by_code, code=code[:60])
    if certificate.enrolment.user_id != request.user.id:
        raise Http404
    pdf = certificate_pdf(CertificateContent(
        holder_name=certificate.holder_name, playlist_title=certificate.playlist_title,
        lesson_count=certificate.lesson_count, issued_at=certificate.issued_at, code=certificate.code,
        verify_url=request.build_absolute_uri(reverse("certificate-verify", args=[certificate.code]))))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.enrolment.playlist.slug}.pdf"'
    return response


# --- challenge reviews ----------------------------------------------------------------------------


def _challenge(request, slug):
    return _or_404(selectors.challenge_get, user=request.user, slug=slug)


def challenge_reviews(request, slug):
    challenge = _challenge(request, slug)
    page = Paginator(review_selectors.challenge_reviews(user=request.user, challenge=challenge), 20).get_page(
        request.GET.get("page"))
    for review in page:
        review.text_html = render_markdown(review.text)
    return render(request, "challenges/reviews.html", {
        "challenge": challenge, "page": page, "form": ChallengeReviewForm(), "reply_form": ReplyForm(),
        "mine": review_selectors.review_of(user=request.user, challenge=challenge),
        "can_review": review_selectors.review_allowed(user=request.user, challenge=challenge)})


@login_required
@require_POST
def challenge_review_create(request, slug):
    challenge = _challenge(request, slug)
    form = ChallengeReviewForm(request.POST)
    if form.is_valid():
        _run(request, lambda: review_services.challenge_review_create(user=request.user, challenge=challenge,
                                                                      **form.cleaned_data), "Review posted.")
    else:
        _form_errors(request, form)
    return redirect("challenge-reviews", slug=slug)


@login_required
@require_POST
def review_helpful(request, review_id: int):
    review = _or_404(review_selectors.review_get, review_id=review_id)
    _run(request, lambda: review_services.review_helpful_mark(user=request.user, review=review), "")
    return redirect("challenge-reviews", slug=review.challenge.slug)


@login_required
@require_POST
def review_reply(request, review_id: int):
    review = _or_404(review_selectors.review_get, review_id=review_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        _run(request, lambda: review_services.review_reply_create(user=request.user, review=review,
                                                                  text=form.cleaned_data["text"]), "Reply posted.")
    else:
        _form_errors(request, form)
    return redirect("challenge-reviews", slug=review.challenge.slug)


# --- code reviews ---------------------------------------------------------------------------------


@login_required
def code_review_list(request):
    return render(request, "challenges/code_reviews/list.html", {
        "mine": code_review_selectors.code_reviews_mine(user=request.user)[:50],
        "queue": code_review_selectors.code_reviews_to_give(user=request.user)[:50]})


@login_required
@require_POST
def code_review_request(request, submission_id: int):
    submission = _or_404(selectors.submission_get_for_user, user=request.user, submission_id=submission_id)
    form = CodeReviewRequestForm(request.POST)
    form.is_valid()
    created = []
    if _run(request, lambda: created.append(code_review_services.code_review_request(
            user=request.user, submission=submission, message=form.cleaned_data.get("message", ""))),
            "Review requested: people who solved this challenge can now review your code."):
        return redirect("code-review-detail", review_id=created[0].id)
    return redirect("submission-detail", submission_id=submission_id)


@login_required
def code_review_detail(request, review_id: int):
    review = _or_404(code_review_selectors.code_review_get_for_user, user=request.user, review_id=review_id)
    review = code_review_selectors.code_review_detail(review=review)
    versions = list(review.versions.all())
    latest = versions[-1]
    comments = list(review.comments.all())
    by_line: dict[int, list] = {}
    general = []
    for comment in comments:
        if comment.current_line_start is None:
            general.append(comment)
        else:
            by_line.setdefault(comment.current_line_end or comment.current_line_start, []).append(comment)
    lines = [(number, text, by_line.get(number, []))
             for number, text in enumerate(line_mapping.split_lines(latest.source), start=1)]
    previous = versions[-2] if len(versions) > 1 else None
    return render(request, "challenges/code_reviews/detail.html", {
        "review": review, "latest": latest, "versions": versions, "lines": lines, "general": general,
        "is_author": review.author_id == request.user.id,
        "is_reviewer": code_review_services.code_reviewer_allowed(request.user, review),
        "comment_form": CommentForm(), "score_form": ScoreForm(), "status_form": StatusForm(),
        "version_form": VersionForm(initial={"source": latest.source}),
        "diff": line_mapping.unified_diff(previous.source, latest.source, f"v{previous.number}",
                                          f"v{latest.number}") if previous else "",
        "statuses": CodeReviewStatus})


def _code_review_post(request, review_id: int, form_class, action, success: str):
    review = _or_404(code_review_selectors.code_review_get_for_user, user=request.user, review_id=review_id)
    form = form_class(request.POST)
    if form.is_valid():
        _run(request, lambda: action(review, form.cleaned_data), success)
    else:
        _form_errors(request, form)
    return redirect("code-review-detail", review_id=review_id)


@login_required
@require_POST
def code_review_comment(request, review_id: int):
    return _code_review_post(request, review_id, CommentForm, lambda review, data: code_review_services
                             .code_review_comment_add(user=request.user, review=review, **data), "Comment added.")


@login_required
@require_POST
def code_review_score(request, review_id: int):
    return _code_review_post(request, review_id, ScoreForm, lambda review, data: code_review_services
                             .code_review_score(user=request.user, review=review, **data), "Scores saved.")


@login_required
@require_POST
def code_review_status(request, review_id: int):
    return _code_review_post(request, review_id, StatusForm, lambda review, data: code_review_services
                             .code_review_status_set(user=request.user, review=review, **data), "Status updated.")


@login_required
@require_POST
def code_review_version(request, review_id: int):
    return _code_review_post(request, review_id, VersionForm, lambda review, data: code_review_services
                             .code_review_version_submit(user=request.user, review=review, **data),
                             "New version submitted; the comments moved with their lines.")


@login_required
@require_POST
def code_review_apply(request, comment_id: int):
    comment = _or_404(code_review_selectors.code_review_comment_get, user=request.user, comment_id=comment_id)
    _run(request, lambda: code_review_services.code_review_suggestion_apply(user=request.user, comment=comment),
         "Suggestion applied as a new version (and saved as your editor draft).")
    return redirect("code-review-detail", review_id=comment.review_id)
