"""axe-core (npm, pinned) on the main page of every app, as the seeded demo user Linus would see
them, in the light and the dark theme (set through his saved preference, as the base layout
applies it) and at desktop and phone widths: no serious or critical violation (DESIGN.md 9).
Screenshots: var/screenshots/a11y-<theme>-<width>-<page>.png."""

import pytest

from tests.browser.conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.browser]

DEMO_EMAIL = "linus@example.com"
DEMO_PASSWORD = "prepforge-demo"  # accounts/management/commands/seed_demo.py
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 860}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# Elements rendered by third-party code this project cannot change: none so far. (CodeMirror's
# own editor DOM passes axe as configured; keep this empty unless a widget cannot be fixed here.)
THIRD_PARTY_EXCLUDE: tuple[str, ...] = ()


@pytest.fixture
def demo_site(live_site):
    """The demo seeds (users, challenges, questions, community) and one of each object whose page
    is checked: a resume, a room, an interview, a chat with a message, a community post."""
    from django.core.management import call_command

    from accounts.models import User
    from challenges.models import Challenge
    from chat import services as chat_services
    from collaboration import services as room_services
    from community.models import Post
    from interviews import services as interview_services
    from resumes import services as resume_services

    with open("/dev/null", "w") as quiet:
        for command in ("seed_demo", "seed_challenges", "seed_questions", "seed_community"):
            call_command(command, stdout=quiet)
    linus = User.objects.get(email=DEMO_EMAIL)
    ada = User.objects.get(username="ada")
    challenge = Challenge.objects.order_by("id").first()
    resume = resume_services.resume_create_blank(user=linus, title="Linus, new grad").resume
    room = room_services.room_create(interviewer=linus, title="Pairing with Ada", challenge=challenge)
    interview = interview_services.session_start(user=linus, interview_type="behavioral", difficulty="easy", length=3)
    chat = chat_services.chat_private_open(user=linus, other=ada)
    chat_services.message_send(sender=ada, chat=chat, body="Ready for the mock interview at 5?")
    post = Post.objects.order_by("id").first()
    return {
        "linus": linus,
        "pages": [
            ("home", "/", None),
            ("dashboard", "/analytics/", '[data-chart="activity"][data-drawn="true"]'),
            ("challenges", "/challenges/", None),
            ("challenge-editor", f"/challenges/{challenge.slug}/", ".cm-editor"),
            ("resumes", "/resumes/", None),
            ("resume", f"/resumes/{resume.id}/", None),
            ("rooms", "/rooms/", None),
            ("room", f"/rooms/{room.id}/", ".cm-editor"),
            ("interviews", "/interviews/", None),
            ("interview-live", f"/interviews/{interview.id}/", None),
            ("community", "/community/", None),
            ("post", f"/community/posts/{post.id}/", None),
            ("chat", f"/chat/{chat.id}/", None),
            ("settings-profile", "/settings/profile/", None),
            ("settings-preferences", "/settings/preferences/", None),
        ],
    }


def visit(page, path: str, ready: str | None) -> None:
    page.goto(path, timeout=30_000)  # a first page of a fresh server on a loaded machine
    page.wait_for_load_state("load")
    if ready:
        page.locator(ready).first.wait_for(state="attached")


def log_in(page) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", DEMO_EMAIL)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def test_main_pages_have_no_serious_accessibility_violations(demo_site, new_context, shot):
    """Every theme at every width, on one seeded site (seeding and starting it are most of the
    cost, and nothing a check does changes what the next one sees but the saved theme)."""
    failures = []
    for theme in ("light", "dark"):
        for width in sorted(WIDTHS):
            failures += violations_seen(demo_site, new_context, shot, theme, width)
    assert not failures, "\n\n".join(failures)


def violations_seen(demo_site, new_context, shot, theme: str, width: str) -> list[str]:
    from accounts.services import preferences_update

    preferences_update(user=demo_site["linus"], data={"theme": theme})
    failures = []

    # Signed out: the landing page and the sign-in form, in the browser's own colour scheme.
    guest = new_context(color_scheme=theme, **WIDTHS[width]).new_page()
    for name, path in (("landing", "/"), ("sign-in", "/accounts/login/")):
        visit(guest, path, None)
        shot(guest, f"a11y-{theme}-{width}-{name}")
        if violations := axe_violations(guest, exclude=THIRD_PARTY_EXCLUDE):
            failures.append(describe_violations(violations, f"{theme} {width}: {name} {path}"))

    page = new_context(**WIDTHS[width]).new_page()
    log_in(page)
    for name, path, ready in demo_site["pages"]:
        visit(page, path, ready)
        assert page.evaluate("document.documentElement.dataset.theme") == theme, path
        shot(page, f"a11y-{theme}-{width}-{name}")
        if violations := axe_violations(page, exclude=THIRD_PARTY_EXCLUDE):
            failures.append(describe_violations(violations, f"{theme} {width}: {name} {path}"))
    return failures
