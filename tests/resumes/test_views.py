"""The resume checker's pages: the side-by-side view, Analyze landing on its result, one job for
one pasted text, the roadmap form filled from an analysis, the folding result page, the exports.
Every GET here is checked to write nothing."""

import io
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resumes import export, services
from resumes.highlight import MATCHED, MISSING, mark_terms
from resumes.models import Analysis, JobDescription
from tests.resumes.corpus import CORPUS
from tests.resumes.test_ats import BACKEND_JOB
from tests.resumes.test_services import upload

from . import documents

pytestmark = pytest.mark.django_db
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)", re.I)


@contextmanager
def no_writes():
    """No INSERT, UPDATE or DELETE inside. (The site marks a user's first request of the day as
    activity: the fixtures make one request first, so that marker is not counted here.)"""
    with CaptureQueriesContext(connection) as queries:
        yield
    writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    assert not writes, writes


@pytest.fixture
def analysed(user, client):
    version = upload(user, documents.pdf_one_column())
    job = services.job_create(user=user, text=BACKEND_JOB)
    analysis = services.analysis_run(user=user, version=version, job=job)
    client.force_login(user)
    client.get(reverse("resume-list"))  # the day's activity marker, written once
    return analysis


# 1. Side by side ---------------------------------------------------------------------------------


def test_marked_segments_join_back_to_the_text_and_mark_only_the_asked_terms():
    text = "Python and Kafka, then python again; Go is not in Google."
    segments = mark_terms(text, {"python": MATCHED, "kafka": MISSING})
    assert "".join(s.text for s in segments) == text
    marked = [(s.text, s.state) for s in segments if s.state]
    assert marked == [("Python", MATCHED), ("Kafka", MISSING), ("python", MATCHED)]


def test_side_by_side_marks_the_jobs_terms_in_both_texts(client, analysed):
    url = reverse("resume-side-by-side", args=[analysed.version.resume_id, analysed.id])
    with no_writes():
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    job_pane = page.split('data-pane="job"')[1]
    resume_pane = page.split('data-pane="resume"')[1].split('data-pane="job"')[0]
    # Kafka is asked for and missing; Python is asked for and on the resume: marked on both sides.
    assert re.search(r'<mark class="term term-missing" data-term="kafka">', job_pane)
    assert re.search(r'<mark class="term term-matched" data-term="python">', job_pane)
    assert re.search(r'<mark class="term term-matched" data-term="python">', resume_pane)
    assert 'data-term="kafka"' not in resume_pane
    # Not by colour alone: a sign and words for screen readers, and a legend.
    assert "missing from your resume)" in job_pane and "data-legend" in page
    assert re.search(r'<tr data-term="kafka" data-state="missing">', page)
    # The texts are there whole (the marks aside).
    assert "Acme Cloud is hiring a senior backend engineer" in job_pane and documents.EMAIL in resume_pane


def test_side_by_side_is_only_for_its_owner_its_resume_and_a_job(client, analysed, other_user, user):
    resume_id = analysed.version.resume_id
    general = services.analysis_run(user=user, version=analysed.version, job=None)
    assert client.get(reverse("resume-side-by-side", args=[resume_id, general.id])).status_code == 404
    another = upload(user, documents.docx_plain(), name="other.docx")
    assert client.get(reverse("resume-side-by-side", args=[another.resume_id, analysed.id])).status_code == 404
    client.force_login(other_user)
    assert client.get(reverse("resume-side-by-side", args=[resume_id, analysed.id])).status_code == 404


def test_side_by_side_reads_older_and_newer_result_shapes(client, analysed):
    """The stored result is read loosely: a gap inside a family, a result with no gaps at all."""
    analysed.gaps = {"matched": [{"skill": "python", "name": "Python"}],
                     "families": [{"family": "Streaming", "members": [{"skill": "kafka", "name": "Kafka"}]}]}
    analysed.save()
    page = client.get(reverse("resume-side-by-side", args=[analysed.version.resume_id, analysed.id])).content.decode()
    assert 'class="term term-missing" data-term="kafka"' in page
    analysed.gaps = {}
    analysed.save()
    response = client.get(reverse("resume-side-by-side", args=[analysed.version.resume_id, analysed.id]))
    assert response.status_code == 200 and "data-no-terms" in response.content.decode()


# 2. Analyze lands on the result ------------------------------------------------------------------


def test_analyze_lands_on_its_result_scrolled_to_it(client, user):
    version = upload(user, documents.pdf_one_column())
    client.force_login(user)
    client.get(reverse("resume-list"))  # the day's activity marker, written once
    response = client.post(reverse("resume-analyze", args=[version.resume_id]), {"job_text": BACKEND_JOB})
    analysis = Analysis.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('resume-detail', args=[version.resume_id])}?analysis={analysis.id}#analysis"
    with no_writes():
        page = client.get(response["Location"]).content.decode()
    assert f'data-analysis="{analysis.id}"' in page and "Senior Backend Engineer" in page
    # The progress panel is there for the next Analyze, hidden until a submit shows it.
    assert re.search(r'data-analyze-progress hidden role="status"', page)
    assert "resume_pages.js" in page
    assert f'href="{reverse("resume-side-by-side", args=[version.resume_id, analysis.id])}"' in page


def test_analyze_that_cannot_run_says_why_on_the_form(client, user):
    version = upload(user, documents.pdf_one_column())
    client.force_login(user)
    response = client.post(reverse("resume-analyze", args=[version.resume_id]), {"job_text": "too short"},
                           follow=True)
    assert response.redirect_chain[-1][0].endswith("#analyze")
    assert "Paste the whole job description" in response.content.decode()
    assert not Analysis.objects.exists()


# 3. The same job pasted twice is one job ---------------------------------------------------------


def test_job_identity_ignores_case_and_whitespace_only():
    messy = "  " + BACKEND_JOB.upper().replace("\n", "\r\n   ").replace(" ", "\t ") + "\n\n"
    assert services.job_identity(messy) == services.job_identity(BACKEND_JOB)
    assert services.job_identity(BACKEND_JOB.replace("Rust", "Scala")) != services.job_identity(BACKEND_JOB)


def test_a_job_pasted_twice_is_one_job_per_user(user, other_user):
    first = services.job_save(user=user, text=BACKEND_JOB)
    again = services.job_save(user=user, text=BACKEND_JOB.replace("\n", "\n  ").lower(), title="Another title")
    assert first.created and not again.created and again.job.id == first.job.id
    assert again.job.title == "Senior Backend Engineer"  # the saved job is unchanged
    theirs = services.job_save(user=other_user, text=BACKEND_JOB)
    assert theirs.created and theirs.job.id != first.job.id
    assert JobDescription.objects.count() == 2


def test_a_job_saved_before_identities_were_stored_is_found_by_its_text(user):
    old = JobDescription.objects.create(user=user, title="Old paste", text=BACKEND_JOB, parsed={"title": "x"})
    assert services.job_save(user=user, text=BACKEND_JOB + "  ").job.id == old.id


def test_pasting_a_job_again_shows_the_saved_one(client, user):
    client.force_login(user)
    first = client.post(reverse("job-list"), {"text": BACKEND_JOB})
    second = client.post(reverse("job-list"), {"text": "\n" + BACKEND_JOB.replace("- ", "-  ")}, follow=True)
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "You saved this job before" in second.content.decode()
    assert JobDescription.objects.count() == 1


def test_analyzing_the_same_pasted_job_twice_reuses_it(client, user):
    version = upload(user, documents.pdf_one_column())
    client.force_login(user)
    url = reverse("resume-analyze", args=[version.resume_id])
    client.post(url, {"job_text": BACKEND_JOB})
    # The list of saved jobs comes back preselected: what the user pasted is what is checked.
    response = client.post(url, {"job": JobDescription.objects.get().id, "job_text": BACKEND_JOB.upper()}, follow=True)
    assert JobDescription.objects.count() == 1 and Analysis.objects.count() == 2
    assert set(Analysis.objects.values_list("job_id", flat=True)) == {JobDescription.objects.get().id}
    assert "You saved this job before" in response.content.decode()
    other = BACKEND_JOB.replace("Senior Backend Engineer", "Staff Data Engineer")
    client.post(url, {"job": JobDescription.objects.first().id, "job_text": other})
    assert Analysis.objects.first().job.title == "Staff Data Engineer"


# 4. The roadmap form opened from an analysis is filled from it ------------------------------------


def test_roadmap_form_from_an_analysis_is_filled_from_it(client, analysed):
    with no_writes():
        page = client.get(f"{reverse('roadmap-list')}?analysis={analysed.id}").content.decode()
    assert re.search(r'name="target_role"[^>]*value="Senior Backend Engineer"', page)
    assert f'name="analysis" value="{analysed.id}"' in page
    gaps = page.split("data-roadmap-gaps")[1].split("</ul>")[0]
    for gap in analysed.gaps["gaps"]:
        assert f'data-gap="{gap["skill"]}"' in gaps
    years = analysed.version.parsed.get("years_of_experience")
    if years is not None:
        assert "data-level-hint" in page
    assert re.search(r'<option value="\w+" selected>', page)


def test_roadmap_form_ignores_an_analysis_that_is_not_yours(client, analysed, other_user):
    client.force_login(other_user)
    page = client.get(f"{reverse('roadmap-list')}?analysis={analysed.id}").content.decode()
    assert "data-from-analysis" not in page and 'name="analysis"' not in page
    assert client.get(f"{reverse('roadmap-list')}?analysis=abc").status_code == 200
    refused = client.post(reverse("roadmap-list"), {"analysis": analysed.id, "target_role": "X", "current_level": "mid"})
    assert refused.status_code == 200 and "No such analysis" in refused.content.decode()


# 5. The result page folds ------------------------------------------------------------------------


def test_result_page_is_in_folding_sections(client, analysed):
    url = f"{reverse('resume-detail', args=[analysed.version.resume_id])}?analysis={analysed.id}"
    with no_writes():
        page = client.get(url).content.decode()
    folds = re.findall(r'<details class="[^"]*\bfold\b[^"]*" open data-fold="(\w+)"', page)
    assert {"format", "read", "downloads", "categories", "recommendations", "gaps", "matched"} <= set(folds)
    assert 'matchMedia("(max-width: 700px)")' in page  # closed on a phone, before the first paint


# 6. Exports -------------------------------------------------------------------------------------

CORPUS_FILE = CORPUS / "resumes" / "docx_seven_brooksby.docx"


def _corpus_content() -> dict:
    if not CORPUS_FILE.exists():
        pytest.skip(f"the corpus is not at {CORPUS}")
    from resumes import content as resume_content

    return resume_content.normalise(services.resume_read(CORPUS_FILE.read_bytes())["content"])


def _with_layout_whitespace(content: dict) -> dict:
    """Fields as uploads can carry them: tabs between columns, line breaks, soft hyphens."""
    role = content["experience"][0]
    role["title"] = role["title"].replace(" ", "\t", 1) + "\t\t"
    role["company"] = "hands\u00adon\n" + role["company"]
    content["skills"] = ["SQL\t", *content["skills"]]
    return content


def _docx_paragraphs(data: bytes) -> list[str]:
    import docx

    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _pdf_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return " ".join(extract_text(io.BytesIO(data)).split())


@pytest.mark.parametrize("template", export.TEMPLATES)
def test_docx_export_of_a_parsed_real_resume_has_no_tabs_inside_fields(template):
    content = _with_layout_whitespace(_corpus_content())
    assert content["experience"], "the corpus file reads with roles"
    paragraphs = _docx_paragraphs(export.to_docx(content, template))
    periods = {export.period(e) for e in content["experience"]} - {""}
    for text in paragraphs:
        fields = text.split("\t")
        # The only tab is the one that sets a role's dates flush right.
        assert len(fields) <= 2, repr(text)
        if len(fields) == 2:
            assert fields[1] in periods, repr(text)
        assert "\n" not in text and "\u00ad" not in text and "  " not in text, repr(text)
    joined = "\n".join(paragraphs)
    for role in content["experience"]:
        assert export.one_line(role["title"]) in joined and export.one_line(role["company"]) in joined
    assert "handson" in joined and "Your name" not in joined


@pytest.mark.parametrize("template", export.TEMPLATES)
def test_pdf_export_of_a_parsed_real_resume_has_its_roles(template):
    content = _corpus_content()
    text = _pdf_text(export.to_pdf(content, template))
    for role in content["experience"]:
        for value in (role["title"], role["company"], export.period(role)):
            assert export.one_line(value) in text, (value, text[:400])
    assert content["contact"]["name"] in text


def test_an_export_without_a_name_prints_no_placeholder():
    from resumes.content import empty_content

    content = empty_content()
    content["experience"] = [{"title": "Engineer", "company": "Acme", "start": "2020-01", "end": "",
                              "current": True, "bullets": ["Shipped it"]}]
    assert "Your name" not in _pdf_text(export.to_pdf(content))
    assert "Your name" not in "\n".join(_docx_paragraphs(export.to_docx(content)))
    assert "Jan 2020 – Present" in _pdf_text(export.to_pdf(content))


def test_stored_spans_that_do_not_fit_the_text_are_left_out():
    from resumes.highlight import segments_from_spans

    text = "Python, Kafka and Go"
    segments = segments_from_spans(text, [(0, 6, "python", MATCHED), (3, 9, "kafka", MISSING),
                                          (8, 13, "kafka", MISSING), (18, 99, "go", MATCHED), (5, 5, "x", MATCHED)])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.state) for s in segments if s.state] == [("Python", MATCHED), ("Kafka", MISSING)]


def test_result_page_says_how_each_skill_is_shown_and_groups_gaps(client, analysed):
    page = client.get(f"{reverse('resume-detail', args=[analysed.version.resume_id])}?analysis={analysed.id}")
    page = page.content.decode()
    for matched in analysed.gaps["matched"]:
        label = matched.get("shown_label") or matched["proficiency"]
        assert re.search(rf'data-matched-skill="{matched["skill"]}"><strong>[^<]+</strong> <span class="small shown-label">'
                         rf'{re.escape(label)}</span>', page)
    for gap in analysed.gaps["gaps"]:
        assert f'data-gap="{gap["skill"]}"' in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_roadmap_form_and_side_by_side_read_in_queries_that_do_not_grow(client, analysed, user):
    roadmaps = f"{reverse('roadmap-list')}?analysis={analysed.id}"
    side = reverse("resume-side-by-side", args=[analysed.version.resume_id, analysed.id])
    services.roadmap_create(user=user, target_role="Backend", current_level="mid", analysis=analysed)
    before = _queries(client, roadmaps), _queries(client, side)
    for role in ("Data", "Platform", "Staff"):
        services.roadmap_create(user=user, target_role=role, current_level="mid", analysis=analysed)
    services.analysis_run(user=user, version=analysed.version, job=analysed.job)
    assert (_queries(client, roadmaps), _queries(client, side)) == before


def test_before_any_analysis_what_was_read_stays_open_on_a_phone(client, user):
    version = upload(user, documents.pdf_one_column())
    client.force_login(user)
    page = client.get(reverse("resume-detail", args=[version.resume_id])).content.decode()
    assert re.search(r'data-fold="read" data-keep-open', page) and 'details[data-fold]:not([data-keep-open])' in page
