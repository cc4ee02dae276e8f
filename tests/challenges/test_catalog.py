"""Loading the seeded challenges into the database: generated tests get their outputs from the
reference solution through the real judge, and loading again changes nothing and runs nothing."""

import shutil
import time

import pytest
from django.core.management import call_command

from challenges import services
from challenges.catalog import SEED_DIR, catalog_load, read_seed_file, seed_files
from challenges.judge import Judge
from challenges.models import Challenge, TestCase
from core.exceptions import ValidationFailed


class CountingJudge(Judge):
    """The real judge, counting the runs the loader asks for."""

    def __init__(self):
        super().__init__()
        self.runs = 0

    def execute(self, *args, **kwargs):
        self.runs += 1
        return super().execute(*args, **kwargs)


def _generated_count(directory=SEED_DIR) -> int:
    return sum("generator" in t for p in seed_files(directory) for t in read_seed_file(p)["tests"])


def _snapshot():
    return {c.slug: (c.updated_at, list(c.test_cases.values_list("id", "input", "expected_output")))
            for c in Challenge.objects.prefetch_related("test_cases")}


@pytest.mark.django_db
def test_loading_the_seed_twice_changes_nothing_and_runs_no_reference():
    judge = CountingJudge()
    started = time.monotonic()
    assert catalog_load(judge=judge) == len(seed_files()) >= 30
    first_load = time.monotonic() - started
    assert judge.runs == _generated_count() >= 40
    expected_tests = sum(len(read_seed_file(p)["tests"]) for p in seed_files())
    assert TestCase.objects.count() == expected_tests
    before = _snapshot()

    started = time.monotonic()
    catalog_load(judge=judge)
    second_load = time.monotonic() - started
    assert judge.runs == _generated_count()  # nothing ran again
    assert _snapshot() == before  # same rows, same ids, same timestamps
    assert TestCase.objects.count() == expected_tests
    print(f"first load {first_load:.1f} s, second load {second_load:.1f} s")


@pytest.mark.django_db
def test_stored_generated_tests_are_the_stress_tests(db):
    catalog_load(judge=Judge())
    two_sum = Challenge.objects.get(slug="two-sum")
    biggest = max(two_sum.test_cases.all(), key=lambda t: len(t.input))
    assert biggest.is_hidden and biggest.weight == 3
    assert biggest.input.startswith("15000 ") and len(biggest.input) > 100_000
    assert biggest.expected_output == "37 14995\n"


@pytest.mark.django_db
def test_a_changed_reference_makes_the_outputs_again(tmp_path):
    path = next(p for p in seed_files() if p.stem.startswith("a05"))
    shutil.copy(path, tmp_path / path.name)
    judge = CountingJudge()
    catalog_load(tmp_path, judge=judge)
    assert judge.runs == 2
    ids = list(TestCase.objects.values_list("id", flat=True))

    text = (tmp_path / path.name).read_text()
    (tmp_path / path.name).write_text(text.replace("[reference]\npython = '''\n", "[reference]\npython = '''\n# v2\n", 1))
    catalog_load(tmp_path, judge=judge)
    assert judge.runs == 4  # the new reference made the generated outputs
    assert "# v2" in Challenge.objects.get(slug="max-subarray-sum").reference_solutions["python"]
    assert list(TestCase.objects.values_list("id", flat=True)) == ids  # same outputs: tests untouched


@pytest.mark.django_db
def test_a_reference_that_fails_on_a_generated_test_is_refused(tmp_path):
    path = next(p for p in seed_files() if p.stem.startswith("a01"))
    text = path.read_text()
    start = text.index("[reference]\npython = '''\n") + len("[reference]\npython = '''\n")
    (tmp_path / path.name).write_text(text[:start] + "import sys\nsys.exit(3)\n" + text[start:])
    with pytest.raises(ValidationFailed, match="RE"):
        catalog_load(tmp_path, judge=Judge())
    assert not Challenge.objects.filter(slug="two-sum").exists()


@pytest.mark.django_db
def test_seed_challenges_command_loads_everything():
    call_command("seed_challenges")
    assert Challenge.objects.count() == len(seed_files())
    lis = Challenge.objects.get(slug="longest-increasing-subsequence")
    assert lis.test_cases.filter(is_hidden=False).count() == len(read_seed_file(
        next(p for p in seed_files() if p.stem.startswith("b09")))["examples"])
    assert max(len(t.input) for t in lis.test_cases.all()) > 150_000


@pytest.mark.django_db
def test_upsert_needs_every_output():
    with pytest.raises(ValidationFailed):
        services.challenge_upsert({"slug": "x", "title": "X", "type": "dsa", "difficulty": "easy",
                                   "category": "math", "statement": "s", "tests": [{"input": "1\n"}]})
    assert not Challenge.objects.exists()
