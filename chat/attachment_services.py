"""Writes of message attachments. The file goes through core's media pipeline (core.media_services:
type from the bytes, private storage, the media job: Pillow in the limited child for images,
ffprobe/ffmpeg for video and audio); the chat adds who may see it and tells the members when the
job is done (`message.attachment`, the message with its attachment card)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ValidationFailed
from core.file_storage import files_kept_only_with_their_rows
from core.media_services import media_delete, media_upload
from core.models import MediaAsset
from core.rate_limits import minute_budget_spend

from . import services
from .events import events_emit
from .models import (
    AttachmentKind,
    Chat,
    Membership,
    Message,
    MessageAttachment,
    MessageHashtag,
    MessageKind,
)

PURPOSE = "chat_attachment"
MAX_CAPTION_CHARS = 1000


def clean_caption(caption) -> str:
    """A caption is optional text of at most MAX_CAPTION_CHARS (on sending and on editing)."""
    if caption is not None and not isinstance(caption, str):
        raise ValidationFailed("A caption is text.", code="invalid_body")
    caption = (caption or "").replace("\x00", "").strip()
    if len(caption) > MAX_CAPTION_CHARS:
        raise ValidationFailed(f"A caption has at most {MAX_CAPTION_CHARS} characters.", code="caption_too_long",
                               details={"caption": [f"At most {MAX_CAPTION_CHARS} characters."]})
    return caption


def attachment_limits(*, voice: bool) -> dict[str, int]:
    limits = dict(settings.CHAT_ATTACHMENT_MAX_BYTES)
    if voice:  # MediaRecorder writes WebM, a video container: a voice note has the audio limit all the same
        limits["video"] = limits["audio"]
    return limits


@files_kept_only_with_their_rows
@transaction.atomic
def attachment_send(*, sender: User, chat: Chat, upload, caption: str = "", voice: bool = False,
                    reply_to_id: int | None = None, silent: bool = False) -> Message:
    """Post a message carrying one file. The same refusals as a text message (non-members 404,
    channels, mutes, slow mode, the per-minute budget) come first; then the file's kind is read
    from its bytes (image, video, audio; anything else is a plain file), refused over its kind's
    limit (413) or, for an image, over MEDIA_IMAGE_MAX_PIXELS. A voice note must be audio. The
    message shows at once with its attachment "processing"; `message.attachment` follows when
    the media job is done. Nothing stays stored when anything is refused."""
    membership = services._membership(chat, sender)
    now = timezone.now()
    services._may_post(chat, membership, now)
    caption = clean_caption(caption)
    reply_to = None
    if reply_to_id is not None:
        reply_to = Message.objects.filter(id=reply_to_id, chat=chat, deleted_at__isnull=True).first()
        if reply_to is None:
            raise ValidationFailed("The message you reply to is not in this chat.", code="invalid_reply")
    if not minute_budget_spend(f"chat-send:{sender.id}",
                               services._setting("MESSAGES_PER_MINUTE", services.MESSAGES_PER_MINUTE)):
        raise services.RateLimited(details={"retry_after_seconds": 60 - now.second})

    asset = media_upload(owner=sender, upload=upload, purpose=PURPOSE, transcribe=False, accept_images=not voice,
                         accept_files=not voice, max_bytes=attachment_limits(voice=voice))
    hint = asset.kind or ("audio" if asset.container in ("ogg", "wav", "mp3", "flac", "aac") else "video")
    if voice:
        kind = AttachmentKind.VOICE
    else:
        kind = {"image": AttachmentKind.IMAGE, "file": AttachmentKind.FILE, "audio": AttachmentKind.AUDIO}.get(
            hint, AttachmentKind.VIDEO)

    html, mentioned, tags = services._render(caption, chat.id) if caption else ("", [], [])
    message = Message.objects.create(chat=chat, sender=sender, kind=MessageKind(kind.value), body=caption,
                                     body_html=html, reply_to=reply_to, silent=bool(silent),
                                     data={"cards": services._cards(caption) if caption else []})
    MessageHashtag.objects.bulk_create([MessageHashtag(message=message, tag=t) for t in tags])
    attachment = MessageAttachment.objects.create(message=message, chat=chat, asset=asset, kind=kind)
    message.attachment = attachment
    Chat.objects.filter(id=chat.id).update(last_message=message, last_activity_at=message.created_at)
    Membership.objects.filter(pk=membership.pk).update(last_read_message_id=message.id,
                                                       last_delivered_message_id=message.id)
    events_emit(user_ids=services._member_ids(chat.id), type="message.new",
                payload={"message": services.message_to_dict(message, [])})
    services._notify_mentions(message, mentioned, chat)
    return message


@transaction.atomic
def attachment_forward(*, user: User, message: Message, to_chat: Chat, original: Message) -> Message:
    """Forward a message with an attachment (chat.services.message_forward checked that the user
    sees it) into another chat they may post in, with its caption. The file is not uploaded or
    stored again: the new message's attachment is one more row on the same asset, served only to
    the members of `to_chat` (and the original only to its own chat's). Refused like any send."""
    source = MessageAttachment.objects.select_related("asset").filter(message=message).first()
    if source is None:
        raise ValidationFailed("This message's file is gone; it cannot be forwarded.", code="not_forwardable")
    membership = services._membership(to_chat, user)
    now = timezone.now()
    services._may_post(to_chat, membership, now)
    if not minute_budget_spend(f"chat-send:{user.id}",
                               services._setting("MESSAGES_PER_MINUTE", services.MESSAGES_PER_MINUTE)):
        raise services.RateLimited(details={"retry_after_seconds": 60 - now.second})
    caption = message.body
    html, _mentioned, tags = services._render(caption, to_chat.id) if caption else ("", [], [])
    forwarded = Message.objects.create(
        chat=to_chat, sender=user, kind=message.kind, body=caption, body_html=html,
        data={"cards": services._cards(caption) if caption else []}, forwarded_from=original,
        forwarded_from_label=original.sender.display_name if original.sender else "")
    MessageHashtag.objects.bulk_create([MessageHashtag(message=forwarded, tag=t) for t in tags])
    forwarded.attachment = MessageAttachment.objects.create(message=forwarded, chat=to_chat, asset=source.asset,
                                                            kind=source.kind)
    Chat.objects.filter(id=to_chat.id).update(last_message=forwarded, last_activity_at=forwarded.created_at)
    Membership.objects.filter(pk=membership.pk).update(last_read_message_id=forwarded.id,
                                                       last_delivered_message_id=forwarded.id)
    events_emit(user_ids=services._member_ids(to_chat.id), type="message.new",
                payload={"message": services.message_to_dict(forwarded, [])})
    return forwarded


def attachment_media_finished(asset: MediaAsset) -> None:
    """core.media_services tells this (asset locked, in its transaction) when an attachment's job
    is ready or failed: the members of every chat holding the file (it may have been forwarded
    while processing) get the message again with its finished card."""
    attachments = (MessageAttachment.objects.select_related("message", "message__sender", "message__reply_to",
                                                            "message__reply_to__sender")
                   .filter(asset_id=asset.id, message__deleted_at__isnull=True).order_by("id"))
    for attachment in attachments:
        attachment.asset = asset
        message = attachment.message
        message.attachment = attachment
        events_emit(user_ids=services._member_ids(message.chat_id), type="message.attachment",
                    payload={"message": services.message_to_dict(message)})


def _discard(attachment: MessageAttachment) -> None:
    # The files go with the last message that shows them: a forwarded copy keeps them alive.
    asset = attachment.asset
    attachment.delete()
    if not MessageAttachment.objects.filter(asset_id=asset.id).exists():
        media_delete(asset=asset)


def attachment_discard(message: Message) -> None:
    """The message's attachment goes, and its files (poster, thumbnail, playable copy) from storage
    after commit unless a forwarded copy still shows them (a message deleted for everyone).
    Called before any chat event of the same transaction, so the asset row is locked before the
    event counters (core.locks)."""
    attachment = MessageAttachment.objects.select_related("asset").filter(message=message).first()
    if attachment is not None:
        _discard(attachment)


def attachments_discard_for_chat(chat: Chat) -> None:
    """Every attachment of a chat that is about to be deleted, with the files no other chat shows."""
    for attachment in MessageAttachment.objects.select_related("asset").filter(chat=chat).order_by("asset_id"):
        _discard(attachment)
