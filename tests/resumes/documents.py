"""Resumes the tests generate, in several layouts, with what a parser must find in them."""

import io

NAME = "Jordan Rivera"
EMAIL = "jordan.rivera@example.com"
PHONE = "+1 (415) 555-0134"
HEADER = [NAME, f"{EMAIL} | {PHONE} | San Francisco, CA",
          "github.com/jrivera | linkedin.com/in/jordan-rivera"]
SUMMARY = ["SUMMARY", "Backend engineer with 6 years building Python and Go services on AWS."]
EXPERIENCE = [
    "EXPERIENCE",
    "Senior Software Engineer at Acme Payments   Jan 2021 - Present",
    "- Reduced p99 latency by 45% by moving hot paths from Django to Go services",
    "- Led a team of 5 engineers migrating 120 services to Kubernetes",
    "Software Engineer at Databloom   Mar 2018 - Dec 2020",
    "- Built ETL pipelines in Python and Airflow processing 2 million records a day",
    "- Increased test coverage from 40% to 85% with pytest",
]
EDUCATION = ["EDUCATION", "B.Sc. Computer Science, University of Texas, 2017"]
SKILLS = ["SKILLS", "Python, Go, Django, PostgreSQL, Redis, Kubernetes, Docker, AWS, Terraform, Airflow"]
PROJECTS = ["PROJECTS", "Open-source rate limiter in Go used by 3,000 developers"]
ALL_LINES = HEADER + SUMMARY + EXPERIENCE + EDUCATION + SKILLS + PROJECTS
EXPECTED_SKILLS = {"python", "go", "django", "postgresql", "redis", "kubernetes", "docker", "aws", "terraform",
                   "airflow", "pytest"}


def plain_text() -> bytes:
    return "\n".join(ALL_LINES).encode()


def pdf_one_column() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    y = 750
    for line in ALL_LINES:
        page.setFont("Helvetica-Bold" if line.isupper() or line == NAME else "Helvetica", 11)
        page.drawString(60, y, line)
        y -= 22 if line.isupper() else 16
    page.save()
    return buffer.getvalue()


def pdf_two_columns() -> bytes:
    """Name on top across the page; contact, skills and education on the left; summary,
    experience and projects on the right."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(60, 750, NAME)
    left = [EMAIL, PHONE, "San Francisco, CA", "github.com/jrivera", "linkedin.com/in/jordan-rivera", "",
            *SKILLS[:1], *SKILLS[1].split(", "), "", *EDUCATION]
    right = SUMMARY + EXPERIENCE + PROJECTS
    for x, column in ((40, left), (260, right)):
        text = page.beginText(x, 715)
        text.setFont("Helvetica", 8)
        for line in column:
            text.textLine(line[:95])
            if len(line) > 95:
                text.textLine(line[95:])
        page.drawText(text)
    page.save()
    return buffer.getvalue()


def pdf_with_table() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    story = [Paragraph(line, styles["Normal"]) for line in HEADER + SUMMARY + EXPERIENCE + EDUCATION]
    story.append(Paragraph("SKILLS", styles["Normal"]))
    story.append(Table([["Languages", "Python, Go"], ["Frameworks", "Django, Airflow, pytest"],
                        ["Infrastructure", "PostgreSQL, Redis, Kubernetes, Docker, AWS, Terraform"]]))
    story += [Paragraph(line, styles["Normal"]) for line in PROJECTS]
    SimpleDocTemplate(buffer, pagesize=letter).build(story)
    return buffer.getvalue()


def docx_plain() -> bytes:
    import docx

    document = docx.Document()
    for line in ALL_LINES:
        if line.isupper():
            document.add_heading(line.title(), level=2)
        elif line.startswith("- "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_tables() -> bytes:
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.rows[0].cells[0].text = NAME
    header.rows[0].cells[1].text = "\n".join(HEADER[1:])
    for line in SUMMARY + EXPERIENCE + EDUCATION:
        document.add_paragraph(line)
    document.add_paragraph("SKILLS")
    skills = document.add_table(rows=2, cols=2)
    skills.rows[0].cells[0].text, skills.rows[0].cells[1].text = "Languages", "Python, Go"
    skills.rows[1].cells[0].text, skills.rows[1].cells[1].text = (
        "Tools", "Django, PostgreSQL, Redis, Kubernetes, Docker, AWS, Terraform, Airflow, pytest")
    for line in PROJECTS:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


LAYOUTS = {
    "text": plain_text, "pdf-one-column": pdf_one_column, "pdf-two-columns": pdf_two_columns,
    "pdf-table": pdf_with_table, "docx": docx_plain, "docx-tables": docx_with_tables,
}
