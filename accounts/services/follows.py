from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ValidationFailed

from ..models import Follow, Notification, NotificationType, Preferences, User
from ..selectors import user_row
from .notifications import notification_send
from .progression import progress_record_event


def _follow_notified_today(*, follower: User, following: User) -> bool:
    """Whether `following` was already told today (their own calendar day) that `follower`
    follows them: unfollowing and following again must not mail them each time."""
    tz = user_row(Preferences, following).tzinfo
    midnight = timezone.localtime(timezone.now(), tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return Notification.objects.filter(
        user=following, type=NotificationType.SOCIAL, data__follower_id=follower.id, created_at__gte=midnight,
    ).exists()


def follow_create(*, follower: User, following: User) -> tuple[Follow, bool]:
    """Follow a user. Following twice changes nothing; the followed user hears of a follower at
    most once a day, however often they unfollow and follow again, and the XP for a follow is
    given once per pair of people. Returns (follow, created)."""
    if follower.id == following.id:
        raise ValidationFailed("You cannot follow yourself.", code="self_follow")
    if not following.is_active:
        raise ValidationFailed("That account is not active.", code="inactive_user")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, following=following)
    except IntegrityError:
        return Follow.objects.get(follower=follower, following=following), False

    with transaction.atomic():
        source = ("accounts.follow", f"{follower.id}-{following.id}")
        progress_record_event(user=follower, event_type="social.followed", source=source)
        progress_record_event(user=following, event_type="social.follower_gained", source=source)
        if not _follow_notified_today(follower=follower, following=following):
            notification_send(
                user=following,
                type=NotificationType.SOCIAL,
                title=f"{follower.display_name} started following you",
                url=f"/u/{follower.username}/",
                data={"follower": follower.username, "follower_id": follower.id},
            )
    return follow, True


@transaction.atomic
def follow_delete(*, follower: User, following: User) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, following=following).delete()
    return bool(deleted)
