"""Pages of the interviews domain: the question bank, starting an interview, the live interview,
its report (also shared read-only by link) and the history."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError, NotFound

from . import selectors, services
from .engine import ANSWER_MAX_CHARS, CALIBRATION_MODEL
from .forms import StartForm
from .models import Category, Difficulty


def question_list(request):
    filters = {k: request.GET.get(k, "").strip()[:60] for k in ("category", "difficulty", "skill", "search")}
    if filters["category"] not in Category.values:
        filters["category"] = ""
    if filters["difficulty"] not in Difficulty.values:
        filters["difficulty"] = ""
    page = Paginator(selectors.question_list(**filters), 25).get_page(request.GET.get("page"))
    return render(request, "interviews/questions.html", {
        "page": page, "filters": filters, "categories": Category.choices, "difficulties": Difficulty.choices,
        "facets": selectors.question_facets(), "calibration_model": CALIBRATION_MODEL})


def _session_or_404(request, session_id):
    try:
        return selectors.session_get_for_user(user=request.user, session_id=session_id)
    except NotFound:
        raise Http404("No such interview.")


@login_required
def interview_list(request):
    page = Paginator(selectors.sessions_of(user=request.user), 20).get_page(request.GET.get("page"))
    progress = selectors.interview_progress(user=request.user)
    return render(request, "interviews/history.html", {
        "page": page, "mistakes": progress["mistakes"], "peer_feedback": progress["peer"]})


def _start_form(request, data=None):
    from resumes import selectors as resume_selectors

    jobs = list(resume_selectors.jobs_of(user=request.user)[:20])
    analyses = selectors.analyses_for_start(user=request.user)
    return StartForm(data, jobs=jobs, analyses=analyses)


@login_required
def interview_start(request):
    form = _start_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"] or ""
        kind, _, number = target.partition(":")
        try:
            session = services.session_start(
                user=request.user, interview_type=form.cleaned_data["interview_type"],
                difficulty=form.cleaned_data["difficulty"], length=form.cleaned_data["length"],
                job_text=form.cleaned_data["job_description"],
                job_id=int(number) if kind == "job" else None,
                analysis_id=int(number) if kind == "analysis" else None,
                challenge=form.cleaned_data["challenge"])
        except ApplicationError as error:
            field = "challenge" if error.code in ("not_found", "challenge_not_technical") else None
            form.add_error(field, "No such challenge: check its slug." if error.code == "not_found" else error.message)
        else:
            return redirect("interview-live", session_id=session.pk)
    return render(request, "interviews/start.html", {"form": form})


@login_required
def interview_live(request, session_id):
    session = _session_or_404(request, session_id)
    if not session.is_active:
        return redirect("interview-report", session_id=session.pk)
    turns = selectors.session_turns(session=session)
    return render(request, "interviews/live.html", {
        "session": session, "turns": turns, "current": selectors.open_turn(turns),
        "answer_max_chars": ANSWER_MAX_CHARS, "media_max_seconds": settings.MEDIA_MAX_SECONDS})


def _report_context(session, turns, *, shared: bool) -> dict:
    report = session.report or {}
    return {"session": session, "turns": [t for t in turns if t.answered_at], "report": report,
            "shared": shared, "dimensions": report.get("dimensions", []),
            "recommended": report.get("recommended", {})}


@login_required
def interview_report(request, session_id):
    session = _session_or_404(request, session_id)
    if session.is_active:
        return redirect("interview-live", session_id=session.pk)
    context = _report_context(session, selectors.session_turns(session=session), shared=False)
    context["share_url"] = (request.build_absolute_uri(f"/interviews/shared/{session.share_token}/")
                            if session.share_token else "")
    # Only the owner's report replays the code (a share link shows the report, not the room).
    context["timeline"] = selectors.session_timeline(session=session)
    context["mistakes"] = selectors.interview_progress(user=request.user)["mistakes"]
    return render(request, "interviews/report.html", context)


@login_required
@require_POST
def interview_share(request, session_id):
    _session_or_404(request, session_id)
    try:
        services.session_share_set(user=request.user, session_id=session_id,
                                   shared=request.POST.get("shared") == "1")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("interview-report", session_id=session_id)


@login_required
@require_POST
def interview_delete(request, session_id):
    _session_or_404(request, session_id)
    services.session_delete(user=request.user, session_id=session_id)
    messages.success(request, "The interview and its recordings were deleted.")
    return redirect("interview-list")


@login_required
@require_POST
def interview_end(request, session_id):
    _session_or_404(request, session_id)
    try:
        services.session_end(user=request.user, session_id=session_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("interview-report", session_id=session_id)


def interview_shared(request, token):
    try:
        session = selectors.session_get_shared(token=token)
    except NotFound:
        raise Http404("This link does not work (it may have been revoked).")
    return render(request, "interviews/report.html",
                  _report_context(session, selectors.session_turns(session=session), shared=True))


def _shared_file(lookup, download_stem: str):
    """Serve a shared report's recording: `lookup()` gives (asset, file, content type) or raises
    NotFound (a revoked link included), which is a 404."""
    from core.file_storage import private_file_response

    try:
        _, field_file, content_type = lookup()
    except NotFound:
        raise Http404("No such recording.")
    extension = field_file.name.rsplit(".", 1)[-1] if "." in field_file.name else "bin"
    return private_file_response(field_file, download_name=f"{download_stem}.{extension}",
                                 content_type=content_type, as_attachment=False)


def interview_shared_recording(request, token, turn_index):
    """A shared report's player plays its recordings for whoever holds the link (the owner's own
    file view stays owner-only); a revoked link plays nothing."""
    return _shared_file(lambda: selectors.shared_recording(token=token, turn_index=turn_index),
                        f"answer-{turn_index + 1}")


def interview_shared_session_recording(request, token):
    """A shared report's recording of the whole session, for whoever holds the link (revoked: 404)."""
    return _shared_file(lambda: selectors.shared_session_recording(token=token), "interview")
