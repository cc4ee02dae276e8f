"""The committed bundle in static/dist (esbuild with code splitting, ES modules): the heavy
libraries are in one file each, and a page downloads only what its entry script imports."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "static" / "dist"
STATIC_IMPORT = re.compile(r'(?:from|import)\s*"(\./[^"]+\.js)"')  # not import("..."): loaded on demand
# A string that exists once in each library's code, whatever the minifier renames.
CODEMIRROR = "Mark decorations may not be empty"
YJS = "Unexpected content type in insert operation"
PYTHON_MODE = "ZeroDivisionError"  # among @codemirror/lang-python's completions


def static_closure(entry: str) -> set[Path]:
    """The files a page's entry script loads before it runs."""
    seen, todo = set(), [DIST / entry]
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(path.parent / found for found in STATIC_IMPORT.findall(path.read_text()))
    return seen


def containing(marker: str, files) -> list[Path]:
    return [path for path in files if marker in path.read_text()]


def size(files) -> int:
    return sum(path.stat().st_size for path in files)


def test_each_heavy_library_is_bundled_once():
    everything = list(DIST.rglob("*.js"))
    assert len(containing(CODEMIRROR, everything)) == 1
    assert len(containing(YJS, everything)) == 1


@pytest.mark.parametrize("entry", ["main.js", "builder.js", "replay.js"])
def test_pages_without_a_code_editor_do_not_load_codemirror(entry):
    assert not containing(CODEMIRROR, static_closure(entry))


def test_the_shared_bundle_every_page_loads_stays_small():
    assert size(static_closure("main.js")) < 100 * 1024
    assert not containing(YJS, static_closure("main.js"))


def test_editor_pages_load_one_codemirror_and_their_language_on_demand():
    for entry in ("editor.js", "room.js"):
        loaded = static_closure(entry)
        assert len(containing(CODEMIRROR, loaded)) == 1, entry
        # Language modes are dynamic imports: none of them is in the first download.
        assert not containing(PYTHON_MODE, loaded) and size(loaded) < 600 * 1024, entry
    assert len(containing(PYTHON_MODE, DIST.rglob("*.js"))) == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the shared ES module")
def test_html_escaping_also_escapes_quotes():
    """`href="${escapeHtml(url)}"` must not be broken out of."""
    script = ('import { escapeHtml } from "./static/src/shared/html_escape.js";'
              'process.stdout.write(escapeHtml(`"><img src=x onerror=alert(1)>\'&`))')
    out = subprocess.run(["node", "--input-type=module", "-e", script], cwd=DIST.parents[1], capture_output=True,
                         text=True, check=True).stdout
    assert out == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"
