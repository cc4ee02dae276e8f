"""Peer mock interviews, the rules with no Django inside: weekly slots in a user's own time zone
(DST-safe), overlap checks, topic and language sets as bit masks for indexed-friendly matching,
ranking for automatic matching, and what a cancellation costs whom."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PEER_TOPICS: tuple[tuple[str, str], ...] = (
    ("data_structures", "Data structures"),
    ("algorithms", "Algorithms"),
    ("system_design", "System design"),
    ("behavioral", "Behavioral"),
    ("frontend", "Frontend"),
    ("backend", "Backend"),
    ("databases", "Databases"),
    ("machine_learning", "Machine learning"),
)
PEER_LEVELS: tuple[tuple[str, str], ...] = (
    ("junior", "Junior"),
    ("mid", "Mid-level"),
    ("senior", "Senior"),
)
PEER_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("typescript", "TypeScript"),
    ("java", "Java"),
    ("cpp", "C++"),
    ("go", "Go"),
    ("csharp", "C#"),
    ("english", "Spoken: English"),
)
TOPIC_KEYS = tuple(key for key, _ in PEER_TOPICS)
LEVEL_KEYS = tuple(key for key, _ in PEER_LEVELS)
LANGUAGE_KEYS = tuple(key for key, _ in PEER_LANGUAGES)

MIN_SLOT_MINUTES = 30
MAX_SLOT_MINUTES = 120


class ScheduleError(ValueError):
    """An availability or booking rule said no; `code` is stable for clients."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code
        self.message = message


def mask_of(keys: Iterable[str], known: Sequence[str], *, what: str) -> int:
    """The bit mask of a set of keys (bit i = known[i]); an unknown key is an error."""
    mask = 0
    for key in keys:
        if key not in known:
            raise ScheduleError(f"Unknown {what} {key!r}; choose from {', '.join(known)}.", code=f"invalid_{what}")
        mask |= 1 << known.index(key)
    return mask


def keys_of(mask: int, known: Sequence[str]) -> list[str]:
    return [key for i, key in enumerate(known) if mask & (1 << i)]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{name!r} is not a known time zone.", code="invalid_timezone") from None


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant `at` on `day` means on a wall clock in `tz`. A time the clocks skip (spring
    forward) moves forward by the gap, as calendars do; a repeated one (fall back) is the first."""
    # fold=0 reads a skipped wall time with the offset in force before the gap, which lands on
    # the wall time shifted forward by the gap; a repeated one is read as its first occurrence.
    return datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def half_time(starts_at: datetime, ends_at: datetime) -> datetime:
    """When a peer interview's roles swap on their own: each person interviews for half of it."""
    return starts_at + (ends_at - starts_at) / 2


def feedback_half_over(half: int, *, starts_at: datetime, ends_at: datetime, now: datetime, swaps: int,
                       room_closed: bool, completed: bool) -> bool:
    """Whether the interviewer of `half` (1: the booking's interviewer, 2: after the role swap,
    the interviewee) can rate it yet: once it is over. The first half ends with the swap (or at
    half time, when the swap is due anyway); the second with the interview (its end, the room
    closed, or the booking confirmed)."""
    if completed or room_closed or now >= ends_at:
        return True
    return half == 1 and (swaps >= 1 or now >= half_time(starts_at, ends_at))


def weekly_occurrences(*, weekday: int, start: time, minutes: int, tz_name: str,
                       window_start: datetime, window_end: datetime) -> list[tuple[datetime, datetime]]:
    """Start and end (UTC) of every occurrence of a weekly slot (`weekday` 0 = Monday, `start`
    on the owner's wall clock in `tz_name`) that starts within [window_start, window_end).
    Each occurrence is computed from its own local date, so 09:00 stays 09:00 local across a
    DST change (its UTC time moves by the change)."""
    if not 0 <= weekday <= 6:
        raise ScheduleError("The weekday is 0 (Monday) to 6 (Sunday).", code="invalid_weekday")
    check_minutes(minutes)
    tz = zone(tz_name)
    day = window_start.astimezone(tz).date() - timedelta(days=1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    found = []
    while True:
        begins = local_to_utc(day, start, tz)
        if begins >= window_end:
            break
        if begins >= window_start:
            found.append((begins, begins + timedelta(minutes=minutes)))
        day += timedelta(days=7)
    return found


def check_minutes(minutes: int) -> None:
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise ScheduleError(f"A slot lasts {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes.", code="invalid_duration")


def overlapping(candidate: tuple[datetime, datetime],
                taken: Iterable[tuple[datetime, datetime]]) -> tuple[datetime, datetime] | None:
    """The first interval of `taken` that shares time with `candidate` (touching ends do not)."""
    begins, ends = candidate
    for other in taken:
        if other[0] < ends and begins < other[1]:
            return other
    return None


@dataclass(frozen=True)
class SlotCandidate:
    slot_id: int
    starts_at: datetime
    level: str
    language_mask: int


def rank_for_match(candidates: Iterable[SlotCandidate], *, level: str, language_mask: int) -> list[int]:
    """Slot ids best first for an automatic match: the wanted level before others, then more
    shared languages, then the earliest start (the sooner you practise the better), then id."""
    def key(c: SlotCandidate):
        shared = bin(c.language_mask & language_mask).count("1") if language_mask else 0
        return (c.level != level, -shared, c.starts_at, c.slot_id)

    return [c.slot_id for c in sorted(candidates, key=key)]


@dataclass(frozen=True)
class CancellationOutcome:
    late: bool
    refund_to_interviewee: int
    penalty_to_interviewer: int


def cancellation_outcome(*, by_interviewer: bool, starts_at: datetime, now: datetime, late_window: timedelta,
                         cost: int, late_penalty: int) -> CancellationOutcome:
    """What a cancellation moves. Cancelling after the start is refused (that is a no-show).
    The interviewee's own cancellation refunds the cost unless it is late (within `late_window`
    of the start); the interviewer's always refunds the interviewee, and a late one costs the
    interviewer `late_penalty` points."""
    if now >= starts_at:
        raise ScheduleError("This interview has already started; it can no longer be cancelled.",
                            code="already_started")
    late = starts_at - now < late_window
    if by_interviewer:
        return CancellationOutcome(late=late, refund_to_interviewee=cost,
                                   penalty_to_interviewer=late_penalty if late else 0)
    return CancellationOutcome(late=late, refund_to_interviewee=0 if late else cost, penalty_to_interviewer=0)
