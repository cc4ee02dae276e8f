from django.conf import settings
from django.db import models

from core.file_storage import private_storage_for_field, unguessable_name
from core.models import BaseModel


class DailyActivity(models.Model):
    """One user's day (in their own time zone), filled by the daily aggregation (services.
    daily_activity_aggregate). A day without a row had no activity: readers treat it as zero."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_activity")
    day = models.DateField()
    submissions = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0, help_text="Challenges solved for the first time that day.")
    score_sum = models.FloatField(default=0, help_text="Sum of judged submissions' percent.")
    time_spent_seconds = models.PositiveIntegerField(default=0)
    xp = models.IntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("user", "day")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="daily_activity_once")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class DailyTypeActivity(models.Model):
    """One user's judged submissions to challenges of one type on one of their days, filled by the
    same daily aggregation as DailyActivity. The dashboard's totals, performance by type and time
    distribution are summed from these rows in SQL (plus today's submissions, read live) instead
    of a year of raw submissions. The solves_* columns follow analytics.engine.TIME_BUCKETS
    (SOLVE_BUCKET_FIELDS; change both together, then re-run `manage.py analytics_backfill`).
    Distinct challenges do not add up across days: ChallengeDays holds those."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_type_activity")
    day = models.DateField()
    challenge_type = models.CharField(max_length=8)
    submissions = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    percent_sum = models.FloatField(default=0)
    percent_best = models.FloatField(default=0)
    percent_worst = models.FloatField(default=0)
    seconds_sum = models.PositiveBigIntegerField(default=0)
    # Accepted submissions by how long they took, one column per TIME_BUCKETS bucket (summed in SQL).
    solves_under_5_min = models.PositiveIntegerField(default=0)
    solves_5_to_15_min = models.PositiveIntegerField(default=0)
    solves_15_to_30_min = models.PositiveIntegerField(default=0)
    solves_30_to_60_min = models.PositiveIntegerField(default=0)
    solves_1_to_2_h = models.PositiveIntegerField(default=0)
    solves_over_2_h = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("user", "day", "challenge_type")
        constraints = [models.UniqueConstraint(fields=["user", "day", "challenge_type"], name="daily_type_once")]

    def __str__(self):
        return f"{self.user_id} {self.day} {self.challenge_type}"


SOLVE_BUCKET_FIELDS = ("solves_under_5_min", "solves_5_to_15_min", "solves_15_to_30_min", "solves_30_to_60_min",
                       "solves_1_to_2_h", "solves_over_2_h")


class ChallengeDays(models.Model):
    """The last of a user's days with a judged submission to a challenge, and with an accepted one:
    "challenges tried (solved) in the range" is the count of rows whose day is in it. Kept by the
    daily aggregation, only ever moving forward (re-running an older day leaves a later one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_days")
    challenge = models.ForeignKey("challenges.Challenge", on_delete=models.CASCADE, related_name="+")
    challenge_type = models.CharField(max_length=8)
    last_judged_day = models.DateField()
    last_accepted_day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("user", "challenge")
        constraints = [models.UniqueConstraint(fields=["user", "challenge"], name="challenge_days_once")]

    def __str__(self):
        return f"{self.user_id} {self.challenge_id} {self.last_judged_day}"


class ReadinessTarget(BaseModel):
    """The job a user is preparing for (one at a time) and the bar they want to reach."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_target")
    job = models.ForeignKey("resumes.JobDescription", on_delete=models.CASCADE, related_name="readiness_targets")
    bar = models.PositiveSmallIntegerField(default=80)

    def __str__(self):
        return f"{self.user_id} → {self.job_id}"


class ReadinessSnapshot(models.Model):
    """Readiness for one job on one day (the user's day), for the trend line. `parts` keeps the
    figure's parts so that each point can be explained later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_snapshots")
    job = models.ForeignKey("resumes.JobDescription", on_delete=models.CASCADE, related_name="readiness_snapshots")
    day = models.DateField()
    value = models.FloatField()
    parts = models.JSONField(default=list)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("job", "day")
        constraints = [models.UniqueConstraint(fields=["user", "job", "day"], name="readiness_snapshot_once")]

    def __str__(self):
        return f"{self.user_id} {self.job_id} {self.day}: {self.value:.0f}"


class WeeklySummary(BaseModel):
    """The weekly summary sent to one user for one week: its row makes the send happen once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summaries")
    week_start = models.DateField(help_text="The Monday of the week, in the user's time zone.")
    body = models.TextField(blank=True)

    class Meta:
        ordering = ("-week_start",)
        constraints = [models.UniqueConstraint(fields=["user", "week_start"], name="weekly_summary_once")]

    def __str__(self):
        return f"{self.user_id} {self.week_start}"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Analytics events are append-only.")

    def anonymise_actor(self, *, user_id: int, token: str) -> int:
        """The one rewrite the log allows: an account being deleted loses its name on its events
        (they keep counting in the aggregates under an opaque token). analytics.event_log only."""
        return models.QuerySet.update(self.filter(actor_id=user_id), actor=None, anonymous_actor=token)


class Event(models.Model):
    """One thing that happened, written by the other apps' services on commit through
    analytics.event_log.event_record: who (actor), did what (verb), to what (object), how much
    (value), when. Append-only like core's AuditEvent: save refuses an existing row and the
    queryset refuses update(); the daily totals are computed from these rows."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="analytics_events")
    # Set instead of actor once the account is deleted, so distinct-actor counts stay true.
    anonymous_actor = models.CharField(max_length=32, blank=True, default="")
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    value = models.FloatField(default=0)
    occurred_at = models.DateTimeField()
    day = models.DateField(help_text="The actor's local day when it happened (UTC without an actor).")

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["day", "verb"], name="analytics_event_day_verb"),
                   models.Index(fields=["actor", "day"], name="analytics_event_actor_day")]

    def __str__(self):
        return f"{self.actor_id or self.anonymous_actor or '-'} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Analytics events are append-only.")
        super().save(*args, **kwargs)


class DailyVerbTotal(models.Model):
    """The platform's events of one verb on one day (analytics.event_log.event_totals_aggregate).
    A day without a row had none of that verb: readers treat it as zero."""

    day = models.DateField()
    verb = models.CharField(max_length=64)
    events = models.PositiveIntegerField(default=0)
    actors = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0)

    class Meta:
        ordering = ("day", "verb")
        constraints = [models.UniqueConstraint(fields=["day", "verb"], name="daily_verb_total_once")]

    def __str__(self):
        return f"{self.day} {self.verb}: {self.events}"


class DailyPlatformActivity(models.Model):
    """The platform's whole day (analytics.event_log.event_totals_aggregate): how many distinct
    actors did anything recorded, and how many events. Kept apart from DailyVerbTotal because
    distinct actors do not add up across verbs. No user key: a deleted account's day stays."""

    day = models.DateField(unique=True)
    actors = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("day",)

    def __str__(self):
        return f"{self.day}: {self.actors} active"


class DailyUserVerbTotal(models.Model):
    """One user's events of one verb on one of their days (the same aggregation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_verb_totals")
    day = models.DateField()
    verb = models.CharField(max_length=64)
    events = models.PositiveIntegerField(default=0)
    value_sum = models.FloatField(default=0)

    class Meta:
        ordering = ("user", "day", "verb")
        constraints = [models.UniqueConstraint(fields=["user", "day", "verb"], name="daily_user_verb_total_once")]

    def __str__(self):
        return f"{self.user_id} {self.day} {self.verb}: {self.events}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def _export_file_name(instance, filename):
    return unguessable_name("exports", filename)


class DataExport(BaseModel):
    """A download of everything PrepForge holds about one user, made by a Celery job
    (analytics.data_export). The zip lives in private storage, served only to its owner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the tables written.")
    file = models.FileField(upload_to=_export_file_name, storage=private_storage_for_field,
                            blank=True, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        indexes = [models.Index(fields=["user", "-created_at"], name="data_export_user_recent")]

    def __str__(self):
        return f"export {self.pk} of {self.user_id}: {self.status}"
