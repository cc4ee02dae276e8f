"""Resume parsing accuracy on the real corpus (../shared/corpus), per field, against issue 9's
targets: printed, with the misses, so that a change's effect on each field is visible."""

import subprocess
import sys

import pytest

from tests.resumes.corpus import CORPUS, ROOT, SCORER, TARGETS, score_corpus


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_resume_corpus_figures():
    table = subprocess.run([sys.executable, str(SCORER), "--show-misses", "--", sys.executable,
                            str(ROOT / "manage.py"), "parse_resume", "--json"],
                           capture_output=True, text=True, cwd=ROOT, timeout=900)
    print("\n" + table.stdout)
    figures = score_corpus()
    got = {"overall": figures["overall"], **figures["fields"]}
    print(f"\n{'field':18} {'parsed':>7} {'target':>7}")
    for field, value in sorted(got.items()):
        target = TARGETS.get(field)
        print(f"{field:18} {value:7.1%} " + (f"{target:7.0%} {'ok' if value >= target else 'BELOW'}" if target else ""))
