"""Resume parsing and scoring speed, against references measured in the same run.

- PDF: our parse (text with column reading, plus structure and skills) per page, against
  pdfminer.six's own `extract_text` on the same file. Target: at most 1.5x.
- DOCX: parse time, against python-docx opening the file and reading every paragraph.
- ATS: scoring a two-page resume against a job. Target: under 50 ms."""

import io
import statistics
import time

from resumes.ats import parse_job, score_resume
from resumes.ontology import default_matcher
from resumes.parsing import parse_resume
from resumes.parsing.extract import extract_text
from tests.resumes import documents
from tests.resumes.test_ats import BACKEND_JOB

ROUNDS = 7


def long_pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    lines = documents.ALL_LINES
    for _ in range(pages):
        y = 760
        while y > 60:
            for line in lines:
                page.setFont("Helvetica", 10)
                page.drawString(50, y, line)
                y -= 14
                if y <= 60:
                    break
        page.showPage()
    page.save()
    return buffer.getvalue()


def median(fn) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def test_pdf_parsing_per_page_against_pdfminer():
    from pdfminer.high_level import extract_text as pdfminer_extract_text

    default_matcher()  # load the ontology once, outside the timing
    for pages in (1, 2, 5):
        data = long_pdf(pages)
        ours = median(lambda data=data: parse_resume(data))
        reference = median(lambda data=data: pdfminer_extract_text(io.BytesIO(data)))
        print(f"\n[bench] PDF, {pages} page(s): parse {ours / pages * 1000:.1f} ms/page vs pdfminer extract_text "
              f"{reference / pages * 1000:.1f} ms/page -> {ours / reference:.2f}x (target <= 1.5x)")


def test_docx_parsing():
    import docx

    data = documents.docx_with_tables()
    ours = median(lambda: parse_resume(data))
    reference = median(lambda: [p.text for p in docx.Document(io.BytesIO(data)).paragraphs])
    print(f"\n[bench] DOCX: parse {ours * 1000:.1f} ms vs python-docx reading paragraphs {reference * 1000:.1f} ms "
          f"-> {ours / reference:.2f}x")


def test_ats_scoring_two_pages():
    """From the resume's extracted text and the job's text to the explained score: structure,
    skills, the job's reading, the score and the gaps."""
    from resumes.parsing import parse_text

    data = long_pdf(2)
    extracted = extract_text(data)

    def score():
        return score_resume(parse_text(extracted), parse_job(BACKEND_JOB))

    score()
    elapsed = median(score)
    scoring_only_parsed, scoring_only_job = parse_text(extracted), parse_job(BACKEND_JOB)
    scoring_only = median(lambda: score_resume(scoring_only_parsed, scoring_only_job))
    extract = median(lambda: extract_text(data))
    print(f"\n[bench] ATS: two-page resume text + job text -> explained score in {elapsed * 1000:.1f} ms "
          f"(target < 50 ms; the scoring step alone {scoring_only * 1000:.2f} ms); for scale, reading the PDF's "
          f"text takes {extract * 1000:.1f} ms")
