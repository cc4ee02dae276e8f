"""Attachments end to end through the API: kinds from the bytes, the media jobs on real files,
EXIF gone from what is served, size limits, members only, deletion removes the files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from chat import selectors, services
from chat.models import MessageAttachment
from core.file_storage import private_storage
from core.models import MediaAsset

from .attachment_inputs import GPS_IFD, needs_ffmpeg

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class Sent:
    """The upload's answer (the attachment still queued) and the message as it is after the job."""

    def __init__(self, client, response):
        self.status_code = response.status_code
        self.answer = response.json()
        self._client = client

    def json(self):
        if self.status_code != 201:
            return self.answer
        return self._client.get(f"/api/v1/messages/{self.answer['id']}/").json()


def send(client, chat, path, capture, **fields):
    with capture(execute=True):  # the media job runs on commit (eagerly in tests)
        response = client.post("/api/v1/files", {"chat": chat.id, "file": SimpleUploadedFile(path.name, path.read_bytes()),
                                                   **fields}, format="multipart")
    return Sent(client, response)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_image_is_shown_without_its_exif_upright_with_a_thumbnail(alice, bob, pair, attachment_inputs,
                                                                     django_capture_on_commit_callbacks):
    original = attachment_inputs["jpeg_gps"].read_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the input really has a position
    answer = send(client_for(alice), pair, attachment_inputs["jpeg_gps"], django_capture_on_commit_callbacks,
                  caption="From the trip")
    assert answer.status_code == 201, answer.json()
    assert answer.answer["attachment"]["status"] == "queued" and answer.answer["attachment"]["urls"]["view"] is None
    message = answer.json()
    card = message["attachment"]
    assert message["kind"] == "image" and message["body"] == "From the trip"
    assert card["status"] == "ready" and card["kind"] == "image"
    assert (card["width"], card["height"]) == (800, 1200)  # turned upright by its EXIF orientation

    viewer = client_for(bob)
    served = viewer.get(card["urls"]["view"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and "no-store" in served["Cache-Control"]
    data = body_of(served)
    image = Image.open(io.BytesIO(data))
    assert image.size == (800, 1200)
    assert not image.getexif() and b"Exif" not in data and b"PrepForgeTestCam" not in data
    thumb = Image.open(io.BytesIO(body_of(viewer.get(card["urls"]["thumbnail"]))))
    assert thumb.format == "JPEG" and max(thumb.size) <= 480 and not thumb.getexif()
    # Nothing kept carries the position either: the stored original was replaced.
    asset = MediaAsset.objects.get(chat_attachments__id=card["id"])
    with private_storage.open(asset.file.name, "rb") as stored:
        assert b"PrepForgeTestCam" not in stored.read()


def test_a_transparent_png_keeps_its_format(alice, pair, attachment_inputs, django_capture_on_commit_callbacks):
    card = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks).json()["attachment"]
    assert card["status"] == "ready" and card["content_type"] == "image/png"
    assert Image.open(io.BytesIO(body_of(client_for(alice).get(card["urls"]["view"])))).mode == "RGBA"


@needs_ffmpeg
def test_a_video_gets_a_poster_and_its_duration(alice, bob, group, attachment_inputs, django_capture_on_commit_callbacks):
    card = send(client_for(alice), group, attachment_inputs["video"], django_capture_on_commit_callbacks).json()["attachment"]
    assert card["kind"] == "video" and card["status"] == "ready", card
    assert 1.8 <= card["duration_seconds"] <= 2.3 and (card["width"], card["height"]) == (320, 240)
    poster = Image.open(io.BytesIO(body_of(client_for(bob).get(card["urls"]["thumbnail"]))))
    assert poster.format == "JPEG"
    view = client_for(bob).get(card["urls"]["view"])
    assert view.status_code == 200 and view["Content-Type"] == "video/mp4"


@needs_ffmpeg
def test_audio_and_a_voice_note_get_duration_and_waveform(alice, pair, attachment_inputs,
                                                          django_capture_on_commit_callbacks):
    audio = send(client_for(alice), pair, attachment_inputs["audio"], django_capture_on_commit_callbacks).json()
    assert audio["attachment"]["kind"] == "audio" and 2.8 <= audio["attachment"]["duration_seconds"] <= 3.2
    voice = send(client_for(alice), pair, attachment_inputs["voice_webm"], django_capture_on_commit_callbacks,
                 voice="true").json()
    card = voice["attachment"]
    assert voice["kind"] == "voice" and card["kind"] == "voice" and card["status"] == "ready", card
    assert 1.8 <= card["duration_seconds"] <= 2.3
    assert 10 <= len(card["waveform"]) <= 48 and 0.1 < max(card["waveform"]) < 0.15  # lavfi's sine is at 1/8 of full scale


def test_a_voice_note_must_be_audio(alice, pair, attachment_inputs, django_capture_on_commit_callbacks):
    answer = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks, voice="true")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "unsupported_type"
    assert not MediaAsset.objects.exists()


@pytest.mark.parametrize("name", ["program_named_jpg", "pdf_named_png"])
def test_a_renamed_file_is_only_a_plain_download(name, alice, bob, pair, attachment_inputs,
                                                 django_capture_on_commit_callbacks):
    path = attachment_inputs[name]
    message = send(client_for(alice), pair, path, django_capture_on_commit_callbacks).json()
    card = message["attachment"]
    assert message["kind"] == "file" and card["kind"] == "file" and card["status"] == "ready"
    assert card["label"] == ("Program" if name == "program_named_jpg" else "PDF document")
    assert card["urls"]["thumbnail"] is None
    for variant in ("view", "download"):
        served = client_for(bob).get(card["urls"][variant] if variant == "download" else
                                     card["urls"]["download"].replace("download", "view"))
        assert served.status_code == 200
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"].startswith("attachment") and served["X-Content-Type-Options"] == "nosniff"
        assert body_of(served) == path.read_bytes()


def test_size_limits_per_kind_are_a_clear_413(alice, pair, attachment_inputs, settings,
                                              django_capture_on_commit_callbacks):
    settings.CHAT_ATTACHMENT_MAX_BYTES = {**settings.CHAT_ATTACHMENT_MAX_BYTES, "image": 10_000}
    answer = send(client_for(alice), pair, attachment_inputs["jpeg_gps"], django_capture_on_commit_callbacks)
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "file_too_large" and error["details"]["kind"] == "image"
    assert "largest image" in error["message"] and error["details"]["max_bytes"] == 10_000
    # A file of another kind, as large, is still taken.
    assert send(client_for(alice), pair, attachment_inputs["pdf_named_png"],
                django_capture_on_commit_callbacks).status_code == 201
    assert MediaAsset.objects.count() == 1


def test_an_image_declaring_too_many_pixels_is_refused_from_its_header(alice, pair, settings, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    settings.MEDIA_IMAGE_MAX_PIXELS = 1000
    path = tmp_path / "big.png"
    Image.new("RGB", (100, 100)).save(path)
    answer = send(client_for(alice), pair, path, django_capture_on_commit_callbacks)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "too_many_pixels"
    assert "megapixels" in answer.json()["error"]["message"] and not MediaAsset.objects.exists()


def test_only_members_get_the_files(alice, bob, carol, group, make_user, attachment_inputs,
                                    django_capture_on_commit_callbacks):
    card = send(client_for(alice), group, attachment_inputs["jpeg_gps"],
                django_capture_on_commit_callbacks).json()["attachment"]
    stranger = make_user(username="mallory")
    for variant in ("view", "thumbnail", "download"):
        url = card["urls"][variant]
        assert client_for(bob).get(url).status_code == 200
        assert client_for(stranger).get(url).status_code == 404
        assert APIClient().get(url).status_code in (401, 403, 404)
    services.chat_leave(user=carol, chat=group)
    assert client_for(carol).get(card["urls"]["view"]).status_code == 404  # a member who left
    # Deleted for bob alone: gone for him, still there for alice.
    message_id = MessageAttachment.objects.get(id=card["id"]).message_id
    services.message_delete(user=bob, message=selectors.message_get_for_user(user=bob, message_id=message_id),
                            for_everyone=False)
    assert client_for(bob).get(card["urls"]["view"]).status_code == 404
    assert client_for(alice).get(card["urls"]["view"]).status_code == 200
    # A stranger cannot post into the chat either.
    assert send(client_for(stranger), group, attachment_inputs["png"], django_capture_on_commit_callbacks).status_code == 404


def test_deleting_for_everyone_removes_the_files_from_storage(alice, bob, pair, attachment_inputs,
                                                              django_capture_on_commit_callbacks):
    message = send(client_for(alice), pair, attachment_inputs["jpeg_gps"], django_capture_on_commit_callbacks).json()
    asset = MediaAsset.objects.get(chat_attachments__id=message["attachment"]["id"])
    names = [asset.file.name, asset.poster.name]
    assert all(private_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(alice).delete(f"/api/v1/messages/{message['id']}/?scope=everyone")
    assert answer.status_code == 204
    assert not any(private_storage.exists(n) for n in names)
    assert not MediaAsset.objects.exists() and not MessageAttachment.objects.exists()
    assert client_for(bob).get(message["attachment"]["urls"]["view"]).status_code == 404
    shown = client_for(bob).get(f"/api/v1/messages/{message['id']}/").json()
    assert shown["deleted"] and shown["attachment"] is None


def test_the_history_with_attachments_takes_the_same_queries_for_more_rows(alice, pair, attachment_inputs,
                                                                           django_capture_on_commit_callbacks,
                                                                           django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(alice).get(f"/api/v1/chats/{pair.id}/messages/").status_code == 200
        return len(queries)

    send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks)
    few = count()
    for _ in range(4):
        send(client_for(alice), pair, attachment_inputs["jpeg_gps"], django_capture_on_commit_callbacks)
        send(client_for(alice), pair, attachment_inputs["pdf_named_png"], django_capture_on_commit_callbacks)
    services.message_send(sender=alice, chat=pair, body="and some text")
    assert count() == few
    chats = client_for(alice).get("/api/v1/chats/").json()
    assert chats[0]["last_message"]["kind"] == "text"


def test_a_damaged_image_fails_with_a_reason_members_see(alice, bob, pair, attachment_inputs, tmp_path,
                                                         django_capture_on_commit_callbacks):
    good = attachment_inputs["jpeg_gps"].read_bytes()
    path = tmp_path / "broken.jpg"
    # Garbage in the header: refused at once, nothing stored.
    path.write_bytes(good[:600] + bytes((i * 7919) % 251 for i in range(4000)))
    refused = send(client_for(alice), pair, path, django_capture_on_commit_callbacks)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "corrupt_image"
    assert not MediaAsset.objects.exists()
    # A whole header, then the image data cut short: the job (in the child) fails, with its reason.
    path.write_bytes(good[:good.index(b"\xff\xda") + 40])
    card = send(client_for(alice), pair, path, django_capture_on_commit_callbacks).json()["attachment"]
    assert card["kind"] == "image" and card["status"] == "failed", card
    assert card["failure_reason"] and card["urls"] == {"view": None, "thumbnail": None, "download": None}
    asset = MediaAsset.objects.get()
    assert asset.failure_code in ("corrupt_image", "image_unprocessable")


def test_the_chat_list_previews_an_attachment_without_a_caption(alice, bob, pair, attachment_inputs, client,
                                                                django_capture_on_commit_callbacks):
    send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks)
    client.force_login(bob)
    page = client.get("/chat/").content.decode()
    assert "📷 Photo" in page
    assert client_for(bob).get("/api/v1/chats/").json()[0]["last_message"]["attachment"]["kind"] == "image"


def test_the_chat_list_with_attachment_previews_takes_the_same_queries_for_more_chats(
        alice, make_user, attachment_inputs, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(alice).get("/api/v1/chats/").status_code == 200
        return len(queries)

    first = services.chat_private_open(user=alice, other=make_user(username="p0"))
    send(client_for(alice), first, attachment_inputs["png"], django_capture_on_commit_callbacks)
    few = count()
    for number in range(1, 4):
        chat = services.chat_private_open(user=alice, other=make_user(username=f"p{number}"))
        send(client_for(alice), chat, attachment_inputs["pdf_named_png"], django_capture_on_commit_callbacks)
    assert count() == few
