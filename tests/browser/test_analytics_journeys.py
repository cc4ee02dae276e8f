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
    expect(page.locator("tr.part-not_available").first).to_contain_text("not available yet")
    plan = page.locator("ol.plan li")
    expect(plan.first).to_contain_text("Check your resume against this job")
    expect(page.locator("ol.plan")).to_contain_text("Solve Graph-Walk")
    expect(page.locator('[data-chart="readiness"]')).to_have_attribute("data-drawn", "true")
    expect(page.locator("[data-projection]")).to_contain_text("Not enough history")
    shot(page, "analytics-readiness")
    assert not errors, errors
