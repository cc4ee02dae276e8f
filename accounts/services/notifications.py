import logging
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import audit_record
from core.exceptions import NotFound, ValidationFailed
from core.realtime import publish_on_commit, user_group
from core.recovery import requeue_lost
from core.smtp_handover import HandoverPoint, HandoverRefused, send_with_handover

from ..lock_objects import lock_notification_for_update
from ..models import EmailStatus, Notification, NotificationType, Preferences, User

logger = logging.getLogger(__name__)


def notification_to_dict(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "type": notification.type,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "data": notification.data,
        "read": notification.read_at is not None,
        "created_at": notification.created_at.isoformat(),
    }


def _fresh_preferences(user: User) -> Preferences:
    from ..selectors import user_row

    return user_row(Preferences, user)


def _unread_count(user_id: int) -> int:
    from ..selectors import notification_unread_count

    return notification_unread_count(user_id=user_id)


def _publish_unread_count(user_id: int, event_type: str, **extra) -> None:
    publish_on_commit(
        user_group(user_id),
        lambda: {"type": event_type, **extra, "unread_count": _unread_count(user_id)},
    )


@transaction.atomic
def notification_send(
    *,
    user: User,
    type: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict | None = None,
    expires_at=None,
) -> Notification | None:
    """Notify `user` the ways their preferences ask for.

    In the app: stored, pushed live to every open connection after commit with the new unread
    count. By e-mail: a Celery task is enqueued after commit. When the user wants neither,
    nothing is stored and None is returned."""
    if type not in NotificationType.values:
        raise ValidationFailed(f"Unknown notification type {type!r}.", code="invalid_type")
    if not title.strip():
        raise ValidationFailed("A notification needs a title.", code="title_required")
    prefs = _fresh_preferences(user)  # the user object may be stale
    in_app = prefs.wants_in_app(type)
    by_email = prefs.wants_email(type) and bool(user.email)
    if not (in_app or by_email):
        return None

    notification = Notification.objects.create(
        user=user,
        type=type,
        title=title[:200],
        body=body[:2000],
        url=url,
        data=data or {},
        in_app=in_app,
        expires_at=expires_at or (timezone.now() + settings.NOTIFICATION_TTL),
        email_status=EmailStatus.PENDING if by_email else EmailStatus.NOT_REQUESTED,
    )
    if in_app:
        payload = notification_to_dict(notification)
        _publish_unread_count(user.id, "notification.created", notification=payload)
    if by_email:
        from ..tasks import notification_email_send

        transaction.on_commit(lambda: notification_email_send.delay(notification.id), robust=True)
    return notification


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send the e-mail of one notification exactly once where SMTP allows it, never twice.
    Returns whether a mail went out.

    "sending" is committed first (a claim; its updated_at is the claim's token). Just before the
    SMTP end-of-data mark (core.smtp_handover), the moment after which the server may have the
    mail, `email_sent_at` is set, only if the claim still holds. A worker killed before that
    mark leaves a claim the recovery sweep hands to the next worker (the server discarded the
    unfinished transaction); one killed after it leaves a mail that may have arrived, which is
    never sent again. A send that fails before the mark goes back to "pending" for the retry."""
    with transaction.atomic():
        notification = lock_notification_for_update(notification_id)
        if notification is None or notification.email_status != EmailStatus.PENDING:
            return False
        notification.email_status = EmailStatus.SENDING
        notification.email_sent_at = None
        notification.save(update_fields=["email_status", "email_sent_at", "updated_at"])
    claim = Notification.objects.filter(id=notification_id, email_status=EmailStatus.SENDING,
                                        updated_at=notification.updated_at, email_sent_at__isnull=True)

    def hand_over() -> bool:
        # A claim the sweep took back (this worker looked dead) is not ours any more.
        return claim.update(email_sent_at=timezone.now()) == 1

    context = {"notification": notification, "user": notification.user, "site_url": settings.SITE_URL}
    # The text part is rendered with autoescape off (it is not HTML); the HTML part escapes.
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.title}",
        body=render_to_string("accounts/email/notification.txt", context).strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.user.email],
        connection=get_connection(fail_silently=False))
    message.attach_alternative(render_to_string("accounts/email/notification.html", context), "text/html")
    calendar_invite = (notification.data or {}).get("attachment_ics")
    if calendar_invite:  # a calendar invite (peer interviews) travels as an .ics attachment
        method = "CANCEL" if "METHOD:CANCEL" in calendar_invite else "REQUEST"
        message.attach("invite.ics", calendar_invite, f"text/calendar; method={method}")
    point = HandoverPoint(hand_over)
    try:
        send_with_handover(point, message.send, message.connection)
    except HandoverRefused:
        return False
    except Exception:
        if point.reached:
            # After the end-of-data mark the server may have the mail: no second copy.
            logger.warning("e-mail of notification %s: no confirmation after it was handed over", notification_id)
            Notification.objects.filter(id=notification_id, email_status=EmailStatus.SENDING).update(
                email_status=EmailStatus.FAILED, updated_at=timezone.now())
            return False
        Notification.objects.filter(id=notification_id, email_status=EmailStatus.SENDING,
                                    updated_at=notification.updated_at).update(
            email_status=EmailStatus.PENDING, email_sent_at=None, updated_at=timezone.now())
        raise
    # The sweep may have given up on a slow confirmation meanwhile ("failed"): it did arrive.
    Notification.objects.filter(id=notification_id, email_status__in=(EmailStatus.SENDING, EmailStatus.FAILED)).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), updated_at=timezone.now())
    return True


def notification_emails_recover(*, now=None, limit: int = 500) -> int:
    """E-mails the queue lost (Celery beat), waiting for longer than EMAIL_REQUEUE_SECONDS: pending
    ones are queued again; "sending" ones whose worker died before the SMTP end-of-data mark
    (no `email_sent_at`) too, since the server discarded them; "sending" ones handed over
    before their worker died may have arrived, and are marked failed rather than risk a second copy."""
    from ..tasks import notification_email_send

    now = now or timezone.now()
    since = now - timedelta(seconds=settings.EMAIL_REQUEUE_SECONDS)
    stale = Notification.objects.filter(email_status=EmailStatus.SENDING, updated_at__lt=since)
    stale.filter(email_sent_at__isnull=False).update(email_status=EmailStatus.FAILED, updated_at=now)
    # updated_at stays old, so the requeue just below takes them at once.
    stale.filter(email_sent_at__isnull=True).update(email_status=EmailStatus.PENDING)
    pending = Notification.objects.filter(email_status=EmailStatus.PENDING, updated_at__lt=since)
    return requeue_lost(pending, notification_email_send, now=now, limit=limit)


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.filter(id=notification_id, user=user, in_app=True).first()
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        _publish_unread_count(user.id, "notification.read", ids=[notification.id])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    updated = Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )
    if updated:
        _publish_unread_count(user.id, "notification.read", ids="all")
    return updated


@transaction.atomic
def notification_delete(*, user: User, notification_id: int) -> None:
    deleted, _ = Notification.objects.filter(id=notification_id, user=user, in_app=True).delete()
    if not deleted:
        raise NotFound("No such notification.")
    _publish_unread_count(user.id, "notification.deleted", id=notification_id)


def notifications_purge_expired(*, now=None) -> int:
    deleted, _ = Notification.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def announcement_broadcast(*, sender: User, title: str, body: str = "", url: str = "") -> int:
    """Queue a system notification to every active user. Returns how many users it targets;
    the fan-out runs in Celery, in chunks, so the request does not wait for it."""
    from ..tasks import announcement_fan_out

    if not title.strip():
        raise ValidationFailed("An announcement needs a title.", code="title_required")
    key = uuid.uuid4().hex  # lets a retried chunk skip users it already reached
    user_ids = list(User.objects.filter(is_active=True).values_list("id", flat=True))
    chunk = 500
    for start in range(0, len(user_ids), chunk):
        ids = user_ids[start : start + chunk]
        transaction.on_commit(partial(announcement_fan_out.delay, key, ids, title, body, url))
    logger.info("announcement %r by %s to %d users", title, sender, len(user_ids))
    audit_record(action="staff.announcement", actor=sender, target_type="accounts.announcement", target_id=key,
                 target_label=title[:200], changes={"recipients": [None, len(user_ids)]})
    return len(user_ids)


def announcement_deliver(*, key: str, user_ids: list[int], title: str, body: str, url: str) -> int:
    """Send one chunk of an announcement, skipping users who already have it."""
    reached = set(
        Notification.objects.filter(user_id__in=user_ids, data__announcement=key).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for user in User.objects.filter(id__in=user_ids, is_active=True).select_related("preferences"):
        if user.id in reached:
            continue
        if notification_send(
            user=user, type=NotificationType.SYSTEM, title=title, body=body, url=url,
            data={"announcement": key},
        ):
            sent += 1
    return sent
