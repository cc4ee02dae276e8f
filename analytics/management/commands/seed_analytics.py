"""Demo practice history for ada@example.com so that `make run` shows a full dashboard and a
readiness trend. Runs after seed_demo and seed_challenges. Idempotent: once ada has a readiness
target, it changes nothing."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User, XPEvent
from accounts.services import progress_record_event
from analytics import services
from analytics.models import ReadinessTarget
from challenges.models import Challenge, ChallengeProgress, Submission
from resumes import services as resume_services

JOB = """Backend Engineer (Python)
Requirements:
- Python and Django, 3 years
- Dynamic programming, graph algorithms, sorting and searching
- PostgreSQL and Redis
- Debugging production services
Nice to have:
- Docker and Kubernetes
"""
# (days ago, challenge slug, accepted, minutes): a few weeks of practice, getting better.
HISTORY = [
    (58, "two-sum", True, 12), (55, "valid-parentheses", True, 9), (51, "max-subarray-sum", False, 25),
    (50, "max-subarray-sum", True, 31), (44, "merge-intervals", True, 22), (40, "fix-off-by-one-binary-search", True, 8),
    (33, "number-of-islands", False, 40), (32, "number-of-islands", True, 35), (27, "binary-search-rotated", True, 18),
    (21, "coin-change-ways", True, 28), (16, "topological-order", True, 24), (12, "fix-average-rounding", True, 14),
    (9, "add-pagination-to-listing", True, 20), (6, "edit-distance", False, 55), (5, "edit-distance", True, 48),
    (3, "shortest-path-weighted", True, 62), (2, "top-k-frequent-words", True, 16), (1, "add-discount-rules-to-cart", True, 33),
]


class Command(BaseCommand):
    help = "Demo practice history and a readiness target for ada@example.com (idempotent)."

    def handle(self, *args, **options):
        ada = User.objects.filter(email="ada@example.com").first()
        if ada is None:
            self.stdout.write("No demo user ada@example.com: run seed_demo first.")
            return
        if ReadinessTarget.objects.filter(user=ada).exists():
            self.stdout.write("Analytics demo data already in place.")
            return
        challenges = {c.slug: c for c in Challenge.objects.filter(slug__in=[h[1] for h in HISTORY])}
        with transaction.atomic():
            version = resume_services.resume_create_blank(user=ada, title="Ada's resume")
            content = dict(version.content)
            content["skills"] = ["Python", "Django", "PostgreSQL", "Distributed systems"]
            content["experience"] = [{"title": "Staff engineer", "company": "Analytical Engines", "start": "2014-01",
                                      "end": "", "current": True, "location": "London",
                                      "bullets": ["Built Python and Django services on PostgreSQL for 3M users",
                                                  "Cut p95 latency by 40% by caching hot queries"]}]
            version = resume_services.resume_save(resume=version.resume, content=content)
            job = resume_services.job_create(user=ada, text=JOB, company="Demo Ltd")
            analysis = resume_services.analysis_run(user=ada, version=version, job=job)
            now = timezone.now()
            for days, slug, accepted, minutes in HISTORY:
                challenge = challenges.get(slug)
                if challenge is not None:
                    self.practise(ada, challenge, now - timedelta(days=days, hours=2), accepted, minutes)
            # The ATS check happened a month ago, so the trend starts from it.
            type(analysis).objects.filter(id=analysis.id).update(created_at=now - timedelta(days=30))
            services.daily_activity_backfill(user=ada, days=max(h[0] for h in HISTORY) + 1)
            services.readiness_target_set(user=ada, job_id=job.id, bar=75)
            services.readiness_backfill(user=ada, job=job, days=30)
        self.stdout.write(self.style.SUCCESS(f"Analytics demo: {len(HISTORY)} submissions and a readiness target "
                                             "for ada@example.com."))

    def practise(self, user, challenge, when, accepted: bool, minutes: int):
        """A judged submission as the judge leaves it, dated in the past (demo history only)."""
        percent = 100.0 if accepted else 60.0
        submission = Submission.objects.create(
            user=user, challenge=challenge, language="python", source="# demo", status="done",
            verdict="AC" if accepted else "WA", percent=percent, score=int(percent), max_score=100,
            passed=5 if accepted else 3, total=5, time_spent_seconds=minutes * 60, judged_at=when)
        Submission.objects.filter(id=submission.id).update(created_at=when)
        progress, _ = ChallengeProgress.objects.get_or_create(user=user, challenge=challenge,
                                                              defaults={"started_at": when})
        progress.attempts += 1
        if percent > progress.best_score:
            progress.best_score, progress.best_at = percent, when
        if accepted and progress.solved_at is None:
            progress.solved_at = when
            progress.save()
            progress_record_event(user=user, event_type="challenge.solved", xp=challenge.xp_reward,
                                  source=challenge, value=minutes * 60)
            XPEvent.objects.filter(user=user, source_type="challenges.challenge",
                                   source_id=str(challenge.id)).update(created_at=when)
        else:
            progress.save()
