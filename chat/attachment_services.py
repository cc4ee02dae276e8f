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
    caption = (caption or "").replace("\x00", "").strip()
    if len(caption) > MAX_CAPTION_CHARS:
        raise ValidationFailed(f"A caption has at most {MAX_CAPTION_CHARS} characters.", code="caption_too_long",
                               details={"caption": [f"At most {MAX_CAPTION_CHARS} characters."]})
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


def attachment_media_finished(asset: MediaAsset) -> None:
    """core.media_services tells this (asset locked, in its transaction) when an attachment's job
    is ready or failed: every member gets the message again with its finished card."""
    attachment = (MessageAttachment.objects.select_related("message", "message__sender", "message__reply_to",
                                                           "message__reply_to__sender")
                  .filter(asset_id=asset.id).first())
    if attachment is None or attachment.message.deleted_at is not None:
        return
    attachment.asset = asset
    message = attachment.message
    message.attachment = attachment
    events_emit(user_ids=services._member_ids(message.chat_id), type="message.attachment",
                payload={"message": services.message_to_dict(message)})


def attachment_discard(message: Message) -> None:
    """The message's attachment and its files (poster, thumbnail, playable copy) go from storage
    after commit (a message deleted for everyone). Called before any chat event of the same
    transaction, so the asset row is locked before the event counters (core.locks)."""
    attachment = MessageAttachment.objects.select_related("asset").filter(message=message).first()
    if attachment is None:
        return
    asset = attachment.asset
    attachment.delete()
    media_delete(asset=asset)


def attachments_discard_for_chat(chat: Chat) -> None:
    """Every attachment of a chat that is about to be deleted, with its files."""
    for attachment in MessageAttachment.objects.select_related("asset").filter(chat=chat).order_by("asset_id"):
        asset = attachment.asset
        attachment.delete()
        media_delete(asset=asset)
