"""The resume checker in a real browser against a real server: upload a PDF, read the ATS score,
its recommendations and the skill gaps against a pasted job, fix the resume in the builder, score
it again, compare the versions, download DOCX and PDF (and the uploaded file, its owner only), and turn the analysis into a roadmap.
Celery runs eagerly here, so a file is read during its upload request. Screenshots of every step
land in var/screenshots/ (80-... onward)."""

import re

import pytest

from resumes.content import TEXT_LIMITS
from tests.browser.conftest import open_from_nav
from tests.factories import PASSWORD
from tests.resumes import documents
from tests.resumes.test_ats import BACKEND_JOB

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

NEW_BULLET = "Cut checkout latency by 30% for 2 million users by moving payment events to Kafka consumers written in Rust"


def log_in(page, email: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form[action*='login'] button[type=submit]").first.click()


def submit(page, form_selector: str):
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").first.click()


def no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width[0]}px wide in a {width[1]}px window"


def analysis_total(page) -> int:
    return int(page.locator("#analysis").get_attribute("data-total"))


def test_resume_journey(new_context, make_user, achievements, tmp_path, shot):
    jordan = make_user(username="jordan", email="jordan@example.com", name="Jordan Rivera")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, jordan.email)

    # 1. The resumes page, from the navigation.
    open_from_nav(page, "Career", "Resume check")
    page.wait_for_url(re.compile(r"/resumes/$"))
    expect(page.locator("h1")).to_have_text("Resume checker")
    expect(page.locator("[data-no-resumes]")).to_be_visible()
    expect(page.locator("#resume-file")).to_have_attribute("accept", re.compile(r"\.pdf,\.docx,\.txt"))
    no_sideways_scroll(page)
    shot(page, "80-resumes-empty")

    # 2. Upload a one-column PDF; it is read (eagerly) and its results show.
    pdf = tmp_path / "jordan-rivera.pdf"
    pdf.write_bytes(documents.pdf_one_column())
    page.set_input_files("#resume-file", str(pdf))
    submit(page, "form[data-upload-form]")
    page.wait_for_url(re.compile(r"/resumes/\d+/$"))
    resume_url = page.url
    expect(page.locator("h1")).to_have_text("jordan-rivera")
    expect(page.locator("[data-general-score] .gauge")).to_be_visible(timeout=30_000)  # polling, if not read yet
    general = int(page.locator("[data-general-score]").get_attribute("data-general-score"))
    assert 0 < general <= 100
    report = page.locator("[data-format-report]")
    expect(report).to_contain_text("PDF")
    expect(report.locator("dt", has_text="Columns").locator("xpath=following-sibling::dd")).to_have_text("1")
    expect(report.locator("dt", has_text="Pages").locator("xpath=following-sibling::dd")).to_have_text("1")
    expect(report.locator("[data-confidence]")).to_have_text(re.compile(r"^\d+%$"))
    expect(page.locator("main")).to_contain_text("Jordan Rivera")
    expect(page.locator("main")).to_contain_text(documents.EMAIL)
    no_sideways_scroll(page)
    shot(page, "81-resume-read")

    # 3. Paste the backend job and analyze: the score, its categories, recommendations and gaps.
    page.fill("#analyze-job-text", BACKEND_JOB)
    submit(page, "form[data-analyze-form]")
    page.wait_for_url(re.compile(r"\?analysis=\d+"))
    analysis = page.locator("#analysis")
    expect(analysis.locator("h2")).to_contain_text("Senior Backend Engineer")
    first_total = analysis_total(page)
    expect(analysis.locator(".gauge-value")).to_have_text(str(first_total))
    assert 0 < first_total < 100
    categories = analysis.locator("[data-category]")
    expect(categories).to_have_count(7)
    expect(analysis.locator("[data-category='required']")).to_contain_text("Required skills covered")
    expect(analysis.locator("[data-category='required']")).to_contain_text("Weight")
    recommendations = analysis.locator("[data-recommendations] > li")
    assert recommendations.count() >= 3
    points = [float(t.strip("+")) for t in recommendations.locator(".points").all_inner_texts() if t != "tip"]
    assert points == sorted(points, reverse=True), points
    kafka_tip = recommendations.filter(has_text=re.compile(r"The job requires (Apache )?Kafka, and the resume does not show it"))
    expect(kafka_tip).to_have_count(1)
    expect(kafka_tip.locator(".quote")).to_contain_text("Python, Django, PostgreSQL, Kafka")  # the job's line
    critical = analysis.locator("[data-severity='critical']")
    expect(critical.locator("[data-gap='kafka']")).to_be_visible()
    expect(analysis.locator("[data-gap='rust']")).to_contain_text("required")  # critical or major: Go transfers a bit
    expect(critical.locator("[data-gap='kafka']")).to_contain_text(re.compile(r"≈ \d+ h to learn"))
    expect(critical.locator("[data-gap='kafka'] .learning-path li").first).to_be_visible()
    expect(analysis.locator("[data-gap='gcp']")).to_contain_text("Transferable from")
    expect(analysis.locator("[data-matched]")).to_contain_text("Python")
    no_sideways_scroll(page)
    shot(page, "82-analysis-backend-job")

    # 4. The builder: add Kafka and Rust to the skills and a quantified bullet, see them in both
    #    templates of the preview, save.
    page.locator("main a", has_text="Open in the builder").click()
    page.wait_for_url(re.compile(r"/builder/$"))
    page.wait_for_function("document.body.dataset.builderReady === 'true'")
    expect(page.locator("[data-path='contact.name']")).to_have_value("Jordan Rivera")
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text("Acme Payments")
    expect(preview).to_have_class(re.compile(r"template-classic"))
    skills_before = page.locator("[data-section='skills'] .skill-row").count()
    new_skill = page.locator("[data-new-skill]")
    new_skill.fill("Kafka")
    new_skill.press("Enter")
    page.locator("[data-new-skill]").fill("Rust")
    page.locator("[data-action='add-skill']").click()
    expect(page.locator("[data-section='skills'] .skill-row")).to_have_count(skills_before + 2)
    expect(page.locator(f"[data-path='skills.{skills_before + 1}']")).to_have_value("Rust")
    bullets = page.locator("[data-entry='experience.0'] .bullet-row")
    bullet_count = bullets.count()
    page.locator("[data-entry='experience.0'] [data-action='add'][data-list='experience.0.bullets']").click()
    new_bullet = page.locator(f"[data-path='experience.0.bullets.{bullet_count}']")
    expect(new_bullet).to_be_focused()
    new_bullet.fill(NEW_BULLET)
    # The server keeps TEXT_LIMITS characters of a field: the builder stops there, not past it.
    assert new_bullet.evaluate("el => el.maxLength") == TEXT_LIMITS["bullet"]
    summary = page.locator("[data-path='summary']")
    assert summary.evaluate("el => el.maxLength") == TEXT_LIMITS["summary"]
    assert page.locator("[data-path='contact.name']").evaluate("el => el.maxLength") == TEXT_LIMITS["contact"]
    # Move it to the top of the role: reordering works.
    for index in range(bullet_count, 0, -1):
        page.locator(f"button[data-action='up'][data-list='experience.0.bullets'][data-index='{index}']").click()
    expect(page.locator("[data-path='experience.0.bullets.0']")).to_have_value(NEW_BULLET)
    expect(page.locator("[data-dirty]")).to_be_visible()
    expect(preview.locator(".pv-role").first.locator("li").first).to_have_text(NEW_BULLET)
    expect(preview).to_contain_text("Kafka, Rust")  # classic: a comma-separated list
    page.locator("[data-template-choice][value='modern']").check()
    expect(preview).to_have_class(re.compile(r"template-modern"))
    expect(preview.locator(".pv-chips span", has_text="Rust")).to_be_visible()
    font = page.evaluate("getComputedStyle(document.querySelector('[data-preview]')).fontFamily")
    assert "Helvetica" in font or "Arial" in font, font
    page.fill("[data-note]", "Added Kafka, Rust and a measured result")
    page.evaluate("window.scrollTo(0, 0)")  # the save bar and the preview are sticky
    no_sideways_scroll(page)
    shot(page, "83-builder-editing-modern")
    page.locator("[data-save]").click()
    expect(page.locator("[data-saved-version]")).to_have_attribute("data-saved-version", "2")
    expect(page.locator("[data-save-status]")).to_contain_text("Saved as version 2")
    expect(page.locator("[data-save-status]")).to_contain_text("General score")
    expect(page.locator("[data-version-info]")).to_contain_text("Version 2")
    expect(page.locator("[data-save-errors]")).to_be_hidden()
    expect(page.locator("[data-dirty]")).to_be_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "84-builder-saved")

    # An invalid save shows the API's error next to the form, and keeps the edits.
    page.locator("[data-entry='experience.0'] [data-path='experience.0.start']").fill("1900-01")
    page.locator("[data-save]").click()
    expect(page.locator("[data-save-errors]")).to_be_visible()
    expect(page.locator("[data-save-errors]")).to_contain_text("YYYY-MM")
    page.locator("[data-entry='experience.0'] [data-path='experience.0.start']").fill("2021-01")
    expect(page.locator("[data-dirty]")).to_be_visible()
    page.locator("[data-save]").click()  # back to what version 2 holds: nothing new to save
    expect(page.locator("[data-save-status]")).to_contain_text("No changes since version 2")
    expect(page.locator("[data-save-errors]")).to_be_hidden()

    # 5. Analyze the new version against the same job: a higher score, Kafka no longer a gap.
    page.goto(resume_url)
    expect(page.locator("[data-version-line]")).to_contain_text("Version 2")
    expect(page.locator("#analysis")).to_have_count(0)  # version 2 has not been analyzed yet
    page.select_option("#analyze-job", label="Senior Backend Engineer")
    submit(page, "form[data-analyze-form]")
    page.wait_for_url(re.compile(r"\?analysis=\d+"))
    second_total = analysis_total(page)
    assert second_total > first_total, (first_total, second_total)
    expect(page.locator("#analysis")).to_contain_text("Version 2")
    expect(page.locator("#analysis [data-gap='kafka']")).to_have_count(0)
    expect(page.locator("#analysis [data-gap='rust']")).to_have_count(0)
    expect(page.locator("#analysis [data-matched]")).to_contain_text("Kafka")
    shot(page, "85-analysis-improved")

    # 6. The versions and the diff between them.
    page.locator("main a", has_text="Versions").first.click()
    page.wait_for_url(re.compile(r"/versions/$"))
    rows = page.locator("[data-versions] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Added Kafka, Rust and a measured result")
    expect(rows.first.locator(".score-chip").last).to_have_text(str(second_total))
    expect(rows.nth(1).locator(".score-chip").last).to_have_text(str(first_total))
    added = page.locator("[data-diff] .diff-line.added")
    expect(added.filter(has_text=NEW_BULLET)).to_have_count(1)
    expect(added.filter(has_text="Kafka, Rust")).to_have_count(1)
    expect(page.locator("[data-diff] .diff-line.removed").first).to_be_visible()
    color = page.evaluate("getComputedStyle(document.querySelector('.diff-line.added')).backgroundColor")
    assert color not in ("rgba(0, 0, 0, 0)", "transparent"), color
    # Pick the versions the other way round.
    page.select_option("#compare-a", "2")
    page.select_option("#compare-b", "1")
    submit(page, "form[data-compare-form]")
    expect(page.locator("[data-diff] .diff-line.removed").filter(has_text=NEW_BULLET)).to_have_count(1)
    page.select_option("#compare-a", "1")
    page.select_option("#compare-b", "2")
    submit(page, "form[data-compare-form]")
    no_sideways_scroll(page)
    shot(page, "86-versions-diff")

    # 7. Downloads: DOCX and PDF, in both templates.
    page.goto(resume_url)
    for kind, template, magic in (("docx", "classic", b"PK"), ("pdf", "modern", b"%PDF"),
                                  ("docx", "modern", b"PK"), ("pdf", "classic", b"%PDF")):
        with page.expect_download() as info:
            page.locator(f"[data-download='{kind}-{template}']").click()
        download = info.value
        assert download.suggested_filename.endswith(f"-v2.{kind}"), download.suggested_filename
        with open(download.path(), "rb") as handle:
            data = handle.read()
        assert data.startswith(magic), (kind, template, data[:8])
        assert len(data) > 1000

    # 7b. The uploaded file itself, from the versions page: the owner gets the same bytes; a
    #     browser that is not logged in gets "not found" at the same address.
    page.goto(f"{resume_url}versions/")
    with page.expect_download() as info:
        page.locator("[data-original-file='1']").click()
    download = info.value
    assert download.suggested_filename == "jordan-rivera-v1.pdf", download.suggested_filename
    with open(download.path(), "rb") as handle:
        assert handle.read() == pdf.read_bytes()
    file_url = page.locator("[data-original-file='1']").get_attribute("href")
    stranger = new_context().new_page()
    assert stranger.goto(file_url).status == 404

    # 8. A roadmap from the analysis; tick a milestone.
    page.goto(resume_url)
    page.locator("[data-make-roadmap]").click()
    page.wait_for_url(re.compile(r"/roadmap/\?analysis=\d+$"))
    expect(page.locator("[data-from-analysis]")).to_be_visible()
    page.fill("#roadmap-role", "Senior Backend Engineer")
    page.select_option("#roadmap-level", "mid")
    no_sideways_scroll(page)
    shot(page, "87-roadmap-new-from-analysis")
    submit(page, "form[data-roadmap-form]")
    page.wait_for_url(re.compile(r"/roadmap/\d+/$"))
    roadmap_url = page.url
    expect(page.locator("h1")).to_contain_text("Senior Backend Engineer")
    phases = page.locator(".phase")
    assert phases.count() >= 3
    expect(phases.first).to_contain_text(re.compile(r"\d+ weeks?"))
    expect(phases.last).to_contain_text("Interview practice for Senior Backend Engineer")
    total = page.locator("[data-milestone]").count()
    assert total >= 5
    expect(page.locator("[data-progress-text]")).to_have_text(f"0 of {total} milestones done")
    first_step = page.locator("[data-next-steps] li").first.locator("strong").inner_text()
    first_box = page.locator("[data-milestone]").first
    expect(first_box.locator("xpath=following-sibling::label")).to_have_text(first_step)
    page.evaluate("window.__noReload = true")
    first_box.check()
    expect(page.locator("[data-progress-text]")).to_have_text(f"1 of {total} milestones done")
    expect(page.locator("[data-milestone]").first).to_be_checked()
    expect(page.locator(".milestone").first).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator("[data-next-steps] li").first).not_to_contain_text(first_step)
    assert page.evaluate("window.__noReload") is True, "the page was reloaded"
    no_sideways_scroll(page)
    shot(page, "88-roadmap-milestone-ticked")
    page.goto(roadmap_url)  # it was saved
    expect(page.locator("[data-milestone]").first).to_be_checked()
    expect(page.locator("[data-progress-text]")).to_have_text(f"1 of {total} milestones done")

    # 9. The list shows the resume with its latest score; the job page reads the job.
    page.goto("/resumes/")
    row = page.locator("[data-resume-list] tbody tr", has_text="jordan-rivera")
    expect(row).to_contain_text("Read")
    expect(row.locator(".score-chip")).to_have_text(re.compile(r"^\d+$"))
    expect(row).to_contain_text("2")  # versions
    no_sideways_scroll(page)
    shot(page, "89-resumes-list")
    page.locator("main a", has_text="Senior Backend Engineer").first.click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    required = " ".join(page.locator("[data-required-skills] li").all_inner_texts())
    for name in ("Python", "Django", "PostgreSQL", "Kafka", "Google Cloud", "Kubernetes", "Rust"):
        assert name in required, required  # names, not ids
    expect(page.locator("[data-preferred-skills]")).to_contain_text("Terraform")
    expect(page.locator("main")).to_contain_text("Own our data pipeline")
    no_sideways_scroll(page)
    shot(page, "90-job-detail")

    # 10. On a phone, nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (resume_url, resume_url + "versions/", resume_url + "builder/", roadmap_url, "/resumes/"):
        page.goto(url)
        no_sideways_scroll(page)
    page.goto(resume_url + "?analysis=1")
    shot(page, "95-analysis-phone")

    assert not errors, f"JavaScript errors: {errors}"


def read_in_another_thread(version_id: int):
    """What the worker does, off the test thread (Playwright's loop runs there, and the parse
    publishes its status over the channel layer, which needs a thread without one)."""
    import threading

    from django.db import connections

    from resumes import services

    def work():
        try:
            services.version_parse(version_id=version_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "parsing took more than a minute"


def test_parsing_progress_then_failure(new_context, make_user, achievements, tmp_path, shot):
    """While a file is being read the page polls; once read it shows the results by itself. A file
    that cannot be read says why, and offers to upload another."""
    from django.core.files.base import ContentFile

    from resumes.models import ParseStatus, Resume, ResumeVersion

    casey = make_user(username="casey", email="casey@example.com", name="Casey Jones")
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, casey.email)

    # A version waiting for the reader (as with a real worker, before it picks the task up).
    resume = Resume.objects.create(user=casey, title="Waiting resume")
    version = ResumeVersion(resume=resume, number=1, note="Uploaded", file_kind="pdf", parse_status=ParseStatus.PENDING)
    version.file.save("waiting.pdf", ContentFile(documents.pdf_one_column()), save=False)
    version.save()
    page.goto(f"/resumes/{resume.id}/")
    status = page.locator("#parse-status")
    expect(status).to_contain_text("Reading your file…")
    page.wait_for_timeout(1500)  # it keeps polling while nothing changes
    expect(status).to_contain_text("Reading your file…")
    shot(page, "91-resume-reading")
    read_in_another_thread(version.id)
    expect(page.locator("[data-format-report]")).to_be_visible(timeout=15_000)  # HX-Refresh reloaded the page
    expect(page.locator("#parse-status")).to_have_count(0)

    # A "PDF" that is not one: the parse fails and says so; upload a readable file instead.
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 200)
    page.goto("/resumes/")
    page.set_input_files("#resume-file", str(broken))
    submit(page, "form[data-upload-form]")
    page.wait_for_url(re.compile(r"/resumes/\d+/$"))
    failed = page.locator("[data-parse-failed]")
    expect(failed).to_be_visible(timeout=30_000)
    expect(failed.locator("[role=alert]")).to_contain_text(re.compile(r"damaged|cannot be read|could not be read"))
    shot(page, "92-resume-unreadable")
    good = tmp_path / "readable.docx"
    good.write_bytes(documents.docx_plain())
    page.set_input_files("#version-file", str(good))
    submit(page, "form[data-upload-version]")
    expect(page.locator("[data-format-report]")).to_contain_text("DOCX")
    expect(page.locator("[data-version-line]")).to_contain_text("Version 2")
    # With no job, Analyze gives the general check: no required-skills category, no gaps.
    submit(page, "form[data-analyze-form]")
    expect(page.locator("#analysis h2")).to_have_text("General ATS check")
    expect(page.locator("#analysis [data-category]")).to_have_count(6)
    expect(page.locator("#analysis [data-gaps]")).to_have_count(0)
    expect(page.locator("[data-make-roadmap]")).to_have_count(0)

    # Deleting asks first; dismissing keeps the resume.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("main form[action$='/delete/'] button").click()
    page.wait_for_timeout(300)
    expect(page.locator("[data-format-report]")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("main form[action$='/delete/'] button").click()
    expect(page.locator(".messages")).to_contain_text("Resume deleted.")
    expect(page.locator("[data-resume-list]")).not_to_contain_text("broken")

    # Jobs: a too-short paste is refused with a reason; a whole one is read.
    page.goto("/jobs/")
    expect(page.locator("[data-no-jobs]")).to_be_visible()
    page.fill("#job-text", "Backend engineer, Python.")
    page.evaluate("document.querySelector('#job-text').removeAttribute('minlength')")  # the server checks too
    submit(page, "form[data-job-form]")
    expect(page.locator(".messages")).to_contain_text("Paste the whole job description")
    page.fill("#job-company", "Acme Cloud")
    page.fill("#job-text", BACKEND_JOB)
    submit(page, "form[data-job-form]")
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("main")).to_contain_text("Acme Cloud")
    page.goto("/jobs/")
    expect(page.locator("[data-job-list]")).to_contain_text("Senior Backend Engineer")
    expect(page.locator("[data-job-list]")).to_contain_text("Senior · backend")
    no_sideways_scroll(page)
    shot(page, "93-jobs")

    # From scratch: the builder starts with the name and e-mail; add a role and save.
    page.goto("/resumes/")
    page.fill("#scratch-title-input", "Fresh start")
    submit(page, "form:has(input[name=blank])")
    page.wait_for_url(re.compile(r"/builder/$"))
    page.wait_for_function("document.body.dataset.builderReady === 'true'")
    expect(page.locator("[data-path='contact.name']")).to_have_value("Casey Jones")
    expect(page.locator("[data-path='contact.email']")).to_have_value("casey@example.com")
    page.locator("[data-action='add'][data-list='experience']").click()
    expect(page.locator("[data-path='experience.0.title']")).to_be_focused()
    page.keyboard.type("Support Engineer")
    page.fill("[data-path='experience.0.company']", "Helpdesk Co")
    page.fill("[data-path='experience.0.start']", "2022-03")
    page.check("[data-path='experience.0.current']")
    expect(page.locator("[data-path='experience.0.end']")).to_be_disabled()
    page.fill("[data-path='experience.0.bullets.0']", "Answered 40 tickets a day with a 98% satisfaction score")
    page.locator("[data-action='add'][data-list='experience.0.bullets']").click()
    page.keyboard.type("Wrote 25 runbooks")
    page.locator("button[data-action='remove'][data-list='experience.0.bullets'][data-index='1']").click()
    expect(page.locator("[data-entry='experience.0'] .bullet-row")).to_have_count(1)
    expect(page.locator("[data-entry='experience.0'] .entry-head strong")).to_have_text("Support Engineer at Helpdesk Co")
    expect(page.locator("[data-preview] .pv-dates")).to_have_text("Mar 2022 – Present")
    page.keyboard.press("Control+s")
    expect(page.locator("[data-save-status]")).to_contain_text("Saved as version 2")
    page.evaluate("window.scrollTo(0, 0)")
    no_sideways_scroll(page)
    shot(page, "94-builder-from-scratch")

    assert not errors, f"JavaScript errors: {errors}"
