"""The resume checker's result, in a real browser at desktop size and on a 390x844 phone: Analyze
shows progress and lands on the result (with and without JS), the side-by-side view of resume and
job, the same job pasted twice kept as one, the roadmap form filled from the analysis, and the
result page folding into sections on a phone (its height measured folded and unfolded).
Screenshots: var/screenshots/96-... to 99-...."""

import re

import pytest

from tests.browser.test_resume_journeys import log_in, no_sideways_scroll, submit
from tests.resumes import documents
from tests.resumes.test_ats import BACKEND_JOB

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

PHONE = {"width": 390, "height": 844}


def upload_resume(page, tmp_path) -> str:
    pdf = tmp_path / "sam-lee.pdf"
    pdf.write_bytes(documents.pdf_one_column())
    page.goto("/resumes/")
    page.set_input_files("#resume-file", str(pdf))
    submit(page, "form[data-upload-form]")
    page.wait_for_url(re.compile(r"/resumes/\d+/$"))
    expect(page.locator("[data-format-report]")).to_be_visible(timeout=30_000)
    return page.url


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_analyze_side_by_side_one_job_and_roadmap_on_desktop(new_context, make_user, achievements, tmp_path, shot):
    sam = make_user(username="sam", email="sam@example.com", name="Sam Lee")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, sam.email)
    resume_url = upload_resume(page, tmp_path)

    # Analyze: while the request runs the form says so. Looked at first with the submission held
    # back (a listener added after the page's own cancels it), then for real.
    page.fill("#analyze-job-text", BACKEND_JOB)
    page.evaluate("document.addEventListener('submit', (event) => event.preventDefault(), {once: true})")
    page.locator("[data-analyze-button]").click()
    progress = page.locator("form[data-analyze-form] [data-analyze-progress]")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("role", "status")
    expect(progress).to_contain_text("Analyzing")
    expect(page.locator("[data-analyze-button]")).to_be_disabled()
    progress.scroll_into_view_if_needed()
    shot(page, "96-analyze-in-progress")
    page.goto(resume_url)
    page.fill("#analyze-job-text", BACKEND_JOB)
    submit(page, "form[data-analyze-form]")
    page.wait_for_url(re.compile(r"\?analysis=\d+#analysis$"))
    analysis = page.locator("#analysis")
    expect(analysis.locator("h2")).to_contain_text("Senior Backend Engineer")
    top = page.evaluate("document.querySelector('#analysis').getBoundingClientRect().top")
    assert -2 <= top < 200, f"the result is not in view after Analyze (top at {top}px)"
    expect(page.locator("[data-analyze-progress]")).to_be_hidden()
    result_url = page.url.split("#")[0]
    shot(page, "96b-analysis-landed")

    # The side-by-side view: the job's terms marked in both texts, with a legend and a table.
    page.locator("[data-side-by-side-link]").click()
    page.wait_for_url(re.compile(r"/side-by-side/$"))
    job_pane, resume_pane = page.locator("[data-pane='job']"), page.locator("[data-pane='resume']")
    expect(job_pane.locator("mark.term-missing[data-term='kafka']").first).to_be_visible()
    expect(job_pane.locator("mark.term-matched[data-term='python']").first).to_be_visible()
    expect(resume_pane.locator("mark.term-matched[data-term='python']").first).to_be_visible()
    expect(resume_pane.locator("mark[data-term='kafka']")).to_have_count(0)
    expect(page.locator("[data-legend]")).to_contain_text("missing from your resume")
    expect(page.locator("[data-terms] tr[data-term='kafka']")).to_contain_text("missing")
    # Not by colour alone: the two kinds of marks differ in their sign and their underline.
    styles = page.evaluate("""() => ['matched', 'missing'].map(kind => {
        const mark = document.querySelector(`[data-pane='job'] mark.term-${kind}`);
        return [mark.querySelector('.term-sign').textContent, getComputedStyle(mark).borderBottomStyle];
    })""")
    assert styles == [["✓", "solid"], ["✗", "dashed"]], styles
    boxes = [pane.bounding_box() for pane in (resume_pane, job_pane)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1  # side by side
    no_sideways_scroll(page)
    shot(page, "97-side-by-side-desktop")
    page.emulate_media(color_scheme="dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    shot(page, "97c-side-by-side-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("details[data-fold='terms']")).not_to_have_attribute("open", "")  # folded on a phone
    expect(job_pane.locator("mark.term-missing[data-term='kafka']").first).to_be_visible()
    boxes = [pane.bounding_box() for pane in (resume_pane, job_pane)]
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1, boxes  # stacked on a phone
    no_sideways_scroll(page)
    shot(page, "97b-side-by-side-phone")
    page.set_viewport_size({"width": 1280, "height": 860})

    # The same job pasted again (other line breaks and case): the saved job is reused, not copied.
    page.goto(resume_url)
    page.fill("#analyze-job-text", "\n" + BACKEND_JOB.replace("\n", "\n  ").upper())
    submit(page, "form[data-analyze-form]")
    page.wait_for_url(re.compile(r"\?analysis=\d+#analysis$"))
    expect(page.locator("#analysis [data-messages=analysis]")).to_contain_text("You saved this job before")
    expect(page.locator("#analysis [data-messages=analysis]")).to_be_in_viewport()
    expect(page.locator("#analyze-job option", has_text="Senior Backend Engineer")).to_have_count(1)

    # The roadmap form opened from the analysis starts filled from it.
    page.locator("[data-make-roadmap]").click()
    page.wait_for_url(re.compile(r"/roadmap/\?analysis=\d+$"))
    expect(page.locator("#roadmap-role")).to_have_value("Senior Backend Engineer")
    expect(page.locator("[data-roadmap-gaps]")).to_contain_text("Kafka")
    no_sideways_scroll(page)
    shot(page, "98-roadmap-filled-from-analysis")
    submit(page, "form[data-roadmap-form]")
    page.wait_for_url(re.compile(r"/roadmap/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Senior Backend Engineer")
    expect(page.locator(".phase").first).to_contain_text("Kafka")

    # On a phone the result folds into sections: much shorter, nothing sideways, each opens on a tap.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(phone, sam.email)
    phone.goto(result_url)
    expect(phone.locator("#analysis .gauge")).to_be_visible()
    folded = page_height(phone)
    assert phone.locator("details[data-fold][open]").count() == 0
    no_sideways_scroll(phone)
    shot(phone, "99-result-phone-folded")
    phone.evaluate("document.querySelectorAll('details[data-fold]').forEach(d => d.open = true)")
    unfolded = page_height(phone)
    no_sideways_scroll(phone)
    print(f"result page at 390 px: {unfolded} px unfolded -> {folded} px folded")
    assert folded < unfolded * 0.5, (folded, unfolded)
    phone.reload()
    recommendations = phone.locator("details[data-fold='recommendations']")
    recommendations.locator("summary").tap()
    expect(recommendations.locator("[data-recommendations] > li").first).to_be_visible()
    no_sideways_scroll(phone)
    recommendations.scroll_into_view_if_needed()
    shot(phone, "99b-result-phone-recommendations-open")

    assert not errors, f"JavaScript errors: {errors}"


def test_analyze_without_javascript_lands_on_the_result(new_context, make_user, achievements, tmp_path, shot):
    kim = make_user(username="kim", email="kim@example.com", name="Kim Park")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, kim.email)
    upload_resume(page, tmp_path)
    page.fill("#analyze-job-text", BACKEND_JOB)
    submit(page, "form[data-analyze-form]")
    page.wait_for_url(re.compile(r"\?analysis=\d+#analysis$"))
    expect(page.locator("#analysis h2")).to_contain_text("Senior Backend Engineer")
    expect(page.locator("details[data-fold='recommendations'] [data-recommendations]")).to_be_visible()
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, "99c-result-phone-no-js")
