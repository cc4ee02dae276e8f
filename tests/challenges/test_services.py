import pytest

from accounts.models import Notification, Progress, UserAchievement, XPEvent
from challenges import services
from challenges.models import ChallengeProgress, Submission
from core.exceptions import ApplicationError, NotFound

from .conftest import SUM_SOURCE

pytestmark = pytest.mark.django_db


def submit(user, challenge, source=SUM_SOURCE, language="python", **kwargs):
    submission = services.submission_create(user=user, challenge=challenge, language=language, source=source, **kwargs)
    # In tests Celery is eager but on_commit waits for a commit that never comes: judge here.
    services.submission_judge(submission_id=submission.id)
    submission.refresh_from_db()
    return submission


def test_accepted_submission_scores_by_weight_and_rewards_once(user, challenge, achievements):
    first = submit(user, challenge)
    assert (first.status, first.verdict, first.score, first.max_score, first.percent) == ("done", "AC", 4, 4, 100.0)
    assert [r["verdict"] for r in first.results] == ["AC", "AC", "AC"]
    assert XPEvent.objects.filter(user=user, reason="challenge.solved").count() == 1
    assert UserAchievement.objects.filter(user=user, achievement__code="first-solve").exists()
    assert Notification.objects.filter(user=user, type="challenge", title__startswith="Solved: Sum Two").count() == 1
    xp = Progress.objects.get(user=user).xp_total
    second = submit(user, challenge)
    assert second.verdict == "AC"
    assert Progress.objects.get(user=user).xp_total == xp  # no second reward
    assert Notification.objects.filter(user=user, type="challenge").count() == 1


def test_hidden_tests_show_only_their_verdict(user, challenge):
    submission = submit(user, challenge, source="print(0)")
    visible, hidden = submission.results[0], submission.results[2]
    assert visible["input"] == "1 2\n" and visible["expected_output"] == "3\n" and visible["stdout"] == "0\n"
    assert hidden["hidden"] and "input" not in hidden and "stdout" not in hidden and hidden["verdict"] == "WA"
    assert submission.verdict == "WA" and submission.score == 0


def test_partial_score(user, challenge):
    source = "a, b = map(int, input().split())\nprint(a + b if a < 1000 else 0)\n"
    submission = submit(user, challenge, source=source)
    assert (submission.verdict, submission.score, submission.percent) == ("WA", 2, 50.0)
    progress = ChallengeProgress.objects.get(user=user, challenge=challenge)
    assert progress.best_score == 50.0 and progress.solved_at is None


def test_compile_error(user, challenge):
    submission = submit(user, challenge, source="int main( {", language="cpp")
    assert submission.verdict == "CE" and "error" in submission.compile_output


def test_stats_count_attempts_successes_and_solvers(user, other_user, challenge):
    submit(user, challenge, source="print(1)")
    submit(user, challenge)
    submit(other_user, challenge)
    challenge.refresh_from_db()
    assert (challenge.attempts, challenge.successes, challenge.solvers) == (3, 2, 2)
    assert challenge.success_rate == 67 and challenge.average_score == pytest.approx(66.67, abs=0.01)


@pytest.mark.parametrize(("source", "language", "code"), [
    ("   ", "python", "empty_source"),
    ("print(1)\x00\x01", "python", "binary_source"),
    ("x = 1\n" * 20000, "python", "source_too_long"),
    ("print(eval(input()))", "python", "forbidden_keyword"),
    ("print(1)", "cobol", "unknown_language"),
])
def test_bad_sources_are_refused_before_anything_runs(user, challenge, source, language, code):
    with pytest.raises(ApplicationError) as error:
        services.submission_create(user=user, challenge=challenge, language=language, source=source)
    assert error.value.code == code
    assert Submission.objects.count() == 0


def test_judging_twice_judges_once(user, challenge):
    submission = submit(user, challenge)
    again = services.submission_judge(submission_id=submission.id)
    assert again.judged_at == submission.judged_at


def test_judge_failure_is_recorded_not_lost(user, challenge, monkeypatch):
    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "require_judge", broken)
    submission = submit(user, challenge)
    assert submission.status == "error" and submission.verdict == "IE"
    assert Submission.objects.filter(id=submission.id).exists()


def test_a_submission_deleted_while_it_is_judged_is_not_found_rather_than_crashing(user, challenge, monkeypatch):
    real_judge = services.require_judge()

    class StaffDeletesTheChallengeMeanwhile:
        def judge(self, *args, **kwargs):
            outcome = real_judge.judge(*args, **kwargs)
            services.challenge_delete(challenge=challenge)  # its submissions go with it
            return outcome

    monkeypatch.setattr(services, "require_judge", StaffDeletesTheChallengeMeanwhile)
    submission = services.submission_create(user=user, challenge=challenge, language="python", source=SUM_SOURCE)
    with pytest.raises(NotFound) as error:
        services.submission_judge(submission_id=submission.id)
    assert error.value.code == "submission_not_found"
    assert not Submission.objects.filter(id=submission.id).exists()


def test_rejudge_requeues(user, challenge, django_capture_on_commit_callbacks):
    submission = submit(user, challenge, source="print(3)")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.challenge_rejudge(challenge=challenge) == 1
    submission.refresh_from_db()
    assert submission.status == "done" and submission.verdict == "WA"


def test_hints_are_revealed_one_at_a_time(user, challenge):
    assert services.hint_reveal(user=user, challenge=challenge) == (1, "Read both numbers.")
    assert services.hint_reveal(user=user, challenge=challenge) == (2, "Add them.")
    with pytest.raises(ApplicationError):
        services.hint_reveal(user=user, challenge=challenge)


def test_start_counts_popularity_once(user, challenge):
    services.challenge_start(user=user, challenge=challenge)
    services.challenge_start(user=user, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.popularity == 1


def test_drafts_are_kept_per_language(user, challenge):
    services.draft_save(user=user, challenge=challenge, language="py", code="print(1)")
    services.draft_save(user=user, challenge=challenge, language="python", code="print(2)")
    services.draft_save(user=user, challenge=challenge, language="cpp", code="int main(){}")
    from challenges.selectors import drafts_for

    assert drafts_for(user=user, challenge=challenge) == {"python": "print(2)", "cpp": "int main(){}"}


def test_custom_run(user, challenge):
    outcome = services.code_run(user=user, challenge=challenge, language="python", source=SUM_SOURCE, stdin="2 2")
    assert outcome.stdout == "4\n" and outcome.verdict == "AC"
    failing = services.code_run(user=user, language="cpp", source="int main( {", stdin="")
    assert failing.verdict == "CE" and not failing.compile_ok


def test_mode_and_time_are_recorded(user, challenge):
    submission = submit(user, challenge, mode="interview", time_spent_seconds=95, distractions_met=2)
    assert (submission.mode, submission.time_spent_seconds, submission.distractions_met) == ("interview", 95, 2)


def test_reading_the_solution_first_still_lets_the_solve_count(user, challenge):
    from accounts.models import Progress

    assert services.solution_reveal(user=user, challenge=challenge) == "Just add."
    progress = ChallengeProgress.objects.get(user=user, challenge=challenge)
    first_reveal = progress.solution_revealed_at
    assert first_reveal is not None and progress.solution_visible
    services.solution_reveal(user=user, challenge=challenge)
    assert ChallengeProgress.objects.get(id=progress.id).solution_revealed_at == first_reveal
    assert submit(user, challenge).verdict == "AC"
    assert Progress.objects.get(user=user).xp_total >= challenge.xp_reward


def test_after_solving_the_solution_is_shown_without_counting_as_a_reveal(user, challenge):
    submit(user, challenge)
    assert services.solution_reveal(user=user, challenge=challenge) == "Just add."
    assert ChallengeProgress.objects.get(user=user, challenge=challenge).solution_revealed_at is None


@pytest.mark.parametrize(("percent", "points"), [(0, 0), (49.5, 50), (66.67, 67), (99.6, 99), (100, 100)])
def test_points_are_whole_and_100_only_when_every_test_passed(percent, points):
    from challenges.scoring import points as points_of

    assert points_of(percent) == points
