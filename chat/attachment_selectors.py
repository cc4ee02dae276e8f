"""Reads of attachments: only a member of the chat sees one (anyone else, a member who left, or
one who deleted the message for themselves gets the same 404 as for a file that never was)."""

from core.exceptions import NotFound

from .models import MessageAttachment, MessageHidden
from .selectors import _valid_id

VARIANTS = ("view", "thumbnail", "download")


def attachment_get_for_user(*, user, attachment_id) -> MessageAttachment:
    if not getattr(user, "is_authenticated", False) or not _valid_id(attachment_id):
        raise NotFound("No such file.")
    attachment = (MessageAttachment.objects.select_related("asset", "message")
                  .filter(id=attachment_id, chat__memberships__user_id=user.id, message__deleted_at__isnull=True)
                  .exclude(message_id__in=MessageHidden.objects.filter(user_id=user.id).values("message_id"))
                  .first())
    if attachment is None:
        raise NotFound("No such file.")
    return attachment


def attachment_file_for_user(*, user, attachment_id, variant: str):
    """(attachment, stored file, content type, as_attachment) of one variant: `view` (the image
    without its metadata, or the playable copy; plain files are never shown inline), `thumbnail`
    (an image's thumbnail or a video's poster) or `download`. 404 until the job is ready."""
    attachment = attachment_get_for_user(user=user, attachment_id=attachment_id)
    asset = attachment.asset
    if variant not in VARIANTS or asset.status != "ready":
        raise NotFound("This file is not ready (or has no such variant).", code="file_not_ready")
    if asset.kind == "file":
        # Whatever the bytes are, a plain file is only ever a download of bytes.
        return attachment, asset.file, "application/octet-stream", True
    if variant == "thumbnail":
        if not asset.poster:
            raise NotFound("This file has no thumbnail.", code="file_not_ready")
        return attachment, asset.poster, "image/jpeg", False
    if asset.web_copy:
        return attachment, asset.web_copy, asset.web_content_type, variant == "download"
    return attachment, asset.file, asset.web_content_type or asset.content_type, variant == "download"
