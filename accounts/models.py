import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor

from core.models import BaseModel


class RowOrDefaultsDescriptor(ReverseOneToOneDescriptor):
    """`user.profile`, `user.preferences`, `user.progress`: the stored row, or when there is none
    yet an unsaved one holding the defaults. Reading never writes; the services that change one
    of these rows create it (accounts.lock_objects), and user_create / signup create all three."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        try:
            return super().__get__(instance, cls)
        except self.RelatedObjectDoesNotExist:
            return self.related.related_model(**{self.related.field.name: instance})


class UserRowField(models.OneToOneField):
    """The one-to-one link of a user's own row, read through RowOrDefaultsDescriptor."""

    related_accessor_class = RowOrDefaultsDescriptor

    def deconstruct(self):
        # A plain OneToOneField to migrations: the column and constraint are the same.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.OneToOneField", args, kwargs


class User(AbstractUser):
    """Logs in with e-mail; the username is the public handle in URLs."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=120, blank=True)

    REQUIRED_FIELDS = ["email"]
    objects = UserManager()

    class Meta:
        ordering = ("username",)

    def __str__(self):
        return self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username



class ExperienceLevel(models.TextChoices):
    STUDENT = "student", "Student"
    JUNIOR = "junior", "Junior (0-2 years)"
    MID = "mid", "Mid-level (2-5 years)"
    SENIOR = "senior", "Senior (5-10 years)"
    STAFF = "staff", "Staff / principal (10+ years)"


github_username_validator = RegexValidator(
    r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$",
    "A GitHub username has letters, digits and single hyphens (at most 39 characters).",
)


def validate_linkedin_url(value: str):
    if value and not value.lower().startswith(("https://www.linkedin.com/", "https://linkedin.com/")):
        raise ValidationError("Use your LinkedIn profile address, https://www.linkedin.com/in/...")


class Profile(BaseModel):
    user = UserRowField(User, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    headline = models.CharField(max_length=140, blank=True)
    bio = models.TextField(max_length=4000, blank=True, help_text="Markdown.")
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    location = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    github_username = models.CharField(max_length=39, blank=True, validators=[github_username_validator])
    linkedin_url = models.URLField(blank=True, validators=[validate_linkedin_url])
    skills = models.JSONField(default=list, blank=True)
    experience_level = models.CharField(max_length=16, choices=ExperienceLevel.choices, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(null=True, blank=True)

    COMPLETENESS_FIELDS = (
        "headline", "bio", "avatar", "location", "website", "github_username", "linkedin_url",
        "skills", "experience_level",
    )

    def __str__(self):
        return f"Profile of {self.user_id}"

    @property
    def completeness(self) -> int:
        filled = sum(1 for name in self.COMPLETENESS_FIELDS if getattr(self, name))
        return round(100 * filled / len(self.COMPLETENESS_FIELDS))

    @property
    def github_url(self) -> str:
        return f"https://github.com/{self.github_username}" if self.github_username else ""


class Theme(models.TextChoices):
    SYSTEM = "system", "Follow my device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


def validate_timezone(value: str):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class NotificationType(models.TextChoices):
    ACHIEVEMENT = "achievement", "Achievement"
    CHALLENGE = "challenge", "Challenge"
    SOCIAL = "social", "Social"
    PEER = "peer", "Peer interviews"
    SYSTEM = "system", "System"


class Preferences(BaseModel):
    user = UserRowField(User, on_delete=models.CASCADE, primary_key=True, related_name="preferences")
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.SYSTEM)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # Which notifications arrive where, per type.
    inapp_achievement = models.BooleanField("in the app: achievements", default=True)
    inapp_challenge = models.BooleanField("in the app: challenges", default=True)
    inapp_social = models.BooleanField("in the app: social", default=True)
    inapp_peer = models.BooleanField("in the app: peer interviews", default=True)
    inapp_system = models.BooleanField("in the app: announcements", default=True)
    email_achievement = models.BooleanField("by e-mail: achievements", default=False)
    email_challenge = models.BooleanField("by e-mail: challenges", default=False)
    email_social = models.BooleanField("by e-mail: social", default=True)
    email_peer = models.BooleanField("by e-mail: peer interviews", default=True)
    email_system = models.BooleanField("by e-mail: announcements", default=True)
    # Privacy.
    public_profile = models.BooleanField(default=True)
    show_stats = models.BooleanField(default=True)
    show_activity = models.BooleanField(default=True)

    class Meta(BaseModel.Meta):
        verbose_name_plural = "preferences"

    def __str__(self):
        return f"Preferences of {self.user_id}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def wants_in_app(self, notification_type: str) -> bool:
        return getattr(self, f"inapp_{notification_type}")

    def wants_email(self, notification_type: str) -> bool:
        return getattr(self, f"email_{notification_type}")


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    following = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["follower", "following"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=models.F("following")), name="no_self_follow"),
        ]

    def __str__(self):
        return f"{self.follower_id} -> {self.following_id}"


class EmailStatus(models.TextChoices):
    NOT_REQUESTED = "none", "Not requested"
    PENDING = "pending", "Pending"
    # Committed before the mail is handed to the SMTP server: a worker that dies after that
    # never sends it again (at most once); the recovery sweep marks it failed if it stays so.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(BaseModel):
    """One notification to one user. The increasing id is what reconnecting clients replay from."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=16, choices=NotificationType.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    email_status = models.CharField(max_length=8, choices=EmailStatus.choices, default=EmailStatus.NOT_REQUESTED)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["user", "in_app", "-id"], name="notification_feed"),
            models.Index(fields=["user", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.type}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Progress(BaseModel):
    """Denormalised totals of the XP ledger and the streak, updated under a row lock."""

    user = UserRowField(User, on_delete=models.CASCADE, primary_key=True, related_name="progress")
    xp_total = models.PositiveIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=1)
    current_streak = models.PositiveIntegerField(default=0)
    longest_streak = models.PositiveIntegerField(default=0)
    last_active_on = models.DateField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        verbose_name_plural = "progress"

    def __str__(self):
        return f"Progress of {self.user_id}"


class XPEvent(models.Model):
    """Append-only ledger of what a user did that counts. Amount may be zero: the row still
    counts toward achievements. (user, reason, source) is unique when a source is given, so that
    recording the same thing twice (a retried task, a double click) changes nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="xp_events")
    reason = models.CharField(max_length=64, db_index=True)
    amount = models.IntegerField(default=0)
    value = models.FloatField(null=True, blank=True, help_text="A score or a duration, for score and time criteria.")
    source_type = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reason", "source_type", "source_id"],
                condition=~Q(source_id=""),
                name="xp_event_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["user", "reason"], name="xp_event_user_reason")]

    def __str__(self):
        return f"{self.user_id} {self.reason} {self.amount:+d}"


class ActivityDay(models.Model):
    """A day (in the user's own calendar) on which the user did something."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activity_days")
    day = models.DateField()

    class Meta:
        ordering = ("-day",)
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="activity_day_once")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class Rarity(models.TextChoices):
    COMMON = "common", "Common"
    UNCOMMON = "uncommon", "Uncommon"
    RARE = "rare", "Rare"
    EPIC = "epic", "Epic"
    LEGENDARY = "legendary", "Legendary"


class CriteriaChoice(models.TextChoices):
    COUNT = "count", "Count of an event"
    STREAK = "streak", "Streak in days"
    SCORE = "score", "Score of one event"
    TIME = "time", "Duration of one event"
    LEVEL = "level", "Level reached"
    SPECIAL = "special", "Special rule"


class Achievement(BaseModel):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    icon = models.CharField(max_length=8, default="🏅")
    category = models.CharField(max_length=32)
    criteria_type = models.CharField(max_length=8, choices=CriteriaChoice.choices)
    event_type = models.CharField(max_length=64, blank=True)
    special_rule = models.CharField(max_length=64, blank=True)
    target = models.PositiveIntegerField(default=1)
    reward_xp = models.PositiveIntegerField(default=0)
    rarity = models.CharField(max_length=10, choices=Rarity.choices, default=Rarity.COMMON)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("sort_order", "code")

    def __str__(self):
        return self.name


class UserAchievement(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="achievements")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="unlocks")
    unlocked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-unlocked_at",)
        constraints = [models.UniqueConstraint(fields=["user", "achievement"], name="achievement_once")]

    def __str__(self):
        return f"{self.user_id} unlocked {self.achievement_id}"
