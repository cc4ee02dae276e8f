"""The text layer and the header, one failure class at a time, on small documents made here: DOCX
content controls and list numbering, invisible characters, bullet glyphs, PDF lines whose pieces
are separate text runs, date margin columns, the name by font size, phones and section headings."""

import io

import pytest

from resumes.parsing import parse_resume
from resumes.parsing.contact import extract_contact
from resumes.parsing.extract import clean_line, extract_text
from resumes.parsing.sections import sections_of_heading, split_sections

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _raw(document, xml: str):
    """Appends raw WordprocessingML (what Google Docs and Word write, python-docx does not) to the body."""
    from docx.oxml import parse_xml

    element = parse_xml(xml)
    document.element.body.insert(len(document.element.body) - 1, element)  # before w:sectPr


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _sdt(inner: str) -> str:
    return f"<w:sdt><w:sdtPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def _pdf(draw) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    draw(page)
    page.save()
    return buffer.getvalue()


# --- DOCX ----------------------------------------------------------------------------------------

def test_docx_table_cells_in_content_controls_are_read():
    """Google Docs wraps every cell's paragraphs in w:sdt: python-docx's cell.text is empty there."""
    def build(document):
        name_cell = _sdt(f"<w:p>{_run('CHRIS')}</w:p>") + _sdt(f"<w:p>{_run('OH')}</w:p>")
        contact_cell = _sdt(f"<w:p>{_run('chris@example.com')}</w:p>") + _sdt(f"<w:p>{_run('206.555.0199')}</w:p>")
        label = _sdt(f"<w:p>{_run('EXPERIENCE')}</w:p>")
        body = (_sdt(f"<w:p>{_run('Software Engineer')}<w:r><w:tab/></w:r>{_run('August 2018 - Present')}</w:p>")
                + _sdt("<w:p><w:hyperlink><w:r><w:t>Acme Retail</w:t></w:r></w:hyperlink>"
                       "<w:smartTag><w:r><w:t xml:space=\"preserve\"> | New York, NY</w:t></w:r></w:smartTag></w:p>"))
        _raw(document, f"<w:tbl {W_NS}><w:tblPr/><w:tr><w:tc>{name_cell}</w:tc><w:tc>{contact_cell}</w:tc></w:tr>"
                       f"<w:tr><w:tc>{label}</w:tc><w:tc>{body}</w:tc></w:tr></w:tbl>")

    extracted = extract_text(_docx(build))
    lines = extracted.text.split("\n")
    assert lines[:4] == ["CHRIS", "OH", "chris@example.com", "206.555.0199"]
    assert "EXPERIENCE" in lines and "Software Engineer\tAugust 2018 - Present" in lines
    assert "Acme Retail | New York, NY" in lines
    assert extracted.tables == 1
    parsed = parse_resume(_docx(build))
    assert parsed.contact.name == "CHRIS OH" and parsed.contact.email == "chris@example.com"
    assert "experience" in parsed.sections


def test_docx_text_boxes_field_codes_deleted_text_and_placeholders():
    def build(document):
        _raw(document, f'<w:p {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                       f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                       f'<w:r><w:instrText>HYPERLINK "mailto:kim@example.com"</w:instrText></w:r>'
                       f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run("kim@example.com")}'
                       f'<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                       f'<w:del><w:r><w:delText>old text</w:delText></w:r></w:del>'
                       f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
                       f'<w:p>{_run("In a text box")}</w:p></w:txbxContent></w:drawing></mc:Choice>'
                       f'<mc:Fallback><w:pict><w:txbxContent><w:p>{_run("In a text box")}</w:p></w:txbxContent>'
                       f'</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')

        _raw(document, f'<w:p {W_NS}><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
                       f'{_run("Click here to enter a date.")}</w:sdtContent></w:sdt></w:p>')

    text = extract_text(_docx(build)).text
    assert text.split("\n") == ["kim@example.com", "In a text box"]  # once: the fallback copy is skipped


def test_docx_page_header_comes_first():
    def build(document):
        document.sections[0].header.paragraphs[0].text = "Omar Haddad | omar@example.com"
        document.add_paragraph("Experience")

    assert extract_text(_docx(build)).text.split("\n") == ["Omar Haddad | omar@example.com", "Experience"]


def test_docx_tabs_are_one_separator_and_list_numbering_is_a_bullet():
    def build(document):
        document.add_paragraph("\tSoftware Engineer\t\t\tJan 2020 – Present\t")
        document.add_paragraph("Reduced costs by 20%", style="List Bullet")
        document.add_paragraph("Numbered item", style="List Number")
        _raw(document, f'<w:p {W_NS}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                       f'{_run("Led a team of 4")}</w:p>')
        document.add_paragraph("Acme Corp ................ 2019 – 2021")

    lines = extract_text(_docx(build)).text.split("\n")
    assert lines == ["Software Engineer\tJan 2020 – Present", "• Reduced costs by 20%", "• Numbered item",
                     "• Led a team of 4", "Acme Corp\t2019 – 2021"]


def test_docx_heading_in_a_table_cell_is_its_own_line():
    def build(document):
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text = "Skills"
        table.rows[0].cells[1].text = "Python, Go"
        table.add_row()
        table.rows[1].cells[0].text = "Tools"
        table.rows[1].cells[1].text = "Docker"

    lines = extract_text(_docx(build)).text.split("\n")
    assert lines[:2] == ["Skills", "Python, Go"]  # a heading cell, then its content
    assert "Tools" in lines


def test_docx_font_size_per_line_and_name_in_the_largest_font():
    def build(document):
        from docx.shared import Pt

        document.add_paragraph("Curriculum Vitae")
        run = document.add_paragraph().add_run("Maria Lopez")
        run.font.size = Pt(22)
        document.add_paragraph("Springfield, IL | maria@example.com")

    extracted = extract_text(_docx(build))
    sizes = dict(zip(extracted.text.split("\n"), extracted.line_sizes, strict=True))
    assert sizes["Maria Lopez"] == 22.0 and sizes["Curriculum Vitae"] < 22.0
    assert parse_resume(_docx(build)).contact.name == "Maria Lopez"


# --- characters and bullets (every format) -----------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("hands\u00adon experience", "hands-on experience"),
    ("Arti\ufb01cial Intelligence, work\ufb02ow", "Artificial Intelligence, workflow"),
    ("New\u00a0York,\u2009NY", "New York, NY"),
    ("Py\u200bthon\ufeff", "Python"),
    ("Google   \t\t  Mountain View, CA", "Google\tMountain View, CA"),
    ("▪ Built an API", "• Built an API"),
    ("◦ Built an API", "• Built an API"),
    ("\uf0a7 Built an API", "• Built an API"),
    ("– Built an API", "• Built an API"),
    ("- Built an API", "• Built an API"),
    ("• – Built an API", "• Built an API"),
    ("\uf095 +1 555 0100", "+1 555 0100"),  # an icon before a contact detail is not a bullet
    ("-Italian (native)", "-Italian (native)"),
    ("2019-2021", "2019-2021"),
    ("J A N E  D O E", "JANE DOE"),
    ("a b c", "a b c"),
])
def test_lines_are_normalised(raw, clean):
    assert clean_line(raw) == clean


def test_a_bullet_alone_on_its_line_joins_the_next_line():
    text = extract_text("Experience\n•\nShipped the billing service\n•\n\n• Cut costs\n".encode()).text
    assert text.split("\n") == ["Experience", "• Shipped the billing service", "", "• Cut costs"]


def test_a_soft_hyphen_at_the_end_of_a_line_joins_the_word():
    assert extract_text("Built an analy\u00ad\nsis tool".encode()).text == "Built an analysis tool"


# --- PDF -------------------------------------------------------------------------------------------

def test_pdf_pieces_on_one_baseline_are_one_line_with_a_tab():
    def draw(page):
        page.setFont("Helvetica-Bold", 11)
        page.drawString(60, 700, "Google")
        page.setFont("Helvetica", 11)
        page.drawString(430, 700, "Mountain View, CA")
        page.setFont("Helvetica-Oblique", 11)
        page.drawString(60, 686, "Software Engineer")
        page.drawString(470, 686, "Jun 2019 – Present")

    lines = extract_text(_pdf(draw)).text.split("\n")
    assert lines == ["Google\tMountain View, CA", "Software Engineer\tJun 2019 – Present"]


def test_pdf_date_margin_column_stays_beside_its_entries():
    """moderncv: dates in a narrow left column, each on the baseline of its entry; not two columns."""
    def draw(page):
        page.setFont("Helvetica", 10)
        y = 700
        for dates, entry in (("2014–present", "Postdoctoral Associate, Yale University"),
                             ("2008–2014", "Doctoral Research, University of California"),
                             ("2006–2008", "Research Technician, University of Georgia"),
                             ("2002–2006", "Lab Assistant, Emory University")):
            page.drawString(40, y, dates)
            page.drawString(140, y, entry)
            for bullet in range(3):
                y -= 14
                page.drawString(140, y, f"Designed and ran experiment number {bullet} across many weeks of work")
            y -= 20

    extracted = extract_text(_pdf(draw))
    assert extracted.columns == 1
    assert "2014–present\tPostdoctoral Associate, Yale University" in extracted.text.split("\n")


def test_pdf_dense_date_column_at_the_right_is_not_a_second_column():
    """Roles one per line with right-aligned dates and no bullets: a table of rows, not two columns."""
    def draw(page):
        page.setFont("Helvetica", 10)
        for row, company in enumerate(("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Wonka", "Stark")):
            page.drawString(60, 700 - 14 * row, f"{company} — Analyst")
            page.drawString(480, 700 - 14 * row, f"{2010 + row} – {2011 + row}")

    extracted = extract_text(_pdf(draw))
    assert extracted.columns == 1
    assert extracted.text.split("\n")[0] == "Acme — Analyst\t2010 – 2011"


def test_pdf_two_independent_columns_read_one_after_the_other():
    def draw(page):
        page.setFont("Helvetica-Bold", 24)
        page.drawString(200, 740, "Priya Raman")
        page.setFont("Helvetica", 10)
        for row, (left, right) in enumerate(zip(
                ["EDUCATION", "MIT", "BS Computer Science", "SKILLS", "Python", "Rust"],
                ["EXPERIENCE", "Stripe | Engineer", "Built the ledger service", "Owned payouts",
                 "Cut costs by 10%", "Mentored two interns"], strict=True)):
            page.drawString(40, 700 - 14 * row, left)
            page.drawString(260, 700 - 14 * row, right)

    extracted = extract_text(_pdf(draw))
    lines = extracted.text.split("\n")
    assert extracted.columns == 2 and lines[0] == "Priya Raman"
    assert lines[1:7] == ["EDUCATION", "MIT", "BS Computer Science", "SKILLS", "Python", "Rust"]
    assert extracted.line_sizes[0] == 24.0 and extracted.line_sizes[1] == 10.0


def test_pdf_icon_font_bullet_glyph_becomes_a_bullet():
    def draw(page):
        page.setFont("ZapfDingbats", 8)
        page.drawString(60, 700, "l")  # a filled circle in ZapfDingbats, extracted as the letter "l"
        page.setFont("Helvetica", 10)
        page.drawString(72, 700, "Designed the data pipeline for the reporting team")

    assert extract_text(_pdf(draw)).text == "• Designed the data pipeline for the reporting team"


def test_pdf_bullet_letter_in_a_font_of_its_own_becomes_a_bullet():
    """Word's second-level bullet is an "o" in Courier New; icon fonts give letters like "f"."""
    def draw(page):
        page.setFont("Helvetica-Bold", 10)
        page.drawString(60, 714, "I Led the migration")  # one bold initial word: not a bullet
        for row, text in enumerate(("Shipped the search service", "Cut latency by half", "Hired four engineers")):
            page.setFont("Courier", 10)
            page.drawString(60, 700 - 14 * row, "o")
            page.setFont("Helvetica", 10)
            page.drawString(72, 700 - 14 * row, text)

    assert extract_text(_pdf(draw)).text.split("\n") == [
        "I Led the migration", "• Shipped the search service", "• Cut latency by half", "• Hired four engineers"]


def test_pdf_bullets_drawn_as_shapes_and_page_numbers():
    """Browsers print list bullets as small filled shapes, not text; "1/2" at a page's foot is no text."""
    def draw(page):
        page.setFont("Helvetica", 10)
        page.drawString(60, 700, "Backend Engineer")
        page.circle(64, 689, 1.5, stroke=0, fill=1)
        page.drawString(70, 686, "Built collectors for onchain data")
        page.rect(62.5, 675.5, 3, 3, stroke=0, fill=1)
        page.drawString(70, 674, "Cut costs by a third")
        page.drawString(300, 40, "1/2")

    assert extract_text(_pdf(draw)).text.split("\n") == [
        "Backend Engineer", "• Built collectors for onchain data", "• Cut costs by a third"]


def test_pdf_text_inside_a_form_xobject_is_read():
    """Some exporters draw the page as a form (a figure): its text is the resume's text."""
    def draw(page):
        page.beginForm("body")
        page.setFont("Helvetica", 10)
        page.drawString(60, 700, "Acme Corp")
        page.drawString(430, 700, "2019 – 2021")
        page.endForm()
        page.doForm("body")

    extracted = extract_text(_pdf(draw))
    assert extracted.text == "Acme Corp\t2019 – 2021" and extracted.images == 0


def test_pdf_heading_in_a_margin_column_gets_its_own_line():
    def draw(page):
        page.setFont("Helvetica-Bold", 10)
        page.drawString(40, 700, "EXPERIENCE")
        page.setFont("Helvetica", 10)
        page.drawString(150, 700, "Software Engineer, Acme")
        page.drawString(150, 686, "Built the billing service used by every team")

    lines = extract_text(_pdf(draw)).text.split("\n")
    assert lines[:2] == ["EXPERIENCE", "Software Engineer, Acme"]


def test_a_date_range_wrapped_before_its_year_is_one_line():
    text = extract_text("Morningstar - Engineer June 2019 – July\n2020\nBuilt dashboards".encode()).text
    assert text.split("\n") == ["Morningstar - Engineer June 2019 – July 2020", "Built dashboards"]


def test_pdf_name_in_the_main_column_when_a_sidebar_comes_first():
    def draw(page):
        page.setFont("Helvetica-Bold", 12)
        page.drawString(40, 740, "SKILLS")
        page.setFont("Helvetica", 9)
        for row, skill in enumerate(("Python", "SQL", "Tableau", "Excel", "Spark", "Airflow")):
            page.drawString(40, 724 - 12 * row, skill)
        page.setFont("Helvetica-Bold", 28)
        page.drawString(230, 730, "Noor Haddad")
        page.setFont("Helvetica", 9)
        for row, line in enumerate(("noor@example.com", "EXPERIENCE", "Data Analyst at Hooli, 2019 – 2023",
                                    "Built the churn dashboard for sales", "Owned the weekly revenue report")):
            page.drawString(230, 700 - 12 * row, line)

    assert parse_resume(_pdf(draw)).contact.name == "Noor Haddad"


def test_pdf_name_is_the_largest_line_even_below_the_contact_block():
    def draw(page):
        page.setFont("Helvetica", 9)
        page.drawString(450, 750, "12 Elm St, Boston MA")
        page.drawString(450, 738, "617-555-0142")
        page.drawString(450, 726, "jo@example.com")
        page.setFont("Helvetica", 26)
        page.drawString(40, 730, "J. Marcus Reed, Jr. Ph.D.")
        page.setFont("Helvetica-Bold", 13)
        page.drawString(40, 690, "Experience")

    parsed = parse_resume(_pdf(draw))
    assert parsed.contact.name == "J. Marcus Reed, Jr. Ph.D."
    assert parsed.contact.phone == "617-555-0142" and parsed.contact.email == "jo@example.com"


# --- header --------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, name", [
    (["One-page CV", "Dana Whitfield / dana@example.com / 07700900123"], "Dana Whitfield"),
    (["ARTHUR L. – Software Engineer | Web3 Specialist", "Nice, FR | a@example.com"], "ARTHUR L."),
    (["Wei (David) Zhang", "(213) 555-0101 | wz@example.com"], "Wei (David) Zhang"),
    (["LENA", "MARSH", "lena@example.com"], "LENA MARSH"),
    (["Senior Data Engineer", "Ana María de la Cruz", "ana@example.com"], "Ana María de la Cruz"),
    (["Jane Doe, Software Engineer", "jane@example.com"], "Jane Doe"),
    (["Jane Doe jane@example.com (415) 555-0134"], "Jane Doe"),
    (['Robert "Bob" Smith, MBA, PMP', "bob@example.com"], 'Robert "Bob" Smith'),
])
def test_name_from_the_header(header, name):
    lines = header + ["Experience", "Acme\tJan 2020 – Present"]
    assert extract_contact(lines, "\n".join(lines)).name == name


@pytest.mark.parametrize("line, digits", [
    ("tel:(+82) 10-9030-1843", "821090301843"),
    ("poe@example.com · +(49) 157-5706-2745 · poe.dev", "4915757062745"),
    ("dd@example.com | 607.379.5733 | dd2@example.edu", "6073795733"),
    ("Phone: 435-668-0501 | email: s@example.com", "4356680501"),
    ("+39 389 162 5750", "393891625750"),
    ("New Haven CT, 06511\n770-312-9544", "7703129544"),
    ("ORCID 0009-0004-3923-9884 | GPA 3.83 | 2015 - 2019 | +44 7523 283011", "447523283011"),
])
def test_phones_as_printed(line, digits):
    lines = ["Sam Field", *line.split("\n"), "Experience"]
    phone = extract_contact(lines, "\n".join(lines)).phone
    assert "".join(ch for ch in phone if ch.isdigit()) == digits, phone


# --- sections ------------------------------------------------------------------------------------

@pytest.mark.parametrize("heading, names", [
    ("Internship Experience", ["experience"]),
    ("Professional Teaching & Writing Experience", ["experience"]),
    ("Open Source Projects", ["projects"]),
    ("SERVICE", ["volunteering"]),
    ("Technical Expertise", ["skills"]),
    ("HONORS, AWARDS & CERTIFICATIONS", ["awards", "certifications"]),
    ("Volunteering & Leadership", ["volunteering"]),
    ("CERTIFICATIONS & COURSES", ["certifications"]),
    ("E X P E R I E N C E", ["experience"]),
    ("Work Experience:", ["experience"]),
    ("\uf0b1 Education", ["education"]),
    ("Selected Publications", ["publications"]),
    ("Languages", ["languages"]),
    ("Hobbies & Interests", ["interests"]),
    ("Professional Profile", ["summary"]),
    ("Volunteer Experience", ["volunteering"]),
    ("Work Experience (selected)", ["experience"]),
    ("Skills Summary", ["skills"]),
    ("Project Experience", ["projects"]),
    ("Professional Society Memberships / Volunteerism", ["volunteering"]),
    ("Project Manager", []),
    ("Student Software Engineering Project", []),
    ("AWS Certification", []),
    ("Research", []),
    ("Leadership", []),
    ("Extracurricular Activities", []),
    ("Coursework", []),
    ("Languages: English, French", []),
    ("Led the skills training for new hires.", []),
    ("• Skills", []),
])
def test_section_headings(heading, names):
    assert sections_of_heading(clean_line(heading)) == names


def test_a_combined_heading_opens_both_sections_in_the_parse():
    lines = ["Kim Lee", "EXPERIENCE", "Acme\t2019 – 2021", "HONORS, AWARDS & CERTIFICATIONS", "Dean's List 2018",
             "AWS Certified Developer 2020", "Research Experience", "Lab A\t2017", "Teaching Experience", "Course B"]
    spans = split_sections(lines)
    assert spans["awards"] == spans["certifications"] == (4, 6)
    assert spans["experience"] == (2, 3)
    parsed = parse_resume("\n".join(lines).encode())
    assert {"awards", "certifications", "experience"} <= set(parsed.sections)
    assert "AWS Certified Developer 2020" in parsed.sections["certifications"]


def test_adjacent_headings_of_one_section_run_on():
    lines = ["Research Experience", "Lab A\t2017", "Teaching Experience", "Course B", "Skills", "Python"]
    assert split_sections(lines)["experience"] == (1, 4)


def test_builder_fields_hold_no_tabs():
    from resumes.content import from_parsed

    parsed = parse_resume(b"Kim Lee\nPROJECTS\nCargo - Maintainer\t260+ commits\nCERTIFICATIONS\nAWS Developer\t2020")
    content = from_parsed(parsed)
    assert content["projects"][0]["name"] == "Cargo - Maintainer — 260+ commits"
    assert content["certifications"] == ["AWS Developer — 2020"]
