"""Pages of analytics: my dashboard, readiness for a target job, and CSV exports of each chart."""

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError, NotFound

from . import selectors, services
from .chart_tables import dashboard_tables, readiness_table


def _range_of(request) -> str:
    try:
        return selectors.range_key_valid(request.GET.get("range"))
    except ApplicationError as error:
        messages.error(request, error.message)
        return "30d"


def _chart_data(board) -> dict:
    s = board.series
    return {"days": [d.isoformat() for d in s.days], "submissions": s.submissions, "solved": s.solved,
            "xp": s.xp, "time_minutes": [round(t / 60, 1) for t in s.time_spent_seconds],
            "buckets": [label for label, _ in board.time_distribution],
            "bucket_counts": [count for _, count in board.time_distribution],
            "interview_at": [round(row["at"].timestamp()) for row in board.interview_dimensions],
            "interview_dimensions": {name: [row.get(name) for row in board.interview_dimensions]
                                     for name in selectors.interview_dimension_names()}}


def _heatmap_weeks(heatmap) -> list[list]:
    """The year as columns of weeks (Monday first), padded at the start, for the CSS grid."""
    pad = heatmap[0][0].weekday() if heatmap else 0
    cells = [None] * pad + [{"day": d, "count": c, "level": min(4, c)} for d, c in heatmap]
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


@login_required
def dashboard(request):
    board = selectors.dashboard_get(user=request.user, range_key=_range_of(request))
    return render(request, "analytics/dashboard.html", {
        "board": board, "tables": dashboard_tables(board), "ranges": selectors.RANGE_LABELS,
        "chart_data": _chart_data(board), "weeks": _heatmap_weeks(board.heatmap),
        "missing_sources": [s for s in board.sources if not s["available"]]})


CSV_CHARTS = ("activity", "xp", "time", "time-distribution", "performance", "heatmap", "skills", "readiness",
              "interview-dimensions")


def _csv_response(table, filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def chart_csv(request, chart: str):
    if chart not in CSV_CHARTS:
        raise Http404("No such chart.")
    if chart == "readiness":
        return _csv_response(readiness_table(selectors.readiness_view(user=request.user)), "prepforge-readiness.csv")
    key = _range_of(request)
    table = dashboard_tables(selectors.dashboard_get(user=request.user, range_key=key))[chart.replace("-", "_")]
    return _csv_response(table, f"prepforge-{chart}-{key}.csv")


@login_required
@require_http_methods(["GET", "POST"])
def readiness(request):
    if request.method == "POST":
        try:
            if request.POST.get("clear"):
                services.readiness_target_clear(user=request.user)
                messages.success(request, "Target cleared.")
            else:
                services.readiness_target_set(user=request.user, job_id=request.POST.get("job"),
                                              bar=request.POST.get("bar") or 80)
                messages.success(request, "Target saved: readiness is measured for this job from now on.")
        except NotFound:
            messages.error(request, "Choose one of your saved jobs.")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("analytics-readiness")
    view = selectors.readiness_view(user=request.user)
    history = view.history if view else []
    return render(request, "analytics/readiness.html", {
        "view": view, "jobs": list(selectors.target_jobs_of(user=request.user)),
        "table": readiness_table(view),
        "trend_data": json.loads(json.dumps({"days": [d.isoformat() for d, _ in history],
                                             "values": [round(v, 1) for _, v in history],
                                             "bar": view.target.bar if view else None}))})


@login_required
def platform(request):
    if not request.user.is_staff:
        raise Http404("No such page.")
    overview = selectors.platform_overview(days=30)
    return render(request, "analytics/platform.html", {
        "overview": overview,
        "trend_data": {"days": [d.isoformat() for d, *_ in overview.per_day],
                       "active": [a for _, a, _, _ in overview.per_day],
                       "submissions": [s for _, _, s, _ in overview.per_day],
                       "events_days": [d.isoformat() for d, _ in overview.verb_days],
                       **{f"events_{verb.replace('.', '_')}": [counts[verb] for _, counts in overview.verb_days]
                          for verb in selectors.PLATFORM_VERBS}},
        "verbs": [verb.replace(".", " ").replace("_", " ") for verb in selectors.PLATFORM_VERBS],
        "verb_rows": [(d, [counts[v] for v in selectors.PLATFORM_VERBS]) for d, counts in overview.verb_days]})


@login_required
@require_http_methods(["GET", "POST"])
def your_data(request):
    """Ask for a zip of everything PrepForge holds about you; see its progress (the page refreshes
    itself while one is being made) and download it."""
    from .data_export import EXPORT_KEEP_DAYS, data_export_request

    if request.method == "POST":
        try:
            data_export_request(user=request.user)
            messages.success(request, "Your export is being made: you will be notified when it is ready.")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("analytics-your-data")
    exports = selectors.data_exports_of(user=request.user)
    return render(request, "analytics/your_data.html", {
        "exports": exports, "working": any(e.status in ("queued", "running") for e in exports),
        "keep_days": EXPORT_KEEP_DAYS})


@login_required
def export_download(request, export_id: int):
    from core.file_storage import private_file_response

    try:
        export = selectors.data_export_get_for_user(user=request.user, export_id=export_id)
    except NotFound:
        raise Http404("No such export.") from None
    if export.status != "ready" or not export.file:
        raise Http404("This export is not ready.")
    return private_file_response(export.file, download_name=f"prepforge-data-{export.created_at:%Y%m%d}.zip",
                                 content_type="application/zip")
