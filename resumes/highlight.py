"""A job's terms marked in two texts, for the side-by-side view: where the resume has each term
the job asks for and where it lacks it. No Django in here."""

from dataclasses import dataclass

from .ontology import SkillMatcher, default_matcher

MATCHED, MISSING = "matched", "missing"


@dataclass(frozen=True)
class Segment:
    text: str
    skill_id: str = ""
    state: str = ""  # "" for plain text, else MATCHED or MISSING


@dataclass(frozen=True)
class Term:
    skill_id: str
    name: str
    state: str
    in_job: int  # times the job text names it
    in_resume: int  # times the resume text names it
    shown: str = ""  # how the resume shows it, when the analysis says ("used in a role", "listed", ...)


def mark_terms(text: str, states: dict[str, str], matcher: SkillMatcher | None = None) -> list[Segment]:
    """`text` cut into plain runs and the mentions of the skills in `states` (skill id -> state),
    in order; joined back together, the segments are `text` exactly."""
    matcher = matcher or default_matcher()
    segments: list[Segment] = []
    position = 0
    for mention in matcher.find(text):
        if mention.skill_id not in states or mention.start < position:
            continue
        end = mention.start + len(mention.matched)
        if mention.start > position:
            segments.append(Segment(text[position:mention.start]))
        segments.append(Segment(text[mention.start:end], mention.skill_id, states[mention.skill_id]))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def segments_from_spans(text: str, marks: list[tuple[int, int, str, str]]) -> list[Segment]:
    """`text` cut at the given (start, end, skill id, state) spans, as the analysis found them.
    Spans outside the text, empty or overlapping an earlier one are left out: a stored result
    may come from another version of the engine."""
    segments: list[Segment] = []
    position = 0
    for start, end, skill_id, state in sorted(marks):
        if not (position <= start < end <= len(text)):
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], skill_id, state))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def term_table(job_segments: list[Segment], resume_segments: list[Segment], states: dict[str, str],
               names: dict[str, str], shown: dict[str, str] | None = None) -> list[Term]:
    """One row per term: missing ones first (what to add), then by how often the job names them."""
    def counts(segments):
        found: dict[str, int] = {}
        for segment in segments:
            if segment.skill_id:
                found[segment.skill_id] = found.get(segment.skill_id, 0) + 1
        return found

    in_job, in_resume = counts(job_segments), counts(resume_segments)
    shown = shown or {}
    terms = [Term(skill_id, names.get(skill_id, skill_id), state, in_job.get(skill_id, 0), in_resume.get(skill_id, 0),
                  shown.get(skill_id, "")) for skill_id, state in states.items()]
    return sorted(terms, key=lambda t: (t.state != MISSING, -t.in_job, t.name.lower()))
