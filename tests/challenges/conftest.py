import pytest

from challenges.catalog import challenge_import

SUM_SOURCE = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture
def challenge(db):
    return sum_two_challenge()


def sum_two_challenge():
    challenge, _ = challenge_import({
        "slug": "sum-two", "title": "Sum Two", "type": "dsa", "difficulty": "easy", "category": "math",
        "tags": ["math", "warm-up"], "description": "Add two integers.",
        "statement": "Print **a + b**.", "constraints": "- |a|, |b| <= 10^9",
        "examples": [{"input": "1 2", "output": "3", "explanation": "1 + 2 = 3"}],
        "hints": ["Read both numbers.", "Add them."], "solution_explanation": "Just add.",
        "starter": {"python": "# read a and b\n", "javascript": "// TODO\n", "cpp": "int main(){}\n"},
        "reference": {"python": SUM_SOURCE},
        "validation": {"forbidden_keywords": ["eval"]},
        "scenario": {"background": "Billing is down", "distractions": ["PM: any news?"]},
        "tests": [
            {"input": "1 2\n", "output": "3\n", "hidden": False, "weight": 1},
            {"input": "10 -3\n", "output": "7\n", "hidden": False, "weight": 1},
            {"input": "1000000000 1000000000\n", "output": "2000000000\n", "hidden": True, "weight": 2},
        ],
    })
    return challenge


def plain_challenge(slug: str, title: str, difficulty: str = "easy", *, tests: int = 1, time_limit_ms: int = 2000,
                    solution: str = "Echo it.", hints: list[str] | None = None):
    """An echo challenge written straight through the service (no reference solution is run)."""
    from challenges.services import challenge_upsert

    challenge, _ = challenge_upsert({
        "slug": slug, "title": title, "type": "dsa", "difficulty": difficulty, "category": "io",
        "statement": "Print the number you read.", "solution_explanation": solution, "hints": hints or [],
        "time_limit_ms": time_limit_ms,
        "tests": [{"input": f"{n}\n", "output": f"{n}\n", "hidden": n > 0} for n in range(tests)],
    })
    return challenge
