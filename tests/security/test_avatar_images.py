"""Image bombs as avatars: a small file that declares a huge image is refused from its header,
before anything is decoded; images within the bound are decoded in a child process with a memory
limit, a few at a time, so the web process's memory does not move."""

import re
import struct
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from challenges.judge.slots import SlotPool

pytestmark = pytest.mark.django_db

MB = 1024


def png_of_size(width: int, height: int, *, alpha: bool = False) -> bytes:
    """A real, valid PNG of blank rows: megapixels of image in a file of a few kilobytes. Written
    row by row, so that making it costs this process no memory either."""
    channels, colour_type = (4, 6) if alpha else (3, 2)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    deflate, row = zlib.compressobj(9), b"\x00" * (width * channels + 1)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class PeakMemory:
    """This process's peak resident memory since the start of the block (Linux's VmHWM, reset
    through /proc/self/clear_refs)."""

    def __enter__(self):
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pytest.skip("this kernel does not let a process reset its peak memory (/proc/self/clear_refs)")
        self.start = self._status("VmRSS")
        return self

    def __exit__(self, *exc):
        self.grew_kb = self._status("VmHWM") - self.start

    @staticmethod
    def _status(field: str) -> int:
        return int(re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))


def test_a_small_png_with_huge_dimensions_is_refused_with_a_clear_error(auth_client, user):
    data = png_of_size(6300, 6300)  # the review's file: ~115 KB, 39.7 megapixels
    assert len(data) < 200 * 1024
    warm_up = auth_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("x.png", b"not an image")},
                               format="multipart")  # first-request imports are not the image's doing
    assert warm_up.status_code == 400
    with PeakMemory() as memory:
        response = auth_client.post("/api/v1/me/avatar/",
                                    {"avatar": SimpleUploadedFile("big.png", data, content_type="image/png")},
                                    format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "avatar_too_many_pixels"
    assert error["details"]["avatar"] == [
        "This image is 6300 × 6300 pixels; the largest we take is 25 megapixels. Scale it down and upload it again."]
    assert memory.grew_kb < 20 * MB, f"this process grew by {memory.grew_kb // MB} MB"
    user.profile.refresh_from_db()
    assert not user.profile.avatar


def test_the_settings_page_shows_the_pixel_error(client, user):
    client.force_login(user)
    response = client.post("/settings/avatar/", {"avatar": SimpleUploadedFile("big.png", png_of_size(8000, 8000))})
    assert response.status_code == 400
    assert "This image is 8000 × 8000 pixels" in response.content.decode()


def test_a_big_image_within_the_bound_is_decoded_outside_this_process(auth_client, user):
    # 25 megapixels with alpha: about 100 MB once decoded, more while cropping. None of it here.
    data = png_of_size(5000, 5000, alpha=True)
    with PeakMemory() as memory:
        response = auth_client.post("/api/v1/me/avatar/",
                                    {"avatar": SimpleUploadedFile("ok.png", data, content_type="image/png")},
                                    format="multipart")
    assert response.status_code == 200, response.content
    assert memory.grew_kb < 30 * MB, f"this process grew by {memory.grew_kb // MB} MB"
    from PIL import Image

    user.profile.refresh_from_db()
    with user.profile.avatar.open("rb") as handle:
        avatar = Image.open(handle)
        assert avatar.format == "PNG" and avatar.size == (256, 256)


def test_decoding_is_bounded_and_a_busy_moment_is_a_clear_error(auth_client, user, settings, tmp_path):
    settings.AVATAR_DECODE_CONCURRENCY = 2
    settings.AVATAR_DECODE_LOCK_DIR = str(tmp_path / "decoders")
    settings.AVATAR_DECODE_QUEUE_SECONDS = 0.3
    decoders = SlotPool(2, lock_dir=tmp_path / "decoders")
    data = png_of_size(400, 300)
    with ExitStack() as held:
        for _ in range(2):  # both decoders busy with other people's images
            held.enter_context(decoders.acquire(timeout=1))
        started = time.monotonic()
        response = auth_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("me.png", data)},
                                    format="multipart")
        assert time.monotonic() - started < 5
    assert response.status_code == 503 and response.json()["error"]["code"] == "busy"
    assert "Try again" in response.json()["error"]["message"]
    # Once one is free, the same upload goes through.
    response = auth_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("me.png", data)},
                                format="multipart")
    assert response.status_code == 200


def test_a_decoder_that_runs_out_of_memory_is_refused_not_fatal(auth_client, settings):
    settings.AVATAR_DECODE_MEMORY = 96 * 1024 * 1024  # less than this image needs once decoded
    data = png_of_size(4000, 4000, alpha=True)
    response = auth_client.post("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("me.png", data)},
                                format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "avatar_unprocessable"
    assert "Try a smaller one" in response.json()["error"]["details"]["avatar"][0]
