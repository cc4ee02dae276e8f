"""Loading challenges from the TOML files in challenges/seed/ (format in its README).

An interface, like a management command: it reads a seed file, makes the inputs of its generated
tests (challenges/seed/generators/), gets their expected outputs by running the challenge's
reference solution through the judge, and hands the complete spec to
`services.challenge_upsert`, which does the writing.
"""

import importlib
import os
import random
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.exceptions import ValidationFailed

from .judge import Verdict, verdict_for
from .judge_gateway import require_judge, runtime_for
from .models import Challenge
from .selectors import challenge_known_outputs
from .services import challenge_upsert, judge_limits

SEED_DIR = Path(__file__).resolve().parent / "seed"
GENERATORS = "challenges.seed.generators"
REQUIRED = ("slug", "title", "type", "difficulty", "category", "statement", "starter", "tests")
REFERENCE_LANGUAGE = "python"  # every seeded challenge has one; it makes the generated outputs


def _check_test_entry(name: str, index: int, test: dict) -> None:
    if "generator" in test:
        extra = {"input", "output"} & set(test)
        if extra or not isinstance(test.get("seed"), int) or not isinstance(test.get("args", {}), dict):
            raise ValidationFailed(f"{name}: test {index} names a generator, so it needs an integer seed, "
                                   f"an optional args table, and no input or output.")
    elif not isinstance(test.get("output"), str):
        raise ValidationFailed(f"{name}: test {index} has no output (only generated tests get theirs "
                               f"from the reference solution).")


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def read_seed_file(path: Path) -> dict:
    """A seed file as a spec: its examples become the first, visible tests (weight 1), then come
    its [[tests]]: hand-written ones with input and output, generated ones naming a generator."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValidationFailed(f"{path.name} lacks {', '.join(missing)}")
    for index, test in enumerate(data["tests"]):
        _check_test_entry(path.name, index, test)
    samples = [{"input": _with_newline(e["input"]), "output": _with_newline(e["output"]), "hidden": False,
                "weight": 1} for e in data.get("examples", [])]
    return {**data, "tests": samples + data["tests"]}


def seed_files(directory: Path = SEED_DIR) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def generator_module_name(slug: str) -> str:
    return f"{GENERATORS}.{slug.replace('-', '_')}"


def generated_input(slug: str, test: dict) -> str:
    """The input of a generated test: the same (generator, seed, args) always gives the same text."""
    module = importlib.import_module(generator_module_name(slug))
    name = test["generator"]
    function = getattr(module, name, None) if not name.startswith("_") else None
    if not callable(function):
        raise ValidationFailed(f"{slug}: no generator {name!r} in {module.__name__}.")
    text = function(random.Random(test["seed"]), **test.get("args", {}))
    if not isinstance(text, str):
        raise ValidationFailed(f"{slug}: generator {name!r} must return the input as text.")
    return text


def reference_output(data: dict, stdin: str, *, judge=None, label: str = "") -> str:
    """Run the challenge's reference solution on `stdin` through the judge, within the challenge's
    own limits, and return its output. A reference that does not finish cleanly is an error in the
    seed (a stress test too big for the limits, or a wrong generator), never a silent bad test."""
    judge = judge or require_judge()
    runtime = runtime_for(REFERENCE_LANGUAGE)
    limits = judge_limits(time_limit_ms=data.get("time_limit_ms", 2000),
                          memory_limit_mb=data.get("memory_limit_mb", 256))
    source = data.get("reference", {}).get(REFERENCE_LANGUAGE)
    if not source:
        raise ValidationFailed(f"{data['slug']}: generated tests need a {REFERENCE_LANGUAGE} reference solution.")
    compiled, execution = judge.execute(runtime, source, stdin, limits)
    if execution is None:
        raise ValidationFailed(f"{data['slug']}: the reference does not compile: {compiled.output[:500]}")
    verdict = verdict_for(execution, runtime, limits)
    if verdict != Verdict.AC:
        stderr = execution.stderr.decode("utf-8", errors="replace")[-500:]
        raise ValidationFailed(f"{data['slug']}: the reference gave {verdict} on {label or 'a generated test'} "
                               f"({execution.message}) {stderr}".strip())
    return execution.stdout.decode("utf-8", errors="replace")


def challenge_spec_build(data: dict, *, judge=None, known_outputs: dict[str, str] | None = None) -> dict:
    """The complete spec for `services.challenge_upsert`: a copy of `data` whose generated tests
    carry their input and expected output. `known_outputs` maps inputs to outputs already made by
    this same reference solution (those stored in the database), so only new inputs are run, side
    by side (the judge takes a slot per run)."""
    known_outputs = known_outputs or {}
    inputs: dict[int, str] = {}
    for index, test in enumerate(data["tests"]):
        _check_test_entry(data["slug"], index, test)
        if "generator" in test:
            inputs[index] = generated_input(data["slug"], test)
    to_run = [index for index, stdin in inputs.items() if stdin not in known_outputs]
    outputs = {index: known_outputs[stdin] for index, stdin in inputs.items() if stdin in known_outputs}
    if to_run:
        judge = judge or require_judge()
        with ThreadPoolExecutor(max_workers=min(len(to_run), os.cpu_count() or 2)) as pool:
            made = pool.map(lambda index: reference_output(
                data, inputs[index], judge=judge,
                label=f"generated test {data['tests'][index]['generator']} (seed {data['tests'][index]['seed']})"),
                to_run)
            outputs.update(zip(to_run, made, strict=True))
    tests = [
        {"input": inputs[index], "output": outputs[index], "hidden": test.get("hidden", True),
         "weight": test.get("weight", 1)} if index in inputs else test
        for index, test in enumerate(data["tests"])
    ]
    return {**data, "tests": tests}


def challenge_import(data: dict, *, author=None, judge=None) -> tuple[Challenge, bool]:
    """Create or update one challenge from a seed spec (generated tests allowed). Idempotent: an
    unchanged challenge is left untouched and its reference solution is not run again."""
    known = challenge_known_outputs(slug=data["slug"], reference_solutions=data.get("reference", {}),
                                    time_limit_ms=data.get("time_limit_ms", 2000),
                                    memory_limit_mb=data.get("memory_limit_mb", 256))
    return challenge_upsert(challenge_spec_build(data, judge=judge, known_outputs=known), author=author)


def catalog_load(directory: Path = SEED_DIR, *, judge=None) -> int:
    count = 0
    for path in seed_files(directory):
        challenge_import(read_seed_file(path), judge=judge)
        count += 1
    return count
