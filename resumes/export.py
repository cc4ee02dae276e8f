"""Downloads of a structured resume: DOCX (python-docx) and PDF (reportlab), in two templates.
No Django in here."""

import io

from .content import _period, education_line

TEMPLATES = ("classic", "modern")
KINDS = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _sections(content: dict):
    contact = content["contact"]
    yield "header", contact
    if content["summary"]:
        yield "Summary", [content["summary"]]
    if content["experience"]:
        yield "Experience", content["experience"]
    if content["education"]:
        yield "Education", [education_line(e) for e in content["education"]]
    if content["skills"]:
        yield "Skills", [", ".join(content["skills"])]
    if content["projects"]:
        yield "Projects", [f"{p['name']}: {p['description']}".rstrip(": ") for p in content["projects"]]
    if content["certifications"]:
        yield "Certifications", content["certifications"]


def to_docx(content: dict, template: str = "classic") -> bytes:
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri" if template == "modern" else "Georgia"
    style.font.size = Pt(10.5)
    accent = RGBColor(0x2B, 0x4C, 0xC8) if template == "modern" else RGBColor(0, 0, 0)
    for title, body in _sections(content):
        if title == "header":
            name = document.add_paragraph()
            run = name.add_run(body["name"] or "Your name")
            run.bold, run.font.size, run.font.color.rgb = True, Pt(20), accent
            details = " | ".join(v for v in (body["email"], body["phone"], body["location"]) if v)
            links = " | ".join(v for v in (body["github"], body["linkedin"], body["website"]) if v)
            for line in (details, links):
                if line:
                    document.add_paragraph(line)
            continue
        heading = document.add_paragraph()
        run = heading.add_run(title.upper() if template == "classic" else title)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(12), accent
        if title == "Experience":
            for entry in body:
                head = document.add_paragraph()
                head.add_run(" at ".join(v for v in (entry["title"], entry["company"]) if v)).bold = True
                head.add_run(f"   {_period(entry)}")
                for bullet in entry["bullets"]:
                    document.add_paragraph(bullet, style="List Bullet")
        else:
            for line in body:
                document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(content: dict, template: str = "classic") -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    base = getSampleStyleSheet()
    font = "Helvetica" if template == "modern" else "Times-Roman"
    bold = "Helvetica-Bold" if template == "modern" else "Times-Bold"
    accent = colors.HexColor("#2b4cc8") if template == "modern" else colors.black
    body = ParagraphStyle("body", parent=base["Normal"], fontName=font, fontSize=10, leading=13)
    name_style = ParagraphStyle("name", parent=body, fontName=bold, fontSize=20, leading=24, textColor=accent)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=12, leading=16, spaceBefore=8,
                             textColor=accent)
    story = []
    for title, section in _sections(content):
        if title == "header":
            story.append(Paragraph(escape(section["name"] or "Your name"), name_style))
            for line in (" | ".join(v for v in (section["email"], section["phone"], section["location"]) if v),
                         " | ".join(v for v in (section["github"], section["linkedin"], section["website"]) if v)):
                if line:
                    story.append(Paragraph(escape(line), body))
            continue
        story.append(Paragraph(escape(title.upper() if template == "classic" else title), heading))
        if title == "Experience":
            for entry in section:
                head = " at ".join(v for v in (entry["title"], entry["company"]) if v)
                story.append(Paragraph(f"<b>{escape(head)}</b>&nbsp;&nbsp;&nbsp;{escape(_period(entry))}", body))
                if entry["bullets"]:
                    story.append(ListFlowable([ListItem(Paragraph(escape(b), body)) for b in entry["bullets"]],
                                              bulletType="bullet", leftIndent=12))
                story.append(Spacer(1, 3))
        else:
            for line in section:
                story.append(Paragraph(escape(line), body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title=content["contact"]["name"] or "Resume").build(story)
    return buffer.getvalue()
