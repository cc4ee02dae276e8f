"""Turns one uploaded image into the avatar PNG in a child process: image bytes on stdin, the PNG
on stdout. Decoding is where a small file becomes hundreds of megabytes, so the parent runs this
with a memory and CPU limit, a few at a time, and the web process never holds the pixels.
Exit 0: the PNG follows; exit 2: stdout names why the image was refused. No Django here."""

import io
import sys

FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def avatar_png(data: bytes, *, side: int, max_pixels: int) -> bytes:
    from PIL import Image

    # Pillow's own bomb check, at our bound (it raises at twice MAX_IMAGE_PIXELS, warns above it).
    Image.MAX_IMAGE_PIXELS = max_pixels // 2
    probe = Image.open(io.BytesIO(data))
    if probe.format not in FORMATS:
        raise ValueError("not an image we take")
    if probe.width * probe.height > max_pixels:
        raise Image.DecompressionBombError("too many pixels")
    probe.verify()
    image = Image.open(io.BytesIO(data))
    image.seek(0)
    crop = min(image.size)
    left, top = (image.width - crop) // 2, (image.height - crop) // 2
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale straight away when that still leaves enough pixels.
        image.draft("RGB", (max(side, image.width * side // crop), max(side, image.height * side // crop)))
        scale = image.size[0] / probe.width
        crop, left, top = round(crop * scale), round(left * scale), round(top * scale)
    image.load()
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    # One resize from the centred square: no full-size crop or RGBA copy of a big image.
    avatar = image.resize((side, side), box=(left, top, left + crop, top + crop), reducing_gap=3.0)
    buffer = io.BytesIO()
    avatar.convert("RGBA").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def main() -> int:
    from PIL import Image, UnidentifiedImageError

    side, max_pixels = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    try:
        png = avatar_png(data, side=side, max_pixels=max_pixels)
    except Image.DecompressionBombError:
        sys.stdout.write("too_many_pixels")
        return 2
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        sys.stdout.write("not_image")
        return 2
    sys.stdout.buffer.write(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
