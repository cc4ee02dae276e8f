"""Data for the analytics tests: challenges, judged submissions at chosen times, a saved job and
a resume checked against it (through the resumes services)."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from challenges.models import Challenge, ChallengeProgress, Submission

JOB_TEXT = """Backend Engineer
Requirements:
- Python and Django, 3 years
- Dynamic programming and graph algorithms
- PostgreSQL
Nice to have:
- Docker
"""
_slugs = itertools.count()


def make_challenge(*, tags=("dynamic-programming",), category="dp", difficulty="medium", type="dsa",
                   slug=None) -> Challenge:
    slug = slug or f"c{next(_slugs)}"
    return Challenge.objects.create(slug=slug, title=slug.title(), description="-", type=type, difficulty=difficulty,
                                    category=category, tags=list(tags), statement="-", starter_code={"python": ""})


def submit(user, challenge, *, when=None, accepted=True, percent=None, seconds=600) -> Submission:
    """A judged submission at `when` (its progress row too): test data, as the judge leaves it."""
    when = when or timezone.now()
    percent = (100.0 if accepted else 40.0) if percent is None else percent
    submission = Submission.objects.create(user=user, challenge=challenge, language="python", source="-",
                                           status="done", verdict="AC" if accepted else "WA", percent=percent,
                                           passed=1, total=1, time_spent_seconds=seconds, judged_at=when)
    Submission.objects.filter(id=submission.id).update(created_at=when)
    progress, _ = ChallengeProgress.objects.get_or_create(user=user, challenge=challenge,
                                                          defaults={"started_at": when})
    progress.attempts += 1
    progress.best_score = max(progress.best_score, percent)
    if accepted and progress.solved_at is None:
        progress.solved_at = when
    progress.save()
    return submission


@pytest.fixture
def job(user):
    from resumes import services

    return services.job_create(user=user, text=JOB_TEXT)


def check_resume(user, job, skills=("Python",)):
    """An ATS check of a built resume against `job`, through the resumes services."""
    from resumes import services

    version = services.resume_create_blank(user=user, title="Mine")
    content = dict(version.content)
    content["skills"] = list(skills)
    content["experience"] = [{"title": "Backend developer", "company": "Acme", "start": "2020-01",
                              "end": "", "current": True, "location": "",
                              "bullets": [f"Built services in {', '.join(skills)} for 2M users"]}]
    version = services.resume_save(resume=version.resume, content=content)
    return services.analysis_run(user=user, version=version, job=job)


@pytest.fixture
def days_ago():
    def at(days: int, hour: int = 12):
        return (timezone.now() - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at
