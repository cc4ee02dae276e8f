"""The registry of evidence sources that readiness (and the dashboard) are built from.

Each source belongs to one app and is read only through that app's selectors. A source whose app
has not landed, or whose app does not offer the selector yet, is "not available": the readiness
figure leaves it out of its sums and the pages say it is not available yet, never a zero.

Built in (computed in analytics.selectors from the resumes and challenges selectors):
    resume_match      resumes:    the latest ATS check of the user's resume against the job
    challenge_skills  challenges: the job's skills shown by solved challenges (skill levels)

Plugged in later, by the app adding one selector to its selectors.py:
    interview_dimensions  interviews: ``readiness_evidence(*, user, job, until=None)``
    peer_feedback         interviews: ``peer_feedback_evidence(*, user, job, until=None)``, for now
                          in analytics.peer_feedback (reading interviews.peer's selectors)
    community_stats       community:  ``dashboard_evidence(*, user, since)``

A readiness selector returns ``{"score": float 0..1 or None, "explanation": str,
"evidence": [str, ...]}``: ``score`` None means the app is here but the user has no evidence for
this job yet (the part counts as 0 and the plan can say how to get some). To add a source: append
an EvidenceSource below with its weight; the weights of the parts present are renormalised, so a
new source changes the figure only for the users it has evidence about (and the page says so)."""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.apps import apps

from .engine import MEASURED, NO_DATA, NOT_AVAILABLE, Part


@dataclass(frozen=True)
class EvidenceSource:
    key: str
    label: str
    app: str
    selector: str  # the function in <app>.selectors; "" for the built-in sources
    weight: float
    used_for: str  # "readiness" | "dashboard"
    absent_note: str = ""
    module: str = ""  # where the selector lives when not in <app>.selectors

    def reader(self):
        """The app's selector, or None while the app (or the selector) is not here yet."""
        if not apps.is_installed(self.app):
            return None
        if not self.selector:
            return True
        try:
            module = import_module(self.module or f"{self.app}.selectors")
        except ImportError:
            return None
        return getattr(module, self.selector, None)

    @property
    def available(self) -> bool:
        return self.reader() is not None


SOURCES: tuple[EvidenceSource, ...] = (
    EvidenceSource("resume_match", "Resume match (ATS) for this job", "resumes", "", 0.4, "readiness"),
    EvidenceSource("challenge_skills", "Skills shown by solved challenges", "challenges", "", 0.6, "readiness"),
    EvidenceSource("interview_dimensions", "Interview answers for this role family", "interviews",
                   "readiness_evidence", 0.3, "readiness",
                   "AI interview scores per dimension will count here once interviews land."),
    EvidenceSource("peer_feedback", "Peer mock-interview feedback", "interviews", "peer_feedback_evidence", 0.15,
                   "readiness", "Ratings from peer mock interviews will count here once they land.",
                   module="analytics.peer_feedback"),
    EvidenceSource("community_stats", "Community contributions", "community", "dashboard_evidence", 0.0,
                   "dashboard", "Posts, answers and templates will show here once the community lands."),
)


def source(key: str) -> EvidenceSource:
    return next(s for s in SOURCES if s.key == key)


def plugged_parts(*, user, job, until: datetime | None = None) -> tuple[Part, ...]:
    """The readiness parts of the plug-in sources: read from their apps, or not available."""
    parts = []
    for item in SOURCES:
        if item.used_for != "readiness" or not item.selector:
            continue
        reader = item.reader()
        if reader is None:
            parts.append(Part(item.key, item.label, item.weight, NOT_AVAILABLE, None,
                              f"Not available yet. {item.absent_note}".strip()))
            continue
        found = reader(user=user, job=job, until=until) or {}
        score = found.get("score")
        parts.append(Part(item.key, item.label, item.weight, NO_DATA if score is None else MEASURED,
                          0.0 if score is None else max(0.0, min(1.0, float(score))),
                          str(found.get("explanation", "")), tuple(str(e) for e in found.get("evidence", []))))
    return tuple(parts)


def dashboard_sources() -> list[dict]:
    """What the dashboard cannot show yet, and why (for the "not available yet" notes)."""
    return [{"key": s.key, "label": s.label, "available": s.available, "note": s.absent_note}
            for s in SOURCES if s.selector]
