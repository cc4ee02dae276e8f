"""Interview engine speed, against references measured in the same run (printed, never asserted).

- Offline evaluation of one answer: p95 over every sample answer of the seed questions. Target:
  under 50 ms. Reference: the least any keyword-based evaluator does, a plain substring scan of the
  lower-cased answer for each of the question's keywords and talking-point keywords.
- Next-question choice from 1,000 questions. Target: under 100 ms. Reference: sorting the same
  1,000 questions by their distance from the wanted difficulty (the choice's minimal work)."""

import dataclasses
import glob
import statistics
import time
import tomllib
from pathlib import Path

from interviews.engine import SessionState, choose_next, evaluate, parse_question
from interviews.engine.calibration import PRIORS

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [parse_question(item) for path in sorted(glob.glob(str(ROOT / "interviews/seed/questions/*.toml")))
             for item in tomllib.loads(Path(path).read_text())["question"]]
ROUNDS = 5


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def reference_scan(question, answer: str) -> int:
    lower = answer.lower()
    terms = list(question.keywords) + [k for p in question.talking_points for k in p.keywords]
    return sum(1 for term in terms if term in lower)


def test_offline_evaluation_p95():
    cases = [(q, a) for q in QUESTIONS for a in (q.sample_strong_answer, q.sample_weak_answer) if a]
    evaluate(*cases[0])  # compile the keyword patterns once, as a running server has
    ours, reference = [], []
    for _ in range(ROUNDS):
        for question, answer in cases:
            ours.append(timed(lambda q=question, a=answer: evaluate(q, a)))
            reference.append(timed(lambda q=question, a=answer: reference_scan(q, a)))
    ours_ms, reference_ms = p95(ours) * 1000, p95(reference) * 1000
    print(f"\n[bench] offline evaluation p95 {ours_ms:.2f} ms over {len(ours)} answers (target < 50 ms); "
          f"plain keyword scan p95 {reference_ms:.3f} ms; ratio {ours_ms / reference_ms:.0f}x")


def thousand_questions():
    out = []
    for number in range(1000):
        base = QUESTIONS[number % len(QUESTIONS)]
        out.append(dataclasses.replace(base, slug=f"{base.slug}-{number}"))
    return out


def test_next_question_choice_over_a_thousand_questions():
    bank = thousand_questions()
    state = SessionState(interview_type="mixed", level=1, asked={q.slug for q in bank[:10]},
                         categories_asked=["behavioral"], target_skills=("python", "redis", "system-design"),
                         gap_skills=("rate-limiting",), role_family="backend", seed="bench")
    last = bank[0]
    last_evaluation = evaluate(last, last.sample_strong_answer)
    last_evaluation["talking_points"]["missed"] = []  # a new question, not a follow-up: the full choice
    ours = [timed(lambda: choose_next(bank, state, last=last, last_evaluation=last_evaluation))
            for _ in range(ROUNDS * 4)]
    wanted = PRIORS["hard"]
    reference = [timed(lambda: sorted(bank, key=lambda q: abs(PRIORS[q.difficulty] - wanted)))
                 for _ in range(ROUNDS * 4)]
    ours_ms, reference_ms = statistics.median(ours) * 1000, statistics.median(reference) * 1000
    print(f"\n[bench] next-question choice over {len(bank)} questions: median {ours_ms:.2f} ms, "
          f"max {max(ours) * 1000:.2f} ms (target < 100 ms); sorting them by difficulty {reference_ms:.2f} ms; "
          f"ratio {ours_ms / reference_ms:.1f}x")
