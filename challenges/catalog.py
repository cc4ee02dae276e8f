"""Loading challenges from the TOML files in challenges/seed/ (see its README)."""

import tomllib
from pathlib import Path

from django.db import transaction

from core.exceptions import ValidationFailed

from .models import Challenge, TestCase

SEED_DIR = Path(__file__).resolve().parent / "seed"
REQUIRED = ("slug", "title", "type", "difficulty", "category", "statement", "starter", "tests")


def read_seed_file(path: Path) -> dict:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValidationFailed(f"{path.name} lacks {', '.join(missing)}")
    return data


def seed_files(directory: Path = SEED_DIR) -> list[Path]:
    return sorted(directory.glob("*.toml"))


@transaction.atomic
def challenge_import(data: dict, *, author=None) -> tuple[Challenge, bool]:
    """Create or update one challenge and replace its test cases. Idempotent for the same data."""
    fields = {
        "title": data["title"], "description": data.get("description", "")[:300], "type": data["type"],
        "difficulty": data["difficulty"], "category": data["category"], "tags": data.get("tags", []),
        "time_limit_ms": data.get("time_limit_ms", 2000), "memory_limit_mb": data.get("memory_limit_mb", 256),
        "checker": data.get("checker", "tokens"), "float_tolerance": data.get("float_tolerance", 1e-6),
        "statement": data["statement"], "constraints": data.get("constraints", ""),
        "examples": data.get("examples", []), "hints": data.get("hints", []),
        "solution_explanation": data.get("solution_explanation", ""),
        "starter_code": data.get("starter", {}), "reference_solutions": data.get("reference", {}),
        "forbidden_keywords": data.get("validation", {}).get("forbidden_keywords", []),
        "required_keywords": data.get("validation", {}).get("required_keywords", []),
        "scenario": data.get("scenario", {}),
    }
    challenge = Challenge.objects.filter(slug=data["slug"]).first()
    created = challenge is None
    if created:
        challenge = Challenge(slug=data["slug"], author=author)
    changed = created or any(getattr(challenge, k) != v for k, v in fields.items())
    for key, value in fields.items():
        setattr(challenge, key, value)
    if changed:
        challenge.save()
    wanted = [(t.get("input", ""), t.get("output", ""), bool(t.get("hidden", True)), int(t.get("weight", 1)))
              for t in data["tests"]]
    existing = [(c.input, c.expected_output, c.is_hidden, c.weight) for c in challenge.test_cases.all()]
    if wanted != existing:
        challenge.test_cases.all().delete()
        TestCase.objects.bulk_create([
            TestCase(challenge=challenge, order=i, input=inp, expected_output=out, is_hidden=hidden, weight=weight)
            for i, (inp, out, hidden, weight) in enumerate(wanted)
        ])
    return challenge, created


def catalog_load(directory: Path = SEED_DIR) -> int:
    count = 0
    for path in seed_files(directory):
        challenge_import(read_seed_file(path))
        count += 1
    return count
