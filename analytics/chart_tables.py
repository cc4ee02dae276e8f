"""Each chart's numbers as one table (headers, rows): the page shows it beside the chart for
screen readers and the CSV export writes exactly the same rows."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartTable:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple]


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def dashboard_tables(board) -> dict[str, ChartTable]:
    s = board.series
    return {
        "activity": ChartTable("activity", "Activity per day", ("day", "submissions", "challenges solved"),
                               [(d.isoformat(), int(a), int(b)) for d, a, b in zip(s.days, s.submissions, s.solved,
                                                                                   strict=True)]),
        "xp": ChartTable("xp", "XP over time", ("day", "XP that day", "XP in the range so far"),
                         _cumulative(s.days, s.xp)),
        "time": ChartTable("time", "Time spent per day", ("day", "minutes"),
                           [(d.isoformat(), _minutes(t)) for d, t in zip(s.days, s.time_spent_seconds, strict=True)]),
        "time_distribution": ChartTable("time-distribution", "How long solves take", ("duration", "solves"),
                                        [(label, count) for label, count in board.time_distribution]),
        "performance": ChartTable(
            "performance", "Performance by challenge type",
            ("type", "submissions", "completed", "average score", "best score", "worst score", "average minutes"),
            [(p["type"], p["submissions"], p["completed"], p["average_percent"], p["best_percent"],
              p["worst_percent"], _minutes(p["average_seconds"])) for p in board.performance]),
        "heatmap": ChartTable("heatmap", "Activity over the year", ("day", "submissions and solves"),
                              [(d.isoformat(), c) for d, c in board.heatmap]),
        "skills": ChartTable("skills", "Skill progress", ("skill", "level", "points", "what moved it"),
                             [(k.name, k.level, k.points, "; ".join(e.label for e in k.evidence))
                              for k in board.skills]),
        "interview_dimensions": _interview_table(board),
    }


def _interview_table(board) -> ChartTable:
    from .selectors import interview_dimension_names

    names = interview_dimension_names()
    return ChartTable("interview-dimensions", "Interview dimensions over time", ("finished", "interview",
                      *names, "overall"),
                      [(row["at"].strftime("%Y-%m-%d %H:%M"), row["title"], *(row.get(n) for n in names),
                        row["overall"]) for row in board.interview_dimensions])


def _cumulative(days, values) -> list[tuple]:
    total, rows = 0.0, []
    for day, value in zip(days, values, strict=True):
        total += value
        rows.append((day.isoformat(), int(value), int(total)))
    return rows


def readiness_table(view) -> ChartTable:
    return ChartTable("readiness", "Readiness over time", ("day", "readiness"),
                      [(d.isoformat(), round(v, 1)) for d, v in view.history] if view else [])
