"""Media API: upload a recording, follow its job, fetch its files. Owners only; anyone else's
recording is a 404."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .exceptions import NotFound, ValidationFailed
from .file_storage import private_file_response
from .media_selectors import FILE_VARIANTS, media_file_for_user, media_get_for_user
from .media_services import PURPOSES, media_delete, media_requeue, media_upload
from .models import MediaStatus


class MediaUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="Audio or video (WebM, MP4, Ogg, WAV, MP3, ...); the type is read "
                                           "from the bytes, not the name.")
    purpose = serializers.ChoiceField(choices=list(PURPOSES), default="recording", required=False)
    transcribe = serializers.BooleanField(default=True, required=False,
                                          help_text="Transcribe the speech and measure it (audio only).")


class MediaWordOutput(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    confidence = serializers.FloatField(allow_null=True)


class MediaUrlsOutput(serializers.Serializer):
    original = serializers.CharField()
    web = serializers.CharField(allow_null=True, help_text="What a player should load; null until ready.")
    poster = serializers.CharField(allow_null=True)


class MediaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField()
    kind = serializers.CharField(help_text="audio or video; empty until probed.")
    status = serializers.ChoiceField(choices=MediaStatus.choices)
    stage = serializers.CharField()
    progress = serializers.IntegerField(help_text="0-100")
    attempts = serializers.IntegerField()
    failure_code = serializers.CharField()
    failure_reason = serializers.CharField()
    original_name = serializers.CharField()
    container = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    duration_seconds = serializers.FloatField(allow_null=True)
    probe = serializers.JSONField(help_text="ffprobe's report: container, duration, bit rate, streams.")
    waveform = serializers.JSONField(help_text="{peaks: [0..1], seconds_per_peak, sample_rate}")
    web_content_type = serializers.CharField()
    web_copy_reason = serializers.CharField()
    transcript_status = serializers.CharField(
        help_text="transcribed / silent / unintelligible / not_requested / no_audio; empty until ready.")
    transcript = serializers.CharField()
    transcript_words = MediaWordOutput(many=True)
    transcript_engine = serializers.CharField()
    transcript_fallback_reason = serializers.CharField()
    speaking = serializers.JSONField(help_text="Words per minute, filler words, long pauses, and why.")
    urls = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)

    def get_urls(self, asset) -> MediaUrlsOutput:
        def url(variant):
            return reverse("api-media-file", kwargs={"asset_id": asset.id, "variant": variant})

        ready = asset.status == MediaStatus.READY
        return {"original": url("original"), "web": url("web") if ready else None,  # type: ignore[return-value]
                "poster": url("poster") if asset.poster else None}


class MediaUploadApi(APIView):
    parser_classes = [MultiPartParser]
    throttle_scope = "uploads"

    @extend_schema(request={"multipart/form-data": MediaUploadInput}, responses={202: MediaOutput},
                   operation_id="media_upload",
                   description="Stores the recording privately and queues its media job (probe, poster, "
                               "waveform, playable copy, transcript); follow it at GET /api/v1/media/<id> or "
                               "/ws/media/<id>/.")
    def post(self, request):
        if "file" not in request.FILES:
            raise ValidationFailed(details={"file": ["Upload an audio or video file."]})
        data = MediaUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        asset = media_upload(owner=request.user, upload=data.validated_data["file"],
                             purpose=data.validated_data["purpose"], transcribe=data.validated_data["transcribe"])
        asset.refresh_from_db()  # an eager job (embedded mode) may have finished already
        return Response(MediaOutput(asset).data, status=status.HTTP_202_ACCEPTED)


class MediaDetailApi(APIView):
    throttle_scope = "writes"

    @extend_schema(responses=MediaOutput, operation_id="media_retrieve")
    def get(self, request, asset_id):
        return Response(MediaOutput(media_get_for_user(user=request.user, asset_id=asset_id)).data)

    @extend_schema(responses={204: None}, operation_id="media_delete")
    def delete(self, request, asset_id):
        media_delete(asset=media_get_for_user(user=request.user, asset_id=asset_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MediaRetryApi(APIView):
    throttle_scope = "writes"

    @extend_schema(request=None, responses={202: MediaOutput}, operation_id="media_retry",
                   description="Queue a failed job again (409 unless it failed).")
    def post(self, request, asset_id):
        asset = media_requeue(asset=media_get_for_user(user=request.user, asset_id=asset_id))
        asset.refresh_from_db()
        return Response(MediaOutput(asset).data, status=status.HTTP_202_ACCEPTED)


class MediaFileApi(APIView):
    """A recording's file, inline for players: streamed, or (S3) a 302 to a signed URL valid for a
    minute. `original`, `web` (what to play: the copy, or the original when it plays as it is) or
    `poster`."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None, 404: None},
                   operation_id="media_file")
    def get(self, request, asset_id, variant):
        if variant not in FILE_VARIANTS:
            raise NotFound("No such file.", code="media_file_not_found")
        asset, field_file, content_type = media_file_for_user(user=request.user, asset_id=asset_id, variant=variant)
        extension = field_file.name.rsplit(".", 1)[-1] if "." in field_file.name else "bin"
        stem = asset.original_name.rsplit(".", 1)[0] or "recording"
        name = f"{stem}.{extension}" if variant == "original" else f"{stem}-{variant}.{extension}"
        return private_file_response(field_file, download_name=name, content_type=content_type, as_attachment=False)
