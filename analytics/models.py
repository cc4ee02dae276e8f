from django.conf import settings
from django.db import models

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
