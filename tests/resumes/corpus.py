"""The real-resume corpus in ../shared/corpus (read in place, never copied here) and its scorer,
run against the parse worker that reads every upload (`python -m resumes.parse_worker --summary`,
which prints what `manage.py parse_resume --json` prints without starting Django once per file;
tests/resumes/test_corpus.py checks that the two agree)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SCORER = CORPUS / "score_resumes.py"
# The targets of issue 9, per field of the scorer.
TARGETS = {"overall": 0.92, "experience": 0.88, "education": 0.88, "name": 0.95, "sections": 0.90,
           "skills": 0.90, "skills_precision": 0.90}


PARSE_COMMAND = [sys.executable, "-m", "resumes.parse_worker", "--summary"]


def score_corpus(*extra: str) -> dict:
    """The scorer's figures as JSON: {"overall", "fields": {...}, "files": {name: [held, made]}}."""
    finished = subprocess.run(
        [sys.executable, str(SCORER), "--json", *extra, "--", *PARSE_COMMAND], capture_output=True, text=True, cwd=ROOT, timeout=900, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def shortfalls(figures: dict) -> dict[str, tuple[float, float]]:
    got = {"overall": figures["overall"], **figures["fields"]}
    return {field: (got.get(field, 0.0), target) for field, target in TARGETS.items() if got.get(field, 0.0) < target}
