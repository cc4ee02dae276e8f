"""A room's document as the server stored it, read through the rooms' selectors of the checkout
whose server ran (tests/live_server.py's `server_root`): its storage may differ from this one's."""

import base64
import json
import subprocess
import tempfile
from pathlib import Path

from pycrdt import Doc, Text

from tests.live_server import ROOT, process_env, server_root

READ_ELSEWHERE = """
import base64, json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from collaboration import selectors
print(json.dumps([base64.b64encode(bytes(u)).decode() for u in selectors.document_updates(room_id={room_id!r})]))
"""


def stored_updates(room_id) -> list[bytes]:
    root = server_root()
    if root == ROOT:
        from collaboration import selectors

        return selectors.document_updates(room_id=room_id)
    run = subprocess.run([str(root / ".venv" / "bin" / "python"), "-c", READ_ELSEWHERE.format(room_id=str(room_id))],
                         cwd=root, env=process_env(Path(tempfile.gettempdir())), capture_output=True, text=True,
                         timeout=60, check=True)
    return [base64.b64decode(u) for u in json.loads(run.stdout.strip().splitlines()[-1])]


def stored_document(room_id) -> Doc:
    from collaboration.documents import TEXT_NAME

    doc = Doc()
    doc.get(TEXT_NAME, type=Text)
    for update in stored_updates(room_id):
        doc.apply_update(update)
    return doc


def text_of(doc: Doc) -> str:
    from collaboration.documents import TEXT_NAME

    return str(doc.get(TEXT_NAME, type=Text))
