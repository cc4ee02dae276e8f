"""Progress and readiness in Chromium: the dashboard from the user menu, a range switch, a chart
drawn by uPlot with its table, both themes; then a target job, its readiness and its plan.
Screenshots: var/screenshots/analytics-*.png."""

import pytest

from tests.analytics.conftest import JOB_TEXT, make_challenge, submit
from tests.browser.conftest import open_from_nav
from tests.browser.test_resume_journeys import log_in

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None


def test_dashboard_range_chart_table_then_readiness_and_plan(new_context, make_user, shot):
    from django.utils import timezone

    from resumes import services as resume_services

    kim = make_user(username="kim", email="kim@example.com", name="Kim Analyst")
    solved = make_challenge(tags=("dynamic-programming",), difficulty="medium")
    make_challenge(slug="graph-walk", tags=("graph",), category="graphs", difficulty="medium")
    for days in (40, 3, 0):
        submit(kim, solved, when=timezone.now() - timezone.timedelta(days=days), seconds=900)
    resume_services.job_create(user=kim, text=JOB_TEXT)

    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, kim.email)
    open_from_nav(page, "Kim Analyst", "Progress")
    expect(page.locator("h1")).to_have_text("Your progress")
    activity = page.locator('[data-chart="activity"]')
    expect(activity).to_have_attribute("data-drawn", "true")
    expect(activity.locator("canvas")).to_have_count(1)

    page.locator(".range-switch a", has_text="A year").click()
    expect(page.locator('.range-switch a[aria-current="page"]')).to_have_text("A year")
    table = page.locator("details.chart-table", has_text="Activity per day as a table")
    table.locator("summary").click()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(365)
    expect(page.locator('[data-chart="xp"]')).to_have_attribute("data-drawn", "true")
    shot(page, "analytics-dashboard-light")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    expect(activity.locator("canvas")).to_have_count(1)  # redrawn in the dark theme's colours
    shot(page, "analytics-dashboard-dark")

    open_from_nav(page, "Career", "Readiness")
    page.select_option("select[name=job]", label="Backend Engineer")
    page.fill("input[name=bar]", "70")
    page.locator("button", has_text="Set target").click()
    expect(page.locator(".messages")).to_contain_text("Target saved")
    figure = page.locator("[data-readiness]")
    expect(figure).to_have_text(lambda_text := figure.inner_text())  # a number, read once
    assert lambda_text.strip().isdigit() and 0 < int(lambda_text) <= 100
    # Every source is in place now; one with nothing to read yet says so and what would count.
    peer_part = page.locator("tr.part-no_data", has_text="Peer mock-interview feedback")
    expect(peer_part).to_contain_text("until a peer has rated you")
    plan = page.locator("ol.plan li")
    expect(plan.first).to_contain_text("Check your resume against this job")
    expect(page.locator("ol.plan")).to_contain_text("Solve Graph-Walk")
    expect(page.locator('[data-chart="readiness"]')).to_have_attribute("data-drawn", "true")
    expect(page.locator("[data-projection]")).to_contain_text("Not enough history")
    shot(page, "analytics-readiness")
    assert not errors, errors


def test_interview_dimensions_the_staff_overview_your_data_and_deletion(new_context, make_user, shot, tmp_path):
    """Interview dimensions over time on the dashboard and the staff page's activity from the
    event log, both themes; then the user downloads their data and deletes their account."""
    import zipfile

    from community import services as community_services
    from interviews import services as interview_services
    from resumes import services as resume_services
    from tests.analytics.test_interview_dimensions import STRONG
    from tests.factories import PASSWORD
    from tests.interviews.conftest import TEST_BANK

    interview_services.questions_seed(directory=TEST_BANK)
    lea = make_user(username="lea", email="lea@example.com", name="Lea Practice")
    job = resume_services.job_create(user=lea, text=JOB_TEXT)
    for answer in ("I wrote some Python code for an API once and it worked.", STRONG, STRONG):
        session = interview_services.session_start(user=lea, interview_type="mixed", difficulty="medium", length=2,
                                                   job_id=job.id)
        while session.status == "active":
            _, _, session = interview_services.session_answer(user=lea, session_id=session.id, answer=answer)
    community_services.post_create(author=lea, title="My interview notes", body="STAR, then numbers.")

    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, lea.email)
    page.goto("/analytics/?range=30d")
    chart = page.locator('[data-chart="interview-dimensions"]')
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("canvas")).to_have_count(1)
    expect(chart.locator(".u-legend")).to_contain_text("Relevance")
    table = page.locator("details.chart-table", has_text="Interview dimensions over time as a table")
    table.locator("summary").click()
    expect(table.locator("tbody tr")).to_have_count(3)
    chart.scroll_into_view_if_needed()
    section = page.locator("section", has=chart)
    section.screenshot(path=str(shot(page, "analytics-interview-dimensions-light-full").with_name(
        "analytics-interview-dimensions-light.png")))
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    expect(chart.locator("canvas")).to_have_count(1)
    section.screenshot(path=str(shot(page, "analytics-interview-dimensions-dark-full").with_name(
        "analytics-interview-dimensions-dark.png")))

    staff = make_user(username="sam", email="sam@example.com", name="Sam Staff", is_staff=True)
    staff_page = new_context().new_page()
    staff_page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(staff_page, staff.email)
    staff_page.goto("/analytics/platform/")
    events = staff_page.locator('[data-chart="platform-events"]')
    expect(events).to_have_attribute("data-drawn", "true")
    expect(staff_page.locator("#community-title")).to_be_visible()
    expect(staff_page.locator("section", has_text="Top contributors")).to_contain_text("lea")
    shot(staff_page, "analytics-platform-light")
    staff_page.evaluate("document.documentElement.dataset.theme = 'dark'")
    expect(events.locator("canvas")).to_have_count(1)
    shot(staff_page, "analytics-platform-dark")

    page.goto("/settings/your-data/")
    page.locator("button", has_text="Make a new export").click()
    expect(page.locator(".messages")).to_contain_text("Your export is being made")
    link = page.locator("a", has_text="Download")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    archive = zipfile.ZipFile(saved)
    assert "data.json" in archive.namelist() and b"My interview notes" in archive.read("data.json")
    shot(page, "analytics-your-data")

    page.goto("/settings/delete-account/")
    expect(page.locator("h3", has_text="Kept without your name")).to_be_visible()
    expect(page.locator("section", has_text="Removed")).to_contain_text("interview sessions")
    shot(page, "analytics-delete-account")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button", has_text="Delete my account").click()
    expect(page.locator(".messages")).to_contain_text("Your account has been deleted")
    from accounts.models import User
    assert not User.objects.filter(email="lea@example.com").exists()
    assert not errors, errors
