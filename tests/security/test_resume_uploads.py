"""Hostile and broken resume files: each gets a clear message, nothing crashes, and the process
that handles uploads survives (parsing runs in a child process with CPU and memory limits)."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import ApplicationError
from resumes import services
from resumes.models import ParseStatus

pytestmark = pytest.mark.django_db


def upload(user, data: bytes, name="resume.pdf"):
    version = services.resume_upload(user=user, upload=SimpleUploadedFile(name, data))
    services.version_parse(version_id=version.id)
    version.refresh_from_db()
    return version


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty_file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "unsupported_format"),  # an image renamed .pdf
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "unsupported_format"),
    (bytes(range(256)) * 40, "unsupported_format"),
])
def test_refused_at_upload_with_a_message(user, data, code):
    with pytest.raises(ApplicationError) as error:
        services.resume_upload(user=user, upload=SimpleUploadedFile("resume.pdf", data))
    assert error.value.code == code and error.value.message


def test_files_over_the_size_limit(user, settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ApplicationError) as error:
        services.resume_upload(user=user, upload=SimpleUploadedFile("big.txt", b"a" * 5000))
    assert error.value.code == "file_too_large"


def test_corrupt_pdf(user):
    version = upload(user, b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n garbage \x00\xff" * 20)
    assert version.parse_status == ParseStatus.FAILED and version.parse_error


def test_zero_page_pdf(user):
    pdf = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
    version = upload(user, pdf)
    assert version.parse_status == ParseStatus.FAILED and version.parse_error


def test_encrypted_pdf(user):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(100, 700, "Secret resume")
    page.save()
    version = upload(user, buffer.getvalue())
    assert version.parse_status == ParseStatus.FAILED and "password" in version.parse_error.lower()


def test_docx_zip_bomb_is_refused_before_opening(user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>")
        for index in range(3):
            archive.writestr(f"word/media/bomb{index}.bin", b"\x00" * (30 * 1024 * 1024))
    with pytest.raises(ApplicationError) as error:
        services.resume_upload(user=user, upload=SimpleUploadedFile("cv.docx", buffer.getvalue()))
    assert error.value.code == "zip_bomb"


def test_xml_entities_are_not_expanded(user):
    import docx

    document = docx.Document()
    document.add_paragraph("Jordan Rivera")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
                                    b"<?xml version=\"1.0\"?>\n<!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
                                    b"<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                                    b"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>", 1)
                data = data.replace(b"Jordan Rivera", b"&x; &c;")
            archive.writestr(item, data)
    version = upload(user, evil.getvalue(), name="cv.docx")
    assert "root:" not in version.text and "aaaaaaaaaa" * 10 not in version.text


def test_pdf_decompression_bomb_is_contained(user, settings):
    """A PDF whose content stream inflates to far more than a resume: the child process hits its
    memory limit, the upload gets a message, this process carries on."""
    settings.RESUME_PARSE_SECONDS = 5  # the production limit is longer; the containment is the same
    payload = zlib.compress(b"0 0 m\n" * (60 * 1024 * 1024 // 6), 9)
    pdf = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
           b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
           b"4 0 obj << /Length " + str(len(payload)).encode() + b" /Filter /FlateDecode >> stream\n" + payload +
           b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
    version = upload(user, pdf)
    assert version.parse_status in (ParseStatus.FAILED, ParseStatus.DONE)
    if version.parse_status == ParseStatus.FAILED:
        assert version.parse_error
    # And the next upload is read normally.
    from tests.resumes import documents

    assert upload(user, documents.plain_text(), name="cv.txt").parse_status == ParseStatus.DONE
