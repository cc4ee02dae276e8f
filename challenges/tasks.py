from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def submission_judge_task(submission_id: int) -> str | None:
    submission = services.submission_judge(submission_id=submission_id)
    return submission.verdict if submission else None


@shared_task(acks_late=True)
def submissions_recover_task() -> int:
    return services.submissions_recover()
