"""What members see of a message's attachment (part of every message payload: history, API,
live events). Reads only what chat.selectors already joined in (attachment, asset)."""

from django.urls import reverse

from .models import AttachmentKind

ATTACHMENT_MESSAGE_KINDS = {k.value for k in AttachmentKind}
WAVEFORM_BARS = 48
FILE_LABELS = {"pdf": "PDF document", "zip": "ZIP archive", "executable": "Program", "script": "Script",
               "text": "Text file", "binary": "File"}


def waveform_bars(waveform: dict, bars: int = WAVEFORM_BARS) -> list[float]:
    """The job's peaks (20 a second) folded into `bars` bars (the loudest of each), for a card."""
    peaks = list((waveform or {}).get("peaks") or [])
    if len(peaks) <= bars:
        return peaks
    step = len(peaks) / bars
    return [max(peaks[int(i * step):max(int((i + 1) * step), int(i * step) + 1)]) for i in range(bars)]


def _dimensions(asset) -> tuple[int | None, int | None]:
    probe = asset.probe or {}
    if "width" in probe:
        return probe.get("width"), probe.get("height")
    for stream in probe.get("streams") or []:
        if stream.get("kind") == "video":
            return stream.get("width"), stream.get("height")
    return None, None


def attachment_to_dict(message) -> dict | None:
    if message.kind not in ATTACHMENT_MESSAGE_KINDS or message.deleted_at is not None:
        return None
    attachment = getattr(message, "attachment", None)
    if attachment is None:
        return None
    asset = attachment.asset
    kind = attachment.kind
    if kind in (AttachmentKind.AUDIO, AttachmentKind.VIDEO) and asset.kind in ("audio", "video"):
        kind = asset.kind  # what the job found in the stream, not the container's hint
    ready = asset.status == "ready"

    def url(variant):
        return reverse("api-file", kwargs={"attachment_id": attachment.id, "variant": variant})

    width, height = _dimensions(asset)
    return {
        "id": attachment.id,
        "kind": kind,
        "status": asset.status,
        "stage": asset.stage,
        "progress": asset.progress,
        "failure_reason": asset.failure_reason,
        "name": asset.original_name,
        "size_bytes": asset.size_bytes,
        "label": FILE_LABELS.get(asset.container, asset.container.upper()) if kind == AttachmentKind.FILE else "",
        "content_type": asset.web_content_type if ready else "",
        "duration_seconds": asset.duration_seconds,
        "width": width,
        "height": height,
        "animated": kind == AttachmentKind.IMAGE and int((asset.probe or {}).get("frames") or 1) > 1,
        "waveform": waveform_bars(asset.waveform) if kind in (AttachmentKind.AUDIO, AttachmentKind.VOICE) else [],
        "urls": {
            "view": url("view") if ready else None,
            "thumbnail": url("thumbnail") if ready and asset.poster else None,
            "download": url("download") if ready else None,
        },
    }
