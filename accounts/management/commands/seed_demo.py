"""Demo data for `make run`. Idempotent: a second run finds everything in place and changes nothing."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import ActivityDay, Follow, User
from core.roles import ADMIN, MODERATOR

DEMO_PASSWORD = "prepforge-demo"
DEMO_USERS = [
    {"username": "ada", "email": "ada@example.com", "name": "Ada Lovelace", "staff": True,
     "roles": [ADMIN], "active_days": 12,
     "profile": {"headline": "Staff engineer, interviewer and PrepForge admin", "location": "London",
                 "bio": "I run **mock interviews** every week. Ask me about system design.",
                 "website": "https://example.com/ada", "github_username": "ada-l",
                 "linkedin_url": "https://www.linkedin.com/in/ada-lovelace",
                 "skills": ["Python", "System design", "PostgreSQL", "Distributed systems"],
                 "experience_level": "staff", "years_of_experience": 12}},
    {"username": "grace", "email": "grace@example.com", "name": "Grace Hopper", "roles": [MODERATOR],
     "active_days": 7,
     "profile": {"headline": "Backend developer moving into compilers", "location": "New York",
                 "bio": "Practising dynamic programming and graph problems.",
                 "github_username": "grace-h", "skills": ["C++", "Go", "Compilers"],
                 "experience_level": "senior", "years_of_experience": 8}},
    {"username": "linus", "email": "linus@example.com", "name": "Linus Park", "active_days": 3,
     "profile": {"headline": "New grad preparing for first interviews", "location": "Seoul",
                 "skills": ["JavaScript", "React", "Node.js"], "experience_level": "junior",
                 "years_of_experience": 1}},
    {"username": "margaret", "email": "margaret@example.com", "name": "Margaret Hamilton",
     "active_days": 0, "private": True,
     "profile": {"headline": "Keeps her profile private", "skills": ["Rust", "Embedded"],
                 "experience_level": "mid", "years_of_experience": 4}},
]
DEMO_FOLLOWS = [("grace", "ada"), ("linus", "ada"), ("linus", "grace"), ("ada", "grace"),
                ("margaret", "ada")]


class Command(BaseCommand):
    help = "Create demo users with profiles, follows, notifications and XP (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = self.seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready ({created} new user(s)). Demo logins, password '{DEMO_PASSWORD}':"))
        for spec in DEMO_USERS:
            role = ", ".join(spec.get("roles", [])) or "user"
            self.stdout.write(f"  {spec['email']:<24} ({role})")

    def seed(self) -> int:
        services.achievement_catalog_sync()
        for role in (MODERATOR, ADMIN):
            Group.objects.get_or_create(name=role)
        created = 0
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec["username"]).first()
            if user is not None:
                continue
            created += 1
            user = services.user_create(email=spec["email"], username=spec["username"],
                                        password=DEMO_PASSWORD, name=spec["name"],
                                        is_staff=spec.get("staff", False), email_verified=True)
            for role in spec.get("roles", []):
                user.groups.add(Group.objects.get(name=role))
            services.profile_update(user=user, data=spec["profile"])
            if spec.get("private"):
                services.preferences_update(user=user, data={"public_profile": False, "show_stats": False})
            self.add_history(user, spec["active_days"])
            services.notification_send(
                user=user, type="system", title="Welcome to PrepForge",
                body="Fill in your profile, then follow a few people to see their progress.",
                url="/settings/profile/",
            )
        users = {u.username: u for u in User.objects.filter(username__in=[s["username"] for s in DEMO_USERS])}
        for follower, following in DEMO_FOLLOWS:
            if not Follow.objects.filter(follower=users[follower], following=users[following]).exists():
                services.follow_create(follower=users[follower], following=users[following])
        return created

    def add_history(self, user, days: int):
        """Past activity so that streaks and the heat-map have something to show."""
        now = timezone.now()
        for offset in range(days, 0, -1):
            when = now - timedelta(days=offset)
            if not ActivityDay.objects.filter(user=user, day=when.date()).exists():
                services.progress_record_activity(user=user, when=when)
        for index in range(days // 2):
            services.progress_record_event(user=user, event_type="practice.session", xp=40,
                                           source=("demo", f"{user.username}-{index}"))
