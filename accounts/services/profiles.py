import uuid

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, UnidentifiedImageError

from core.exceptions import ApplicationError, Conflict, ValidationFailed
from core.file_storage import files_kept_only_with_their_rows
from core.limited_child import ChildBusy, ChildLimits, ChildTimeout, run_limited_child

from ..lock_objects import lock_preferences_for_update, lock_profile_for_update
from ..models import Preferences, Profile, Progress, User

PROFILE_FIELDS = (
    "headline", "bio", "location", "website", "github_username", "linkedin_url", "skills",
    "experience_level", "years_of_experience",
)
USER_FIELDS = ("name",)
PREFERENCE_FIELDS = tuple(
    f.name for f in Preferences._meta.get_fields() if f.concrete and f.name not in {"user", "created_at", "updated_at"}
)
MAX_SKILLS = 50
AVATAR_SIZE = 256
AVATAR_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def _clean_or_raise(instance, fields) -> None:
    try:
        instance.full_clean(exclude=[f.name for f in instance._meta.fields if f.name not in fields])
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict)


def normalise_skills(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, (list, tuple)):
        raise ValidationFailed(details={"skills": ["Give skills as a list of names."]})
    seen, skills = set(), []
    for item in raw:
        if not isinstance(item, str):
            raise ValidationFailed(details={"skills": ["Each skill is a name."]})
        name = " ".join(item.split())[:60]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            skills.append(name)
    if len(skills) > MAX_SKILLS:
        raise ValidationFailed(details={"skills": [f"At most {MAX_SKILLS} skills."]})
    return skills


@transaction.atomic
def user_defaults_create(*, user: User) -> None:
    """Create the rows every user starts with (profile, preferences, progress); idempotent.
    Called where users are made: user_create, signup (accounts.adapters), the admin. Readers
    cope with a missing row anyway (accounts.models.RowOrDefaultsDescriptor)."""
    for model in (Profile, Preferences, Progress):
        model.objects.get_or_create(user=user)


@transaction.atomic
def user_create(*, email: str, username: str, password: str | None, name: str = "",
                is_staff: bool = False, email_verified: bool = False) -> User:
    """Create a user with profile, preferences and progress. Used by staff tools and seeding;
    people sign up through allauth, whose adapter creates the same rows."""
    from allauth.account.models import EmailAddress

    user = User(email=User.objects.normalize_email(email).lower(), username=username, name=name,
                is_staff=is_staff)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(details={"password": exc.messages})
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationFailed(details=exc.message_dict)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict("That e-mail or username is taken.", code="user_exists")
    user_defaults_create(user=user)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def profile_update(*, user: User, data: dict) -> Profile:
    """Update the profile fields present in `data` (and the user's display name); all or nothing."""
    unknown = set(data) - set(PROFILE_FIELDS) - set(USER_FIELDS)
    if unknown:
        raise ValidationFailed(details={name: ["Unknown field."] for name in sorted(unknown)})
    profile = lock_profile_for_update(user)
    profile_changes = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    if "skills" in profile_changes:
        profile_changes["skills"] = normalise_skills(profile_changes["skills"])
    for name, value in profile_changes.items():
        setattr(profile, name, "" if value is None and name != "years_of_experience" else value)
    _clean_or_raise(profile, profile_changes)
    if "name" in data:
        user.name = (data["name"] or "").strip()
        _clean_or_raise(user, {"name"})
        user.save(update_fields=["name"])
    profile.save()
    _record_profile_progress(user)
    return profile


def _record_profile_progress(user: User) -> None:
    from .progression import achievements_evaluate

    achievements_evaluate(user=user, event_type="profile.updated")


class AvatarDecodersBusy(ApplicationError):
    code = "busy"
    status_code = 503
    default_message = "Too many images are being processed right now. Try again in a moment."


def _avatar_header(upload) -> Image.Image:
    """Size and type from the image's header only: Pillow opens lazily and decodes nothing here."""
    size = getattr(upload, "size", None)
    if size is None or size > settings.AVATAR_MAX_BYTES:
        limit_mb = settings.AVATAR_MAX_BYTES / (1024 * 1024)
        raise ValidationFailed(details={"avatar": [f"The image must be at most {limit_mb:g} MB."]},
                               code="avatar_too_large")
    try:
        upload.seek(0)
        probe = Image.open(upload)
        if probe.format not in AVATAR_FORMATS:  # content decides, not the file name or declared type
            raise UnidentifiedImageError
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image()
    if probe.width * probe.height > settings.AVATAR_MAX_PIXELS:
        raise _too_many_pixels(probe.width, probe.height)
    return probe


def _not_an_image() -> ValidationFailed:
    return ValidationFailed(details={"avatar": ["Upload a PNG, JPEG, GIF or WebP image."]}, code="avatar_not_image")


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationFailed:
    limit = settings.AVATAR_MAX_PIXELS / 1_000_000
    found = f"This image is {width} × {height} pixels; " if width else "This image has too many pixels; "
    return ValidationFailed(
        details={"avatar": [f"{found}the largest we take is {limit:g} megapixels. Scale it down and upload it again."]},
        code="avatar_too_many_pixels")


def _avatar_png_in_child(data: bytes) -> bytes:
    """Decode, crop and re-encode in accounts.avatar_worker, in the limited child process
    (core.limited_child: CPU and memory limits, at most AVATAR_DECODE_CONCURRENCY at once on this
    machine)."""
    limits = ChildLimits(seconds=settings.AVATAR_DECODE_SECONDS, memory_bytes=settings.AVATAR_DECODE_MEMORY,
                         concurrency=settings.AVATAR_DECODE_CONCURRENCY, lock_dir=settings.AVATAR_DECODE_LOCK_DIR,
                         queue_seconds=settings.AVATAR_DECODE_QUEUE_SECONDS)
    try:
        finished = run_limited_child("accounts.avatar_worker", [str(AVATAR_SIZE), str(settings.AVATAR_MAX_PIXELS)],
                                     stdin=data, limits=limits)
    except ChildBusy:
        raise AvatarDecodersBusy()
    except ChildTimeout:
        raise _unprocessable()
    if finished.returncode == 2:
        raise _too_many_pixels() if finished.stdout == b"too_many_pixels" else _not_an_image()
    if finished.returncode != 0 or not finished.stdout.startswith(b"\x89PNG"):
        raise _unprocessable()  # stopped at its memory or CPU limit
    return finished.stdout


def _unprocessable() -> ValidationFailed:
    return ValidationFailed(
        details={"avatar": ["This image could not be processed (it may be damaged or too complex). Try a smaller one."]},
        code="avatar_unprocessable")


@files_kept_only_with_their_rows
def profile_avatar_set(*, user: User, upload) -> Profile:
    """Store a square, re-encoded PNG of the uploaded image. Re-encoding drops metadata (EXIF
    location) and anything hidden after the image data. Too many pixels are refused from the
    header, before anything is decoded; decoding happens in a limited child process."""
    _avatar_header(upload)
    upload.seek(0)
    png = _avatar_png_in_child(upload.read())

    with transaction.atomic():
        profile = lock_profile_for_update(user)
        old_name = profile.avatar.name if profile.avatar else ""
        profile.avatar.save(f"{user.id}-{uuid.uuid4().hex[:12]}.png", ContentFile(png), save=False)
        profile.save(update_fields=["avatar", "updated_at"])
        if old_name:
            storage = profile.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        _record_profile_progress(user)
    return profile


@transaction.atomic
def preferences_update(*, user: User, data: dict) -> Preferences:
    unknown = set(data) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationFailed(details={name: ["Unknown field."] for name in sorted(unknown)})
    prefs = lock_preferences_for_update(user)
    for name, value in data.items():
        setattr(prefs, name, value)
    _clean_or_raise(prefs, data)
    prefs.save()
    user.preferences = prefs  # keep the caller's user object in step
    return prefs
