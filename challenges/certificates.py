"""A playlist completion certificate as a one-page PDF (reportlab). No Django in here.

Every field is drawn with drawString/drawCentredString, which print text as it is: nothing in a
name or a title is read as markup, so a `<script>` or `<a href>` in a title prints as those
characters and is never a link or an action in the file."""

import io
import re
from dataclasses import dataclass
from datetime import datetime

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")
_STANDARD_FONT = re.compile(r"[^\x20-\x7e\xa0-\xff]")


@dataclass(frozen=True)
class CertificateContent:
    holder_name: str
    playlist_title: str
    lesson_count: int
    issued_at: datetime
    code: str
    verify_url: str


def printable(value: str, limit: int = 90) -> str:
    """One line of what the standard PDF fonts can draw (Latin-1); others become '?'. Bounded
    so that a long title cannot run off the page."""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", str(value or ""))).strip()
    text = _STANDARD_FONT.sub("?", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def certificate_pdf(content: CertificateContent) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(printable(f"Certificate: {content.playlist_title}"))
    pdf.setAuthor("PrepForge")
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(width / 2, height - 120, "Certificate of completion")
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 180, "PrepForge certifies that")
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 230, printable(content.holder_name, 60))
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 280, "completed every lesson of the learning playlist")
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 320, printable(content.playlist_title))
    pdf.setFont("Helvetica", 14)
    lessons = f"{content.lesson_count} lesson{'s' if content.lesson_count != 1 else ''}"
    pdf.drawCentredString(width / 2, height - 360, f"{lessons} · issued {content.issued_at:%d %B %Y}")
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, 90, f"Certificate {content.code}")
    pdf.drawCentredString(width / 2, 70, f"Verify at {printable(content.verify_url, 200)}")
    pdf.linkURL(content.verify_url, (width / 2 - 250, 62, width / 2 + 250, 82), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
