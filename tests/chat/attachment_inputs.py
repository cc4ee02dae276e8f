"""Real files for the attachment tests, made by tools we did not write: Pillow writes the images
(one with EXIF GPS position and a rotation), ffmpeg's test sources make the video and the audio,
and a real program of this machine (/bin/true) is renamed to look like a photo."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

HAVE_FFMPEG = bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps() -> bytes:
    """1200 × 800 pixels stored sideways (EXIF orientation 6: shown 800 × 1200), with a camera
    make and a GPS position in its EXIF."""
    image = Image.new("RGB", (1200, 800), (30, 120, 200))
    for x in range(0, 1200, 100):
        image.paste((240, 200, 40), (x, 0, x + 50, 800))
    exif = Image.Exif()
    exif[0x010F] = "PrepForgeTestCam"
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 28.0, 38.0), 3: "W", 4: (0.0, 0.0, 5.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (64, 40), (200, 0, 0, 128))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


@pytest.fixture(scope="session")
def attachment_inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("attachments")
    made: dict[str, Path] = {}
    (folder / "holiday.jpg").write_bytes(jpeg_with_gps())
    made["jpeg_gps"] = folder / "holiday.jpg"
    (folder / "logo.png").write_bytes(png_with_alpha())
    made["png"] = folder / "logo.png"
    made["program_named_jpg"] = folder / "cat.jpg"
    shutil.copy("/bin/true", made["program_named_jpg"])
    made["pdf_named_png"] = folder / "notes.png"
    made["pdf_named_png"].write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    if HAVE_FFMPEG:
        made["video"] = folder / "clip.mp4"
        _ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=15:duration=2", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", str(made["video"]))
        made["audio"] = folder / "tone.ogg"
        _ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=3", "-c:a", "libopus", str(made["audio"]))
        made["voice_webm"] = folder / "voice.webm"
        _ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=2", "-c:a", "libopus", "-f", "webm",
                str(made["voice_webm"]))
    return made


needs_ffmpeg = pytest.mark.skipif(not HAVE_FFMPEG, reason="Debian's ffmpeg is not installed (apt-get install ffmpeg)")
