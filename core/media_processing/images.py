"""Still images in the media pipeline, with no Django inside: what the bytes are (PNG, JPEG, GIF,
WebP, never the name), and the two copies that are ever served, made from a fresh decode: the
image itself re-encoded without its metadata (EXIF with GPS position, XMP, comments, anything
after the image data), turned upright first, and a small thumbnail. Decoding is where a small
file becomes hundreds of megabytes, so this runs only in the limited child process
(core.media_processing.image_worker, started by core.limited_child)."""

import io
from dataclasses import dataclass

# Magic bytes -> (our name, content type, extension). Pillow decodes exactly these (formats= below).
IMAGE_FORMATS = {
    "png": ("PNG", "image/png", "png"),
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "gif": ("GIF", "image/gif", "gif"),
    "webp": ("WEBP", "image/webp", "webp"),
}


@dataclass(frozen=True)
class ImageKind:
    name: str  # png, jpeg, gif, webp
    content_type: str
    extension: str


class ImageRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def sniff_image(head: bytes) -> ImageKind | None:
    """The image format of a file from its first bytes, or None when it is not an image we take."""
    name = None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        name = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        name = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        name = "gif"
    elif head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        name = "webp"
    if name is None:
        return None
    _, content_type, extension = IMAGE_FORMATS[name]
    return ImageKind(name, content_type, extension)


def too_many_pixels(width: int, height: int, max_pixels: int) -> ImageRefused:
    return ImageRefused(f"This image is {width} × {height} pixels; the largest we take is "
                        f"{max_pixels / 1_000_000:g} megapixels. Scale it down and send it again.",
                        code="too_many_pixels")


def image_header_size(data_head, kind: ImageKind, max_pixels: int) -> tuple[int, int]:
    """Width and height from the header alone (Pillow opens lazily: nothing is decoded), refusing
    a file that is not really `kind` or that declares more than `max_pixels`."""
    from PIL import Image, UnidentifiedImageError

    try:
        probe = Image.open(data_head, formats=[IMAGE_FORMATS[kind.name][0]])
        width, height = probe.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRefused("The image is damaged (its header cannot be read).", code="corrupt_image")
    if width * height > max_pixels:
        raise too_many_pixels(width, height, max_pixels)
    return width, height


@dataclass
class RenderedImage:
    image: bytes  # the upright image, re-encoded without metadata
    thumbnail: bytes  # JPEG (transparency shows as white)
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    frames: int = 1  # more than one: an animated GIF or WebP, written back as one


# What EXIF orientation asks for, as Pillow's own exif_transpose does it (applied to every frame).
_ORIENTATION_TRANSPOSE = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
                          6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}


def _clean_frames(source, max_pixels: int) -> tuple[list, list[int], int] | None:
    """The frames of an animated GIF or WebP as new images holding pixels only (upright), with
    each frame's duration and the loop count; None when it has one frame or when all its frames
    together hold more than `max_pixels` (then only the first frame is kept, as for any image)."""
    from PIL import Image, ImageSequence

    frame_count = getattr(source, "n_frames", 1)
    if frame_count < 2 or frame_count * source.width * source.height > max_pixels:
        return None
    orientation = source.getexif().get(0x0112)
    method = _ORIENTATION_TRANSPOSE.get(orientation) if orientation else None
    frames, durations = [], []
    for frame in ImageSequence.Iterator(source):
        pixels = frame.convert("RGBA")
        if method:
            pixels = pixels.transpose(getattr(Image.Transpose, method))
        clean = Image.new("RGBA", pixels.size)
        clean.paste(pixels)
        frames.append(clean)
        durations.append(max(int(frame.info.get("duration") or 100), 20))
    return frames, durations, int(source.info.get("loop", 0) or 0)


def _save_animation(frames: list, durations: list[int], loop: int, kind: "ImageKind") -> bytes:
    # Only the frames, their timing and the loop count are written: no comment, XMP or EXIF.
    out = io.BytesIO()
    if kind.name == "webp":
        frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:], duration=durations, loop=loop,
                       quality=90)
    else:
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=loop,
                       disposal=2)
    return out.getvalue()


def render_image(data: bytes, kind: ImageKind, *, max_pixels: int, thumbnail_side: int) -> RenderedImage:
    """Decode (only `kind`, never another parser), check the pixel bound, turn it upright as its
    EXIF orientation says, and re-encode it and a thumbnail of at most `thumbnail_side` pixels a
    side. An animated GIF or WebP stays animated (every frame rebuilt from its pixels, with its
    timing), unless its frames together pass `max_pixels`: then it keeps its first frame, as a
    still GIF is kept, as PNG. Nothing of the original's metadata is copied: a new image is built
    from the pixels alone."""
    from PIL import Image, ImageOps

    pillow_format = IMAGE_FORMATS[kind.name][0]
    Image.MAX_IMAGE_PIXELS = max_pixels // 2  # Pillow's own bomb check raises at twice this
    probe = Image.open(io.BytesIO(data), formats=[pillow_format])
    if probe.width * probe.height > max_pixels:
        raise too_many_pixels(probe.width, probe.height, max_pixels)
    probe.verify()
    source = Image.open(io.BytesIO(data), formats=[pillow_format])
    animation = _clean_frames(source, max_pixels) if kind.name in ("gif", "webp") else None
    source.seek(0)
    source.load()
    upright = ImageOps.exif_transpose(source) or source
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    pixels = upright.convert("RGBA" if has_alpha else "RGB")
    # A new image holding the pixels only: no info dict, no EXIF, ICC, XMP or comments carried over.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)

    out = io.BytesIO()
    if animation is not None:
        out.write(_save_animation(*animation, kind))
    elif kind.name == "jpeg":
        clean.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    elif kind.name == "webp":
        clean.save(out, format="WEBP", quality=90)
    else:  # PNG and GIF (its first frame) are kept lossless
        clean.save(out, format="PNG", optimize=True)

    thumb = clean.copy()
    thumb.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if has_alpha:
        backdrop = Image.new("RGB", thumb.size, (255, 255, 255))
        backdrop.paste(thumb, mask=thumb.getchannel("A"))
        thumb = backdrop
    thumb_out = io.BytesIO()
    thumb.convert("RGB").save(thumb_out, format="JPEG", quality=82, optimize=True)
    return RenderedImage(image=out.getvalue(), thumbnail=thumb_out.getvalue(),
                         width=clean.width, height=clean.height, thumbnail_width=thumb.width,
                         thumbnail_height=thumb.height, frames=len(animation[0]) if animation else 1)
