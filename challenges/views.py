"""Pages of the challenges domain."""

import contextlib
import hashlib
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.exceptions import NotFound
from core.markdown import render_markdown
from core.query_params import page_number
from core.throttling import CACHE_ERRORS

from . import review_selectors, selectors
from .judge_gateway import available_runtimes, judge_status
from .models import ChallengeType, Difficulty, Mode

BOARDS = {"global": "All time", "weekly": "This week", "monthly": "This month"}


ROWS_TEMPLATE = "challenges/_list_rows.html"
ROWS_SECONDS = 3600
_rows_template_digest = ""


def challenge_rows_html(rows: list, *, signed_in: bool) -> str:
    """The list's table rows. Rendering them was most of the page's time, so the HTML is kept in
    the cache under a digest of everything it shows (each row's fields and annotations, the
    template itself, the language): any change to what a row shows is another key,
    so a kept fragment is never stale, and unused ones expire. Without the cache it is rendered."""
    global _rows_template_digest
    if not _rows_template_digest:
        source = Path(get_template(ROWS_TEMPLATE).origin.name).read_bytes()
        _rows_template_digest = hashlib.sha256(source).hexdigest()[:16]
    # Every field and annotation of each row (vars: the columns, the viewer's status and best,
    # the rating...), so that a column added to the template later is in the key without a
    # change here; the labels the template shows are derived from these.
    shown = [sorted((name, value) for name, value in vars(c).items() if not name.startswith("_")) for c in rows]
    digest = hashlib.sha256(repr((_rows_template_digest, get_language(), signed_in, shown)).encode()).hexdigest()
    key = f"challenges:rows:{digest}"
    try:
        kept = cache.get(key)
    except CACHE_ERRORS:
        kept = None
    if kept is not None:
        return mark_safe(kept)  # noqa: S308 - our own rendering of escaped rows
    html = render_to_string(ROWS_TEMPLATE, {"rows": rows, "signed_in": signed_in})
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, str(html), ROWS_SECONDS)
    return html


def challenge_list(request):
    filters = {k: request.GET.get(k, "").strip()[:60] for k in
               ("difficulty", "type", "category", "tag", "status", "search")}
    page = Paginator(selectors.challenge_list(user=request.user, **filters), 30).get_page(request.GET.get("page"))
    # Read once (the rows are the fragment's key and its content), with the viewer's progress.
    page.object_list = selectors.challenges_with_viewer_progress(user=request.user, challenges=list(page.object_list))
    return render(request, "challenges/list.html", {
        "rows": challenge_rows_html(page.object_list, signed_in=request.user.is_authenticated),
        "page": page, "filters": filters, "facets": selectors.challenge_facets(),
        "difficulties": Difficulty.choices, "types": ChallengeType.choices,
        "statuses": [("new", "New"), ("attempted", "Attempted"), ("solved", "Solved")],
    })


def _challenge_or_404(request, slug):
    try:
        return selectors.challenge_get(user=request.user, slug=slug)
    except NotFound:
        raise Http404("No such challenge.")


def challenge_detail(request, slug):
    challenge = _challenge_or_404(request, slug)
    mode = request.GET.get("mode", Mode.STANDARD)
    if mode not in Mode.values:
        mode = Mode.STANDARD
    # Read only: the page's script starts the clocks by POST (ChallengeStartApi), once.
    progress = selectors.challenge_progress(user=request.user, challenge=challenge)
    runtimes = available_runtimes()
    languages = [{"id": r.language, "name": r.display_name or r.language, "version": r.version}
                 for r in runtimes.values()]
    solved = bool(progress and progress.solved_at)
    editor_data = {
        "slug": challenge.slug,
        "mode": mode,
        "languages": languages,
        "starter": challenge.starter_code,
        "drafts": selectors.drafts_for(user=request.user, challenge=challenge),
        # An interview is timed from when it started (kept across reloads); otherwise time counts
        # from the first time the user opened the challenge. None: not started yet.
        "startedAt": _iso(progress.interview_started_at if mode == Mode.INTERVIEW else progress.started_at)
        if progress else None,
        "scenario": challenge.scenario if mode == Mode.INTERVIEW else {},
        "authenticated": request.user.is_authenticated,
        "bestPoints": progress.best_points if progress else None,
        "urls": {
            "submit": reverse("api-submissions"), "run": reverse("api-submissions-run"),
            "draft": reverse("api-challenge-draft", args=[challenge.slug]),
            "hint": reverse("api-challenge-hint", args=[challenge.slug]),
            "solution": reverse("api-challenge-solution", args=[challenge.slug]),
            "start": reverse("api-challenge-start", args=[challenge.slug]),
            "history": reverse("challenge-history", args=[challenge.slug]),
            "login": f"{reverse('account_login')}?next={request.path}",
        },
    }
    return render(request, "challenges/detail.html", {
        "challenge": challenge, "mode": mode, "modes": Mode.choices, "progress": progress, "solved": solved,
        "statement_html": render_markdown(challenge.statement),
        "constraints_html": render_markdown(challenge.constraints),
        "solution_html": render_markdown(challenge.solution_explanation)
        if progress and progress.solution_visible else "",
        "solution_available": bool(challenge.solution_explanation.strip()),
        "hints_revealed": challenge.hints[: progress.hints_revealed] if progress else [],
        "editor_data": editor_data, "judge": judge_status(),
        "history": selectors.submissions_of(user=request.user, challenge=challenge)[:20]
        if request.user.is_authenticated else [],
        "top_reviews": review_selectors.challenge_reviews(user=request.user, challenge=challenge)[:3],
    })


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@login_required
def challenge_history(request, slug):
    """The submission history panel, re-fetched by the editor after each judgement."""
    challenge = _challenge_or_404(request, slug)
    return render(request, "challenges/partials/history.html", {
        "history": selectors.submissions_of(user=request.user, challenge=challenge)[:20], "challenge": challenge})


@login_required
def submission_detail(request, submission_id: int):
    try:
        submission = selectors.submission_get_for_user(user=request.user, submission_id=submission_id)
    except NotFound:
        raise Http404
    return render(request, "challenges/submission.html", {"submission": submission})


def leaderboard(request):
    board = request.GET.get("board", "global")
    if board not in BOARDS:
        board = "global"
    page_number = _page_number(request)
    offset, limit = (page_number - 1) * 25, 25
    if board == "global":
        rows = selectors.leaderboard_global(offset=offset, limit=limit)
        viewer = selectors.viewer_rank_global(user=request.user) if request.user.is_authenticated else None
    else:
        rows = selectors.leaderboard_period(period=board, offset=offset, limit=limit)
        viewer = selectors.viewer_rank_period(user=request.user, period=board) if request.user.is_authenticated else None
    return render(request, "challenges/leaderboard.html", {
        "rows": rows, "viewer": viewer, "board": board, "boards": BOARDS, "page": page_number,
        "has_next": len(rows) == limit, "unit": "XP",
    })


def challenge_leaderboard(request, slug):
    challenge = _challenge_or_404(request, slug)
    page_number = _page_number(request)
    rows = selectors.leaderboard_challenge(challenge=challenge, offset=(page_number - 1) * 25, limit=25)
    viewer = selectors.viewer_rank_challenge(user=request.user, challenge=challenge) \
        if request.user.is_authenticated else None
    return render(request, "challenges/leaderboard.html", {
        "rows": rows, "viewer": viewer, "challenge": challenge, "page": page_number,
        "has_next": len(rows) == 25, "unit": "points",
    })


def _page_number(request) -> int:
    return page_number(request.GET.get("page"))
