"""Browser journeys: Playwright's sync API driving Debian's Chromium against the real ASGI server.

Playwright's sync API keeps an asyncio loop running in the test thread, so Django would refuse
ORM calls made from the test while a browser session is open; the tests here only touch the
database from the test thread (never from async code), so they allow it - for these tests only
(`allow_async_unsafe`), never for the rest of the suite."""

import contextlib
import os
import re
import time
import uuid
from pathlib import Path

import pytest

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"

try:
    from playwright.sync_api import sync_playwright

    PLAYWRIGHT_ERROR = None
except Exception as exc:  # pragma: no cover - depends on the machine
    sync_playwright = None
    PLAYWRIGHT_ERROR = f"{type(exc).__name__}: {exc}"


def browser_skip_reason() -> str | None:
    if not os.path.exists(CHROMIUM_PATH):
        return f"Debian's Chromium is not installed at {CHROMIUM_PATH}"
    if sync_playwright is None:
        return f"the playwright Python package cannot be imported ({PLAYWRIGHT_ERROR})"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_skip_reason()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture(scope="module")
def browser(django_db_setup):
    # Depends on django_db_setup so that the test database is made before Playwright's loop runs.
    # Module scope: Playwright's loop must be gone before other modules' tests use the ORM.
    reason = browser_skip_reason()
    if reason:
        pytest.skip(f"browser test skipped: {reason}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# Chromium's fake camera and microphone, permission granted, media allowed to play unprompted.
FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                   "--autoplay-policy=no-user-gesture-required"]


@contextlib.contextmanager
def chromium_with_fake_media(*extra_args: str):
    """A module's Chromium with fake media devices (and `extra_args`, e.g. a file for the fake
    microphone), or a skip saying why there is no browser."""
    reason = browser_skip_reason()
    if reason:
        pytest.skip(f"browser test skipped: {reason}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True,
                                              args=[*CHROMIUM_ARGS, *FAKE_MEDIA_ARGS, *extra_args])
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def site_with_media_worker(tmp_path, queue_prefix: str):
    """The site, and with a real Redis (REDIS_URL) a real Celery worker on a queue of its own, so
    that media jobs run in the worker and their progress really comes over the sockets; without
    Redis they run in the upload request (eager Celery)."""
    from tests.live_server import VENV_BIN, asgi_server, process_env, running

    if not os.environ.get("REDIS_URL"):
        with asgi_server(tmp_path) as base_url:
            yield base_url
        return
    from config.celery import app as celery_app

    queue = f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    overrides = {"CELERY_QUEUE": queue, "CELERY_TASK_ALWAYS_EAGER": "0"}
    command = [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", queue, "--pool=solo", "--loglevel=INFO",
               "--without-heartbeat", "--without-gossip", "--without-mingle"]
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        with running(command, process_env(tmp_path, **overrides), tmp_path / "worker.log"), \
                asgi_server(tmp_path, **overrides) as base_url:
            yield base_url
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old


@pytest.fixture(autouse=True)
def allow_async_unsafe():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_site(allow_async_unsafe, transactional_db, tmp_path):
    """Base URL of the web process (tests.live_server) serving the site against the (committed)
    test database."""
    from tests.live_server import asgi_server

    with asgi_server(tmp_path) as base_url:
        yield base_url


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    return tmp_path / "mail"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def new_context(browser, live_site, request):
    """Factory for fresh browser contexts (separate cookie jars = separate people). When the
    test fails, every open page is saved as var/screenshots/FAILED-<test>-<n>.png."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 860})
        options.setdefault("base_url", live_site)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, 1):
            try:
                page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}-{number}.png"), full_page=True)
                print(f"page {number} at failure: {page.url}")
            except Exception as exc:  # the page may be gone
                print(f"page {number}: no screenshot ({exc})")
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """shot(page, "01-landing") saves var/screenshots/01-landing.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def newest_mail(mail_dir: Path, since: float = 0.0, timeout: float = 10.0) -> str:
    """Text of the newest mail file written after `since` (waits for it to appear)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = [f for f in mail_dir.glob("*") if f.is_file() and f.stat().st_mtime >= since]
        if files:
            newest = max(files, key=lambda f: f.stat().st_mtime)
            text = newest.read_text(errors="replace")
            if text.strip():
                return text
        time.sleep(0.1)
    raise AssertionError(f"no mail arrived in {mail_dir} within {timeout}s")


def code_from_mail(text: str) -> str:
    """The verification code: allauth puts it alone on its own line."""
    body = text.split("\n\n", 1)[-1]  # skip the headers
    for line in body.splitlines():
        candidate = line.strip()
        if re.fullmatch(r"[A-Z0-9]{4,12}(-[A-Z0-9]{2,12})?", candidate):
            return candidate
    raise AssertionError(f"no code found in the mail:\n{text}")


def open_from_nav(page, group: str, link: str) -> None:
    """Follow a link of the grouped navigation (Practice, Career, Community, the user's menu)."""
    toggle = page.locator("header [data-nav-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()  # a phone: the menu button opens the navigation first
    page.locator("header nav summary", has_text=group).click()
    page.locator("header nav .nav-menu a", has_text=link).click()


# --- accessibility (DESIGN.md section 9: axe-core on each page, both themes) ---------------------

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now. axe.min.js comes from
    node_modules (pinned by package-lock.json), injected by Playwright, never from a CDN.
    `exclude`: CSS selectors of third-party widgets this project cannot change (say why where used)."""
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run `make node_modules/.installed`")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            return await window.axe.run(context, {resultTypes: ["violations"]});
        }""",
        list(exclude),
    )
    return [violation for violation in results["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict], where: str) -> str:
    """One paragraph per rule: its id, impact and help, the help URL, and each node's selector
    with axe's own explanation (for contrast: the colours and the ratio)."""
    lines = [f"{len(violations)} serious/critical accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:8]:
            target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    {target}: {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more node(s)")
    return "\n".join(lines)


@pytest.fixture
def check_accessibility():
    """check_accessibility(page, "label") fails with a readable list of axe-core's serious and
    critical violations (rule, nodes, help) on the page; returns silently when there are none."""

    def check(page, label: str = "", exclude: tuple[str, ...] = ()) -> None:
        violations = axe_violations(page, exclude=exclude)
        where = f"{label} ({page.url}, theme {page.evaluate('document.documentElement.dataset.theme')})"
        assert not violations, describe_violations(violations, where)

    return check
