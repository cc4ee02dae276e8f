"""Attachments after they are sent, on files made by Pillow and ffmpeg: captions edited with
their history, forwarding without a second upload (each copy served only to its own chat), an
animated GIF that stays animated without its metadata, and a video's GPS position removed."""

import io
import json
import subprocess

import pytest
from PIL import Image, ImageSequence

from chat.models import Message, MessageAttachment
from core.file_storage import private_storage
from core.models import MediaAsset

from .attachment_inputs import _ffmpeg, needs_ffmpeg
from .test_attachments import body_of, client_for, send

pytestmark = pytest.mark.django_db

PARIS = "+48.8584+002.2945/"


def animated_gif_with_comment() -> bytes:
    """Six 40 × 30 frames of a moving square, 80 ms each, looping forever, with a GIF comment
    and an XMP packet that say where it was made."""
    frames = []
    for step in range(6):
        frame = Image.new("RGB", (40, 30), (255, 255, 255))
        frame.paste((200, 30, 30), (step * 5, 5, step * 5 + 10, 15))
        frames.append(frame)
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=80, loop=0,
                   comment=b"shot at home, 12 Elm Street", xmp=b"<x:xmpmeta>GPS 48.85N</x:xmpmeta>")
    return out.getvalue()


@pytest.fixture
def animated_gif(tmp_path):
    path = tmp_path / "dance.gif"
    path.write_bytes(animated_gif_with_comment())
    assert b"Elm Street" in path.read_bytes()  # the input really carries it
    return path


@pytest.fixture
def located_video(tmp_path):
    """An H.264/AAC MP4 (plays in browsers as it is) with a phone's location, a title and a
    camera name in its metadata, the way ffmpeg writes them (the `©xyz` atom for the location)."""
    path = tmp_path / "walk.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1", "-f", "lavfi",
            "-i", "sine=frequency=500:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-shortest", "-metadata", f"location={PARIS}", "-metadata", "title=Our street",
            "-metadata:s:v:0", "handler_name=PhoneCam 12", str(path))
    return path


def ffprobe_tags(data: bytes, tmp_path) -> dict:
    served = tmp_path / "served.mp4"
    served.write_bytes(data)
    found = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags",
                                       "-of", "json", str(served)], capture_output=True, check=True).stdout)
    tags = dict(found.get("format", {}).get("tags", {}))
    for stream in found.get("streams", []):
        tags.update({f"stream:{k}": v for k, v in stream.get("tags", {}).items()})
    return tags


# --- captions --------------------------------------------------------------------------------------

def test_the_sender_edits_a_caption_and_members_see_the_history(alice, bob, pair, attachment_inputs,
                                                                 django_capture_on_commit_callbacks):
    sent = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks,
                caption="First try").json()
    url = f"/api/v1/messages/{sent['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        edited = client_for(alice).patch(url, {"body": "Our **logo**, final"}, format="json")
    assert edited.status_code == 200, edited.json()
    shown = client_for(bob).get(url).json()
    assert shown["edited"] and shown["body"] == "Our **logo**, final" and "<strong>logo</strong>" in shown["html"]
    assert shown["attachment"]["status"] == "ready"  # the file is untouched
    history = client_for(bob).get(f"{url}edits/").json()
    assert [h["body"] for h in history] == ["First try"]
    # The caption can be emptied (the file stays), and that is in the history too.
    assert client_for(alice).patch(url, {"body": ""}, format="json").status_code == 200
    assert client_for(bob).get(url).json()["body"] == ""
    assert [h["body"] for h in client_for(bob).get(f"{url}edits/").json()] == ["First try", "Our **logo**, final"]


def test_only_the_sender_edits_a_caption_within_its_limit(alice, bob, pair, attachment_inputs,
                                                          django_capture_on_commit_callbacks):
    sent = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks,
                caption="Mine").json()
    url = f"/api/v1/messages/{sent['id']}/"
    refused = client_for(bob).patch(url, {"body": "Bob was here"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_message"
    too_long = client_for(alice).patch(url, {"body": "x" * 1001}, format="json")
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "caption_too_long"
    assert client_for(alice).get(url).json()["body"] == "Mine"


def test_a_caption_edit_reaches_every_member_live(alice, bob, pair, attachment_inputs,
                                                  django_capture_on_commit_callbacks):
    from chat.models import ChatEvent

    sent = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks).json()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(alice).patch(f"/api/v1/messages/{sent['id']}/", {"body": "Now with words"}, format="json")
    edits = ChatEvent.objects.filter(type="message.edited")
    assert sorted(edits.values_list("user_id", flat=True)) == sorted([alice.id, bob.id])
    payload = edits.first().payload["message"]
    assert payload["body"] == "Now with words" and payload["attachment"]["id"] == sent["attachment"]["id"]


# --- forwarding ------------------------------------------------------------------------------------

def test_a_forwarded_photo_is_not_stored_again_and_is_served_only_in_its_chat(
        alice, bob, carol, pair, group, make_user, attachment_inputs, django_capture_on_commit_callbacks):
    from chat import services

    dave = make_user(username="dave")
    with_dave = services.chat_private_open(user=alice, other=dave)
    sent = send(client_for(alice), pair, attachment_inputs["jpeg_gps"], django_capture_on_commit_callbacks,
                caption="For the group too").json()
    stored_before = MediaAsset.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(bob).post(f"/api/v1/messages/{sent['id']}/forward/", {"chat_id": group.id}, format="json")
    assert answer.status_code == 201, answer.json()
    forwarded = answer.json()
    assert forwarded["forwarded_from"] == alice.display_name and forwarded["body"] == "For the group too"
    assert forwarded["kind"] == "image" and forwarded["attachment"]["status"] == "ready"
    assert MediaAsset.objects.count() == stored_before  # no second upload, no second file
    copy_card, original_card = forwarded["attachment"], sent["attachment"]
    assert copy_card["id"] != original_card["id"]
    original_bytes = body_of(client_for(alice).get(client_for(alice).get(
        f"/api/v1/messages/{sent['id']}/").json()["attachment"]["urls"]["view"]))
    # Carol is in the group, not in alice and bob's private chat: she gets the copy, not the original.
    assert body_of(client_for(carol).get(copy_card["urls"]["view"])) == original_bytes
    original_url = f"/api/v1/files/{original_card['id']}/view"
    assert client_for(carol).get(original_url).status_code == 404
    # Dave is in neither.
    assert client_for(dave).get(copy_card["urls"]["view"]).status_code == 404
    # Forwarding into a chat the user is not in is a 404; so is forwarding what they cannot see.
    assert client_for(bob).post(f"/api/v1/messages/{sent['id']}/forward/", {"chat_id": with_dave.id},
                                format="json").status_code == 404
    assert client_for(carol).post(f"/api/v1/messages/{sent['id']}/forward/", {"chat_id": group.id},
                                  format="json").status_code == 404


def test_deleting_the_original_keeps_a_forwarded_copy_and_the_last_one_removes_the_file(
        alice, bob, carol, pair, group, attachment_inputs, django_capture_on_commit_callbacks):
    sent = send(client_for(alice), pair, attachment_inputs["png"], django_capture_on_commit_callbacks).json()
    with django_capture_on_commit_callbacks(execute=True):
        forwarded = client_for(alice).post(f"/api/v1/messages/{sent['id']}/forward/", {"chat_id": group.id},
                                           format="json").json()
    asset = MediaAsset.objects.get()
    names = [asset.file.name, asset.poster.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(f"/api/v1/messages/{sent['id']}/?scope=everyone").status_code == 204
    assert all(private_storage.exists(n) for n in names)
    assert client_for(carol).get(forwarded["attachment"]["urls"]["view"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(f"/api/v1/messages/{forwarded['id']}/?scope=everyone").status_code == 204
    assert not any(private_storage.exists(n) for n in names)
    assert not MediaAsset.objects.exists() and not MessageAttachment.objects.exists()


@needs_ffmpeg
def test_a_video_forwarded_while_processing_gets_its_card_in_both_chats(
        alice, bob, carol, pair, group, attachment_inputs, django_capture_on_commit_callbacks):
    from chat import services
    from chat.models import ChatEvent
    from core.media_services import media_process

    with django_capture_on_commit_callbacks(execute=False):  # the job has not run yet
        answer = client_for(alice).post("/api/v1/files", {"chat": pair.id, "file": attachment_inputs["video"].open("rb")},
                                        format="multipart")
    message = Message.objects.get(id=answer.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        services.message_forward(user=alice, message=message, to_chat=group)
    assert MediaAsset.objects.get().status == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        media_process(asset_id=MediaAsset.objects.get().id)
    finished = ChatEvent.objects.filter(type="message.attachment")
    heard = sorted((e.user_id, e.payload["message"]["chat_id"]) for e in finished)
    assert heard == sorted([(alice.id, pair.id), (bob.id, pair.id),
                            (alice.id, group.id), (bob.id, group.id), (carol.id, group.id)])
    assert all(e.payload["message"]["attachment"]["status"] == "ready" for e in finished)


# --- animated GIF ----------------------------------------------------------------------------------

def test_an_animated_gif_stays_animated_without_its_metadata(alice, bob, pair, animated_gif,
                                                             django_capture_on_commit_callbacks):
    card = send(client_for(alice), pair, animated_gif, django_capture_on_commit_callbacks).json()["attachment"]
    assert card["status"] == "ready" and card["content_type"] == "image/gif" and card["animated"], card
    served = body_of(client_for(bob).get(card["urls"]["view"]))
    shown = Image.open(io.BytesIO(served))
    assert shown.format == "GIF" and shown.n_frames == 6 and shown.size == (40, 30)
    durations = [frame.info.get("duration") for frame in ImageSequence.Iterator(shown)]
    assert durations == [80] * 6
    # The square moves: the frames differ.
    shown.seek(0)
    first = shown.convert("RGB").tobytes()
    shown.seek(5)
    assert shown.convert("RGB").tobytes() != first
    assert b"Elm Street" not in served and b"xmpmeta" not in served and b"GPS" not in served
    stored = MediaAsset.objects.get()
    with stored.file.open("rb") as kept:  # the original (with its comment) is not kept either
        assert b"Elm Street" not in kept.read()
    thumbnail = Image.open(io.BytesIO(body_of(client_for(bob).get(card["urls"]["thumbnail"]))))
    assert thumbnail.format == "JPEG"


def test_a_still_gif_is_still_kept_as_png(alice, pair, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "still.gif"
    Image.new("P", (20, 20), 3).save(path, format="GIF", comment=b"home")
    card = send(client_for(alice), pair, path, django_capture_on_commit_callbacks).json()["attachment"]
    assert card["status"] == "ready" and card["content_type"] == "image/png"


def test_an_animation_too_large_in_all_its_frames_keeps_its_first_frame(alice, pair, tmp_path, settings,
                                                                       django_capture_on_commit_callbacks):
    path = tmp_path / "long.gif"
    path.write_bytes(animated_gif_with_comment())
    settings.MEDIA_IMAGE_MAX_PIXELS = 40 * 30 * 5  # one frame fits, all six do not
    card = send(client_for(alice), pair, path, django_capture_on_commit_callbacks).json()["attachment"]
    assert card["status"] == "ready" and card["content_type"] == "image/png" and not card["animated"]
    assert b"Elm Street" not in body_of(client_for(alice).get(card["urls"]["view"]))


# --- video metadata --------------------------------------------------------------------------------

@needs_ffmpeg
def test_a_videos_gps_position_and_metadata_are_removed(alice, bob, pair, located_video, tmp_path,
                                                        django_capture_on_commit_callbacks):
    assert ffprobe_tags(located_video.read_bytes(), tmp_path)["location"] == PARIS  # the input carries it
    card = send(client_for(alice), pair, located_video, django_capture_on_commit_callbacks).json()["attachment"]
    assert card["status"] == "ready" and card["kind"] == "video", card
    for variant in ("view", "download"):
        served = body_of(client_for(bob).get(card["urls"][variant]))
        tags = ffprobe_tags(served, tmp_path)
        assert not {"location", "location-eng", "title"} & set(tags), tags
        assert "PhoneCam" not in json.dumps(tags) and b"+48.8584" not in served and b"\xa9xyz" not in served
    # Still the same video: both streams, copied (not re-encoded).
    streams = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "json",
                                         str(tmp_path / "served.mp4")], capture_output=True, check=True).stdout)
    assert sorted(s["codec_name"] for s in streams["streams"]) == ["aac", "h264"]
    asset = MediaAsset.objects.get()
    with asset.file.open("rb") as kept:  # nothing kept carries the position either
        assert b"+48.8584" not in kept.read()
    assert not asset.web_copy and card["duration_seconds"] and card["width"] == 160
