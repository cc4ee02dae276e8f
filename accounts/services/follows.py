from django.db import IntegrityError, transaction

from core.exceptions import ValidationFailed

from ..models import Follow, NotificationType, User
from .notifications import notification_send
from .progression import progress_record_event


def follow_create(*, follower: User, following: User) -> tuple[Follow, bool]:
    """Follow a user. Following twice changes nothing and notifies once. Returns (follow, created)."""
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
        source = ("accounts.follow", follow.id)
        progress_record_event(user=follower, event_type="social.followed", source=source)
        progress_record_event(user=following, event_type="social.follower_gained", source=source)
        notification_send(
            user=following,
            type=NotificationType.SOCIAL,
            title=f"{follower.display_name} started following you",
            url=f"/u/{follower.username}/",
            data={"follower": follower.username},
        )
    return follow, True


@transaction.atomic
def follow_delete(*, follower: User, following: User) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, following=following).delete()
    return bool(deleted)
