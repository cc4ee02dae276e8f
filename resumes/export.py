"""Downloads of a structured resume: DOCX (python-docx) and PDF (reportlab), in two templates.
No Django in here.

Both files lay a role out as the builder's preview does: the title in bold and the company beside
it, the dates flush right (a right-aligned tab stop in Word, a two-column row in the PDF), the
bullets below. Every field is written on one line of single spaces: text read from an upload can
carry the source's layout (tabs between columns, line breaks, soft hyphens), which would print
as gaps in the middle of a title."""

import io
import re

from .content import MONTH_NAMES, education_line

TEMPLATES = ("classic", "modern")
KINDS = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

# Characters that draw nothing in a field (soft hyphen, zero-width spaces and joiners, BOM).
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def one_line(value) -> str:
    """A field as it should print: no tabs, line breaks or runs of spaces inside it."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", str(value or ""))).strip()


def _month(value: str) -> str:
    try:
        year, month = value.split("-")
        return f"{MONTH_NAMES[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return one_line(value)


def period(entry: dict) -> str:
    """'Mar 2022 – Present', as the builder's preview shows it."""
    start = _month(entry["start"]) if entry.get("start") else ""
    end = "Present" if entry.get("current") else (_month(entry["end"]) if entry.get("end") else "")
    return " – ".join(v for v in (start, end) if v)


def _link_label(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def _education_line(entry: dict) -> str:
    """The entry's own line, or degree, school and year (content.education_line), on one line."""
    line = one_line(education_line(entry))
    year = entry.get("year")
    if year and str(year) not in line:
        line = f"{line}, {year}" if line else str(year)
    return line


def _sections(content: dict):
    """(heading, items) in the conventional order; the header first, as ("header", contact)."""
    contact = {key: one_line(value) for key, value in content["contact"].items()}
    yield "header", contact
    if one_line(content["summary"]):
        yield "Summary", [one_line(content["summary"])]
    roles = [{"title": one_line(e["title"]), "company": one_line(e["company"]), "period": period(e),
              "bullets": [one_line(b) for b in e["bullets"] if one_line(b)]} for e in content["experience"]]
    roles = [r for r in roles if r["title"] or r["company"] or r["bullets"]]
    if roles:
        yield "Experience", roles
    education = [line for line in (_education_line(e) for e in content["education"]) if line]
    if education:
        yield "Education", education
    skills = [one_line(s) for s in content["skills"] if one_line(s)]
    if skills:
        yield "Skills", [", ".join(skills)]
    projects = [": ".join(v for v in (one_line(p["name"]), one_line(p["description"])) if v)
                for p in content["projects"]]
    if any(projects):
        yield "Projects", [p for p in projects if p]
    certifications = [one_line(c) for c in content["certifications"] if one_line(c)]
    if certifications:
        yield "Certifications", certifications


def _contact_lines(contact: dict) -> tuple[list[str], list[str]]:
    details = [v for v in (contact["email"], contact["phone"], contact["location"]) if v]
    links = [v for v in (contact["github"], contact["linkedin"], contact["website"]) if v]
    return details, links


def to_docx(content: dict, template: str = "classic") -> bytes:
    import docx
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, as the PDF
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(15)
    text_width = section.page_width - section.left_margin - section.right_margin
    style = document.styles["Normal"]
    style.font.name = "Calibri" if template == "modern" else "Georgia"
    style.font.size = Pt(10.5)
    style.paragraph_format.space_after = Pt(2)
    accent = RGBColor(0x2B, 0x4C, 0xC8) if template == "modern" else RGBColor(0, 0, 0)
    for title, body in _sections(content):
        if title == "header":
            if body["name"]:
                run = document.add_paragraph().add_run(body["name"])
                run.bold, run.font.size, run.font.color.rgb = True, Pt(20), accent
            for line in _contact_lines(body):
                if line:
                    document.add_paragraph(" | ".join(line))
            continue
        heading = document.add_paragraph()
        heading.paragraph_format.space_before = Pt(8)
        run = heading.add_run(title.upper() if template == "classic" else title)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(12), accent
        if title == "Experience":
            for role in body:
                head = document.add_paragraph()
                head.paragraph_format.space_before = Pt(4)
                # As the builder's preview shows it: classic "Title, Company" in bold; modern the
                # title in bold and the company beside it in the accent colour.
                if template == "classic":
                    head.add_run(", ".join(v for v in (role["title"], role["company"]) if v)).bold = True
                else:
                    if role["title"]:
                        head.add_run(role["title"]).bold = True
                    if role["company"]:
                        company = head.add_run(f" {role['company']}" if role["title"] else role["company"])
                        company.font.color.rgb = accent
                if role["period"]:
                    # The one tab in a role's line: it moves the dates to the right margin.
                    head.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
                    head.add_run("\t" + role["period"])
                for bullet in role["bullets"]:
                    document.add_paragraph(bullet, style="List Bullet")
        else:
            for line in body:
                document.add_paragraph(line)
    buffer = io.BytesIO()
    document.core_properties.title = content["contact"]["name"] or "Resume"
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(content: dict, template: str = "classic") -> bytes:
    from xml.sax.saxutils import escape, quoteattr

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        ListFlowable,
        ListItem,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    base = getSampleStyleSheet()
    font = "Helvetica" if template == "modern" else "Times-Roman"
    bold = "Helvetica-Bold" if template == "modern" else "Times-Bold"
    accent = colors.HexColor("#2b4cc8") if template == "modern" else colors.black
    body = ParagraphStyle("body", parent=base["Normal"], fontName=font, fontSize=10, leading=13)
    dates = ParagraphStyle("dates", parent=body, alignment=TA_RIGHT)
    name_style = ParagraphStyle("name", parent=body, fontName=bold, fontSize=20, leading=24, textColor=accent)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=12, leading=16, spaceBefore=8,
                             spaceAfter=2, textColor=accent)
    document = SimpleDocTemplate(io.BytesIO(), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm)
    width = document.width - 12  # the frame keeps 6 pt of padding on each side
    story: list = []
    for title, section in _sections(content):
        if title == "header":
            if section["name"]:
                story.append(Paragraph(escape(section["name"]), name_style))
            details, links = _contact_lines(section)
            if details:
                story.append(Paragraph(escape(" | ".join(details)), body))
            if links:
                shown = [f"<link href={quoteattr(url if '://' in url else 'https://' + url)}>"
                         f"{escape(_link_label(url))}</link>" if "." in url else escape(url) for url in links]
                story.append(Paragraph(" | ".join(shown), body))
            continue
        story.append(Paragraph(escape(title.upper() if template == "classic" else title), heading))
        if title == "Experience":
            for role in section:
                if template == "classic":
                    head = f"<b>{escape(', '.join(v for v in (role['title'], role['company']) if v))}</b>"
                else:
                    head = " ".join(v for v in (f"<b>{escape(role['title'])}</b>" if role["title"] else "",
                                                f'<font color="#{accent.hexval()[2:]}">'
                                                f"{escape(role['company'])}</font>" if role["company"] else "") if v)
                row = Table([[Paragraph(head, body), Paragraph(escape(role["period"]), dates)]],
                            colWidths=[width - 38 * mm, 38 * mm], hAlign="LEFT")
                row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                         ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 2),
                                         ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
                story.append(row)
                if role["bullets"]:
                    story.append(ListFlowable([ListItem(Paragraph(escape(b), body)) for b in role["bullets"]],
                                              bulletType="bullet", start="•", leftIndent=12, bulletFontSize=8))
                story.append(Spacer(1, 3))
        else:
            for line in section:
                story.append(Paragraph(escape(line), body))
    name = one_line(content["contact"]["name"])
    document.title, document.author = name or "Resume", name
    document.build(story)
    return document.filename.getvalue()
