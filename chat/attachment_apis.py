"""Attachments in the API (the seed's /api/files): send a message with a file, fetch its files.
Members only; a non-member, or a member who left, gets 404."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ValidationFailed
from core.file_storage import private_file_response

from . import selectors
from .apis import MessageOutput, _message_out
from .attachment_selectors import attachment_file_for_user
from .attachment_services import MAX_CAPTION_CHARS, attachment_send


class AttachmentSendInput(serializers.Serializer):
    chat = serializers.IntegerField(min_value=1, max_value=2**62)
    file = serializers.FileField(help_text="Any file. Its kind (image, video, audio or a plain file) is read from "
                                           "its bytes, not its name or declared type.")
    caption = serializers.CharField(max_length=MAX_CAPTION_CHARS, required=False, allow_blank=True, default="")
    voice = serializers.BooleanField(required=False, default=False,
                                     help_text="A voice note recorded in the app: must be audio.")
    reply_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    silent = serializers.BooleanField(required=False, default=False)


class AttachmentSendApi(APIView):
    parser_classes = [MultiPartParser]
    throttle_scope = "uploads"

    @extend_schema(request={"multipart/form-data": AttachmentSendInput}, responses={201: MessageOutput},
                   operation_id="files_send",
                   description="Posts a message carrying the file. Its `attachment.status` is `queued` or "
                               "`processing` until the media job made the thumbnail (images), the poster and "
                               "duration (video) or the waveform and duration (audio); members then get a "
                               "`message.attachment` event on /ws/chat/. Too large for its kind: 413.")
    def post(self, request):
        if "file" not in request.FILES:
            raise ValidationFailed(details={"file": ["Attach a file."]})
        data = AttachmentSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        chat, _ = selectors.chat_get_for_user(user=request.user, chat_id=values["chat"])
        message = attachment_send(sender=request.user, chat=chat, upload=values["file"], caption=values["caption"],
                                  voice=values["voice"], reply_to_id=values.get("reply_to"), silent=values["silent"])
        return Response(_message_out(request.user, message.id), status=status.HTTP_201_CREATED)


class AttachmentLimitsOutput(serializers.Serializer):
    max_bytes = serializers.DictField(child=serializers.IntegerField(), help_text="By kind: image, video, audio, file.")
    max_image_pixels = serializers.IntegerField()


class AttachmentLimitsApi(APIView):
    @extend_schema(responses=AttachmentLimitsOutput, operation_id="files_limits")
    def get(self, request):
        return Response({"max_bytes": settings.CHAT_ATTACHMENT_MAX_BYTES,
                         "max_image_pixels": settings.MEDIA_IMAGE_MAX_PIXELS})


class AttachmentFileApi(APIView):
    """One file of an attachment: streamed, or (S3) a 302 to a signed URL valid for a minute."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None, 404: None},
                   operation_id="files_retrieve")
    def get(self, request, attachment_id: int, variant: str):
        attachment, field_file, content_type, as_download = attachment_file_for_user(
            user=request.user, attachment_id=attachment_id, variant=variant)
        asset = attachment.asset
        name = asset.original_name or "file"
        if asset.kind != "file":
            stem = name.rsplit(".", 1)[0] or asset.kind
            extension = field_file.name.rsplit(".", 1)[-1]
            name = f"{stem}.{extension}" if variant != "thumbnail" else f"{stem}-thumbnail.jpg"
        return private_file_response(field_file, download_name=name, content_type=content_type,
                                     as_attachment=as_download)
