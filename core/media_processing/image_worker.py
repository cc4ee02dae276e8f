"""The limited child process that decodes one image (core.media_processing.images.render_image):
argv = kind, max pixels, thumbnail side, output folder; the image's bytes on stdin. It writes
`image` and `thumbnail` into the folder and prints one JSON line: {"ok": true, sizes...} or
{"ok": false, "code", "message"}. The parent (core.media_services) runs it under CPU, memory and
file-size limits (core.limited_child). No Django here."""

import json
import os
import sys

from core.media_processing.images import ImageRefused, render_image, sniff_image


def main() -> int:
    from PIL import Image, UnidentifiedImageError

    kind_name, max_pixels, side, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    data = sys.stdin.buffer.read()
    kind = sniff_image(data[:64])
    if kind is None or kind.name != kind_name:
        print(json.dumps({"ok": False, "code": "corrupt_image", "message": "The file is not the image it was."}))
        return 0
    try:
        rendered = render_image(data, kind, max_pixels=max_pixels, thumbnail_side=side)
    except ImageRefused as refusal:
        print(json.dumps({"ok": False, "code": refusal.code, "message": refusal.message}))
        return 0
    except Image.DecompressionBombError:
        print(json.dumps({"ok": False, "code": "too_many_pixels",
                          "message": f"The image has more than {max_pixels / 1_000_000:g} megapixels."}))
        return 0
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        print(json.dumps({"ok": False, "code": "corrupt_image",
                          "message": f"The image is damaged and cannot be decoded ({str(error)[:120]})."}))
        return 0
    with open(os.path.join(folder, "image"), "wb") as out:
        out.write(rendered.image)
    with open(os.path.join(folder, "thumbnail"), "wb") as out:
        out.write(rendered.thumbnail)
    print(json.dumps({"ok": True, "width": rendered.width, "height": rendered.height,
                      "thumbnail_width": rendered.thumbnail_width, "thumbnail_height": rendered.thumbnail_height,
                      "frames": rendered.frames}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
