"""Models of peer mock interviews (imported by interviews/models.py, so they belong to the
interviews app)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel

from ..engine.peer_schedule import PEER_LEVELS, PEER_TOPICS

TOPIC_CHOICES = list(PEER_TOPICS)
LEVEL_CHOICES = list(PEER_LEVELS)


class WeeklyAvailability(BaseModel):
    """A weekly slot on its owner's wall clock: `weekday` at `start_time` in `timezone`. Its
    concrete occurrences (PeerSlot rows) are made for the next PEER_SLOT_HORIZON_DAYS, each from
    its own local date, so they stay at the same local time across DST changes."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_weekly")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday")
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=60)
    timezone = models.CharField(max_length=64)
    topic_mask = models.PositiveIntegerField()
    level = models.CharField(max_length=8, choices=LEVEL_CHOICES)
    language_mask = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta(BaseModel.Meta):
        verbose_name_plural = "weekly availabilities"

    def __str__(self):
        return f"{self.owner_id} weekday {self.weekday} {self.start_time:%H:%M} {self.timezone}"


class SlotStatus(models.TextChoices):
    OPEN = "open", "Open"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PeerSlot(BaseModel):
    """One concrete time someone offers to interview a peer. Only open slots are visible to
    others (and then only time, topics, level, languages and the owner's display name)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_slots")
    weekly = models.ForeignKey(WeeklyAvailability, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, help_text="The owner's time zone when offered.")
    topic_mask = models.PositiveIntegerField()
    level = models.CharField(max_length=8, choices=LEVEL_CHOICES)
    language_mask = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=SlotStatus.choices, default=SlotStatus.OPEN)

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["status", "level", "starts_at"], name="peer_slot_match"),
            models.Index(fields=["owner", "starts_at"], name="peer_slot_owner"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="peer_slot_ends_after_start"),
            # A weekly slot makes one occurrence per start time, however often it is extended.
            models.UniqueConstraint(fields=["weekly", "starts_at"], condition=Q(weekly__isnull=False),
                                    name="peer_slot_once_per_weekly_start"),
        ]

    def __str__(self):
        return f"slot {self.id} of {self.owner_id} at {self.starts_at:%Y-%m-%d %H:%M}Z"


class BookingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


LIVE_BOOKING_STATUSES = (BookingStatus.SCHEDULED, BookingStatus.IN_PROGRESS, BookingStatus.COMPLETED,
                         BookingStatus.NO_SHOW)


class PeerBooking(BaseModel):
    """A booked slot: the slot's owner interviews, the booker is interviewed (and paid `cost`).
    At most one live booking per slot (the constraint backs up the slot's row lock)."""

    slot = models.ForeignKey(PeerSlot, on_delete=models.PROTECT, related_name="bookings")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="peer_bookings_as_interviewer")
    interviewee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="peer_bookings_as_interviewee")
    topic = models.CharField(max_length=20, choices=TOPIC_CHOICES)
    language = models.CharField(max_length=12, blank=True)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.SCHEDULED,
                              db_index=True)
    cost = models.PositiveIntegerField()
    ics_sequence = models.PositiveIntegerField(default=0, help_text="SEQUENCE of its calendar invite.")
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancel = models.BooleanField(default=False)
    no_show_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="peer_no_shows")
    room = models.ForeignKey("collaboration.Room", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="peer_bookings")
    completed_at = models.DateTimeField(null=True, blank=True)
    reminder_day_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_soon_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["interviewer", "starts_at"], name="peer_booking_interviewer"),
            models.Index(fields=["interviewee", "starts_at"], name="peer_booking_interviewee"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status__in=LIVE_BOOKING_STATUSES),
                                    name="peer_booking_one_live_per_slot"),
            models.CheckConstraint(condition=~Q(interviewer=models.F("interviewee")), name="peer_booking_not_self"),
        ]

    def __str__(self):
        return f"booking {self.id}: {self.interviewer_id} interviews {self.interviewee_id}"

    def role_of(self, user) -> str:
        return "interviewer" if user.id == self.interviewer_id else "interviewee"

    def other_of(self, user):
        return self.interviewee if user.id == self.interviewer_id else self.interviewer


class PointsAccount(BaseModel):
    """The denormalised balance of a user's points ledger, changed only together with a new
    PointsEntry under this row's lock, so it always equals the sum of the entries."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="peer_points")
    balance = models.PositiveIntegerField(default=0)

    class Meta(BaseModel.Meta):
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="peer_points_never_negative")]

    def __str__(self):
        return f"{self.user_id}: {self.balance} points"


class PointsReason(models.TextChoices):
    STARTING_GRANT = "starting_grant", "Starting grant"
    BOOKING = "booking", "Booked an interview"
    REFUND = "refund", "Refund of a booking"
    INTERVIEWED = "interviewed", "Interviewed a peer"
    LATE_CANCEL = "late_cancel", "Late cancellation"
    NO_SHOW = "no_show", "No-show"
    ADJUSTMENT = "adjustment", "Adjustment by staff"
    GOOD_FEEDBACK = "good_feedback", "Gave useful feedback"


class PointsEntry(models.Model):
    """Append-only ledger of peer-interview points. (user, reason, source) is unique when a
    source is given: recording the same thing twice (a retried task) changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_points_entries")
    amount = models.IntegerField()
    reason = models.CharField(max_length=16, choices=PointsReason.choices)
    source_type = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=200, blank=True)
    balance_after = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-id",)
        verbose_name_plural = "points entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "reason", "source_type", "source_id"], condition=~Q(source_id=""),
                                    name="peer_points_once_per_source"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.reason} {self.amount:+d}"


class PeerBlock(models.Model):
    """`blocker` never sees `blocked`'s slots and is never matched with them, nor the other way."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="peer_block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="peer_block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class PeerReport(BaseModel):
    """A report about a peer, for moderators (the admin)."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_reports_made")
    reported = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="peer_reports_received")
    booking = models.ForeignKey(PeerBooking, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    reason = models.CharField(max_length=16, choices=[("no_show", "Did not show up"), ("abuse", "Abusive"),
                                                      ("inappropriate", "Inappropriate behaviour"),
                                                      ("spam", "Spam"), ("other", "Other")])
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"report {self.id}: {self.reporter_id} about {self.reported_id}"


class PeerSuspension(BaseModel):
    """A moderator's suspension of a user from peer interviews: while it is in force (not lifted)
    they cannot book or be matched, and nobody sees their slots. Lifting keeps the row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_suspensions")
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta(BaseModel.Meta):
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(lifted_at__isnull=True),
                                               name="peer_suspension_one_in_force")]

    def __str__(self):
        return f"peer suspension of {self.user_id}" + (" (lifted)" if self.lifted_at else "")


class WouldHire(models.TextChoices):
    STRONG_YES = "strong_yes", "Strong yes"
    YES = "yes", "Yes"
    NO = "no", "No"
    STRONG_NO = "strong_no", "Strong no"


class HintsNeeded(models.TextChoices):
    NONE = "none", "None"
    FEW = "few", "A few"
    MANY = "many", "Many"


SCORE_HELP = "1 (weak) ... 5 (excellent)"


class FeedbackHalf(models.IntegerChoices):
    # The booking's interviewer asks in the first half; after the role swap the interviewee does.
    FIRST = 1, "First half"
    SECOND = 2, "Second half"


class PeerFeedback(BaseModel):
    """What the interviewer of one half says about the person they interviewed (the role swap
    makes each interview the other once): one per half of a booking. Its receiver reads it only
    once they have written theirs on the other half, or after PEER_FEEDBACK_REVEAL_AFTER past
    the interview's end (selectors.feedback_received), so nobody answers in kind."""

    booking = models.ForeignKey(PeerBooking, on_delete=models.CASCADE, related_name="feedback")
    half = models.PositiveSmallIntegerField(choices=FeedbackHalf.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_feedback_given")
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="peer_feedback_received")
    problem_solving = models.PositiveSmallIntegerField(help_text=SCORE_HELP)
    communication = models.PositiveSmallIntegerField(help_text=SCORE_HELP)
    code_quality = models.PositiveSmallIntegerField(help_text=SCORE_HELP)
    hints_needed = models.CharField(max_length=8, choices=HintsNeeded.choices)
    would_hire = models.CharField(max_length=10, choices=WouldHire.choices)
    rating = models.PositiveSmallIntegerField(help_text="Overall, " + SCORE_HELP)
    comments = models.TextField(max_length=4000, blank=True)

    class Meta(BaseModel.Meta):
        indexes = [models.Index(fields=["receiver", "created_at"], name="peer_feedback_receiver")]
        constraints = [
            models.UniqueConstraint(fields=["booking", "half"], name="peer_feedback_once_per_half"),
            models.CheckConstraint(condition=~Q(author=models.F("receiver")), name="peer_feedback_not_self"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="peer_feedback_rating_1_5"),
        ]

    def __str__(self):
        return f"feedback on half {self.half} of booking {self.booking_id} by {self.author_id}"
