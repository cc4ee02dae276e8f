"""Resume parsing alone (no Django): six layouts the tests generate, and bad files."""

import io
import zipfile

import pytest

from resumes.ontology import Ontology, SkillMatcher
from resumes.parsing import UnreadableDocument, detect_format, parse_resume

from . import documents

SMALL_ONTOLOGY = Ontology.from_data({"skills": [
    {"id": "python", "name": "Python", "aliases": ["py"]},
    {"id": "go", "name": "Go", "aliases": ["Golang"], "case_sensitive": True},
    {"id": "django", "name": "Django"},
    {"id": "postgresql", "name": "PostgreSQL", "aliases": ["Postgres"]},
    {"id": "redis", "name": "Redis"},
    {"id": "kubernetes", "name": "Kubernetes", "aliases": ["k8s"]},
    {"id": "docker", "name": "Docker"},
    {"id": "aws", "name": "AWS", "aliases": ["Amazon Web Services"]},
    {"id": "terraform", "name": "Terraform"},
    {"id": "airflow", "name": "Airflow", "aliases": ["Apache Airflow"]},
    {"id": "pytest", "name": "pytest"},
    {"id": "c", "name": "C", "case_sensitive": True},
    {"id": "cpp", "name": "C++"},
    {"id": "css", "name": "CSS"},
    {"id": "nodejs", "name": "Node.js", "aliases": ["Node", "NodeJS"]},
    {"id": "javascript", "name": "JavaScript", "aliases": ["JS"]},
]})
MATCHER = SkillMatcher(SMALL_ONTOLOGY)


@pytest.mark.parametrize("layout", sorted(documents.LAYOUTS))
def test_every_layout_yields_the_same_resume(layout):
    data = documents.LAYOUTS[layout]()
    parsed = parse_resume(data, MATCHER)
    assert parsed.contact.name == documents.NAME, parsed.text[:300]
    assert parsed.contact.email == documents.EMAIL
    assert parsed.contact.github == "https://github.com/jrivera"
    assert parsed.contact.linkedin == "https://linkedin.com/in/jordan-rivera"
    assert set(parsed.skill_ids) >= documents.EXPECTED_SKILLS, set(parsed.skill_ids) ^ documents.EXPECTED_SKILLS
    assert {"experience", "education", "skills"} <= set(parsed.sections)
    titles = [(e.title, e.company) for e in parsed.experience]
    assert ("Senior Software Engineer", "Acme Payments") in titles and len(titles) == 2
    assert parsed.experience[0].current and parsed.experience[1].end.year == 2020
    assert parsed.years_of_experience >= 5.5
    assert parsed.education and parsed.education[0].year == 2017
    quantified = " ".join(a.text for a in parsed.achievements)
    assert "45%" in quantified and "2 million" in quantified and "85%" in quantified


def test_format_report_flags_columns_and_tables():
    two = parse_resume(documents.pdf_two_columns(), MATCHER).format
    assert two.columns == 2 and any("column" in i for i in two.indicators) and two.pages == 1
    one = parse_resume(documents.pdf_one_column(), MATCHER).format
    assert one.columns == 1 and one.confidence > two.confidence and "Helvetica" in " ".join(one.fonts)
    tables = parse_resume(documents.docx_with_tables(), MATCHER).format
    assert tables.tables == 2 and any("table" in i for i in tables.indicators)


def test_skill_matching_respects_words_and_case():
    found = MATCHER.skill_ids("I use Go daily, Googled CSS tricks, wrote C++ and C, Postgres and k8s, NodeJS; "
                              "we go to the gym; javascript everywhere")
    assert found == ["go", "css", "cpp", "c", "postgresql", "kubernetes", "nodejs", "javascript"]
    assert "go" not in MATCHER.skill_ids("Google and going")
    assert MATCHER.skill_ids("Tools: Kubernets and Terrafrom") == ["kubernetes", "terraform"]  # near-misses


def test_format_comes_from_the_bytes():
    assert detect_format(documents.pdf_one_column()).kind == "pdf"
    assert detect_format(documents.docx_plain()).kind == "docx"
    assert detect_format(b"Plain resume text").kind == "text"


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b"   \n", "empty_file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported_format"),
    (b"%PDF-1.4\n garbage garbage", "corrupt_file"),
    (b"PK\x03\x04 not really a zip", "corrupt_file"),
    (bytes(range(256)) * 10, "unsupported_format"),
])
def test_bad_files_get_a_clear_message(data, code):
    with pytest.raises(UnreadableDocument) as error:
        parse_resume(data, MATCHER)
    assert error.value.code == code and error.value.message


def test_a_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableDocument) as error:
        parse_resume(buffer.getvalue(), MATCHER)
    assert error.value.code == "unsupported_format"


def test_docx_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>")
        archive.writestr("word/bomb.bin", b"\x00" * (60 * 1024 * 1024))
    with pytest.raises(UnreadableDocument) as error:
        parse_resume(buffer.getvalue(), MATCHER)
    assert error.value.code == "zip_bomb"


def test_encrypted_pdf_is_refused():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(100, 700, "Secret resume")
    page.save()
    with pytest.raises(UnreadableDocument) as error:
        parse_resume(buffer.getvalue(), MATCHER)
    assert error.value.code == "encrypted_pdf"
