"""The role and school finder (resumes/parsing/entries.py) on small made-up layouts, one per layout
class seen on real resumes. No Django needed."""

from datetime import date

import pytest

from resumes.content import certification_items
from resumes.parsing.dates import find_dates, only_dates
from resumes.parsing.entries import (
    ExperienceEntry,
    extract_education,
    extract_experience,
    total_experience_years,
)


def roles(*lines: str) -> list[tuple[str, str, str]]:
    found = extract_experience(list(lines), (0, len(lines)))
    return [(e.company, e.title, f"{e.start:%Y-%m}" if e.start else "") for e in found]


def schools(*lines: str) -> list[tuple[str, str]]:
    return [(e.institution, e.degree) for e in extract_education(list(lines), (0, len(lines)))]


# --- dates -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, start, end, current", [
    ("Jan 2015 - Present", date(2015, 1, 1), None, True),
    ("June - August 2017", date(2017, 6, 1), date(2017, 8, 1), False),
    ("Nov. 2021 - May 2021", date(2021, 11, 1), date(2021, 5, 1), False),  # as printed, even if impossible
    ("Sept 2019 – Current", date(2019, 9, 1), None, True),
    ("09/2019 - 10/2020", date(2019, 9, 1), date(2020, 10, 1), False),
    ("2019.09-2020.01", date(2019, 9, 1), date(2020, 1, 1), False),
    ("2022/10-2024/07", date(2022, 10, 1), date(2024, 7, 1), False),
    ("Fall 2020 - Spring 2021", date(2020, 9, 1), date(2021, 3, 1), False),
    ("2008-2014", date(2008, 1, 1), date(2014, 12, 1), False),
    ("08/ 2024 to Present", date(2024, 8, 1), None, True),
    ("Dec 2019 - Feb", date(2019, 12, 1), date(2020, 2, 1), False),  # the end's year wrapped away
    ("01/09/2015–30/06/2018", date(2015, 9, 1), date(2018, 6, 1), False),  # Europass: day first
    ("2019-09-01 - 2020-03-31", date(2019, 9, 1), date(2020, 3, 1), False),
    ("Jun. 2017 - May. 2018", date(2017, 6, 1), date(2018, 5, 1), False),
])
def test_date_ranges_as_printed(text, start, end, current):
    span = find_dates(f"Analyst\t{text}")
    assert (span.start, span.end, span.current) == (start, end, current)


def test_two_seasons_start_at_the_first_and_a_lone_year_is_a_start():
    assert find_dates("Summer 2012 and 2013").start == date(2012, 6, 1)
    lone = find_dates("2009 Consultant, Initech, Atlanta, GA.")
    assert lone.start == date(2009, 1, 1) and lone.year_only
    assert only_dates("2016/12-2023/11") and only_dates("2019") and not only_dates("AWS Certified 2019")


# --- experience layouts ----------------------------------------------------------------------------------

def test_company_and_location_then_title_and_dates():
    # LaTeX / Jake's / Awesome-CV: the location must not become the title or the company.
    assert roles("Initech Labs\tMountain View, CA",
                 "Backend Engineer\tJan 2020 – Present",
                 "• Built the billing service",
                 "Globex\tAustin, TX",
                 "Data Analyst Intern\tJune - August 2018",
                 "• Cleaned survey data") == [
        ("Initech Labs", "Backend Engineer", "2020-01"), ("Globex", "Data Analyst Intern", "2018-06")]


def test_the_same_pieces_each_on_its_own_line():
    assert roles("Initech Labs", "Backend Engineer", "Berlin, Germany", "March 2021 - May 2022",
                 "• Built the billing service") == [("Initech Labs", "Backend Engineer", "2021-03")]


def test_a_place_at_the_right_of_a_line_is_not_a_name_even_when_we_do_not_know_it():
    assert roles("Omnious Labs\tSeoul, S.Korea", "Software Architect\tJun. 2017 - May. 2018", "• Designed the API") == [
        ("Omnious Labs", "Software Architect", "2017-06")]


def test_linkedin_export_with_durations_and_two_roles_at_one_company():
    assert roles("Initrode", "3 years 2 months", "Senior Software Engineer", "January 2021 - Present (2 years 2 months)",
                 "Mountain View, California", "Software Engineer", "January 2020 - December 2020 (1 year)",
                 "Built the search indexer for product pages.") == [
        ("Initrode", "Senior Software Engineer", "2021-01"), ("Initrode", "Software Engineer", "2020-01")]


def test_title_and_location_with_dates_on_tabs_then_the_company():
    assert roles("Research Assistant - Boston, MA\t\t\tSept 2019 - Current",
                 "Northwind Institute of Technology, Boston, MA",
                 "Ran the lab's survey pipeline in R.") == [
        ("Northwind Institute of Technology", "Research Assistant", "2019-09")]


def test_one_line_company_title_location_dates():
    assert roles("Bluebird Pest Control LLC — Sales Representative — Provo, Utah — Jan. 2023 - Aug 2023",
                 "Knocked on 80 doors a day",
                 "Contoso Media -Account Executive —Orem, Utah — Aug. 2021 - CURRENT",
                 "Closed 30 deals") == [
        ("Bluebird Pest Control LLC", "Sales Representative", "2023-01"),
        ("Contoso Media", "Account Executive", "2021-08")]


def test_dates_first_then_title_team_and_organisation():
    assert roles("Mar 2016-present: Senior Analyst, Pricing Modelling Team, ONS (mostly in SQL)",
                 "Built the pricing model used in two budgets.",
                 "Sep 2012-Mar 2016: Statistician, Surveys Unit, HMRC") == [
        ("ONS", "Senior Analyst", "2016-03"), ("HMRC", "Statistician", "2012-09")]


def test_date_column_with_years_and_title_first_comma_lists():
    assert roles("2014–present Postdoctoral Associate, Dept. of Botany, Northfield University, Ames, IA.",
                 "Studied root growth.",
                 "2009 Consultant, Brightside Research & Communication, Atlanta, GA.") == [
        ("Northfield University", "Postdoctoral Associate", "2014-01"),
        ("Brightside Research & Communication", "Consultant", "2009-01")]


def test_several_roles_under_one_company():
    assert roles("Globex Corporation",
                 "Senior Platform Engineer\t2019/03-2022/01",
                 "• Ran the Kubernetes fleet",
                 "2016/05-2019/02",
                 "Platform Engineer",
                 "• Wrote the deploy tooling") == [
        ("Globex Corporation", "Senior Platform Engineer", "2019-03"),
        ("Globex Corporation", "Platform Engineer", "2016-05")]


def test_roles_without_bullets_are_cut_around_their_dates():
    assert roles("HOOLI | SOFTWARE ENGINEER",
                 "Jan 2015 - Present | New York, NY",
                 "PIED PIPER | SOFTWARE ENGINEERING INTERN",
                 "May 2013 – Aug 2013 | Palo Alto, CA",
                 "• Compressed things") == [
        ("HOOLI", "SOFTWARE ENGINEER", "2015-01"), ("PIED PIPER", "SOFTWARE ENGINEERING INTERN", "2013-05")]


def test_employment_notes_stay_out_and_dates_after_the_description_are_the_roles():
    assert roles("VANDELAY",
                 "Frontend Engineer (Full-time)",
                 "Frontend development across the import tools.",
                 "(Remote) May 2025 – Current",
                 "KRAMERICA",
                 "Backend Engineer (Freelance, Part-time)",
                 "Backend development for the oil bladder shop.",
                 "(Remote) Feb 2024 – May 2025") == [
        ("VANDELAY", "Frontend Engineer", "2025-05"), ("KRAMERICA", "Backend Engineer", "2024-02")]


def test_sub_headings_and_labels_inside_experience_are_skipped():
    assert roles("Internship Experience",
                 "Umbrella Analytics Inc. - Data Platform - Data Engineer(Scala/Spark) Aug 2020 – July 2021",
                 "Responsibilities:",
                 "• Kept the nightly jobs green.") == [("Umbrella Analytics Inc.", "Data Engineer", "2020-08")]


def test_title_first_or_company_first_is_read_from_the_resume_when_words_do_not_decide():
    # "Programme Support" has no title word; the other roles show this resume puts the title first.
    assert roles("Software Engineer", "Contoso", "2020 - 2021", "Wrote services in Go.",
                 "Programme Support", "Tyrell", "2018 - 2019", "Helped run the programme office.") == [
        ("Contoso", "Software Engineer", "2020-01"), ("Tyrell", "Programme Support", "2018-01")]


def test_a_long_company_name_that_wraps_is_one_company():
    assert roles("Data Scientist & ML Engineer",
                 "Northern Research Centre on High Performance Computing, Big Data and Quantum",
                 "Computing (NRC) & Institute of Applied Physics (IAP)",
                 "Sep 2023 – Dec 2025\tTurin, Italy",
                 "• Built anomaly detection models for satellite telemetry data with neural networks and more",
                 "• Mentored junior researchers and master's students on software engineering practice") == [
        ("Northern Research Centre on High Performance Computing, Big Data and Quantum Computing (NRC) & "
         "Institute of Applied Physics (IAP)", "Data Scientist & ML Engineer", "2023-09")]


def test_bullets_with_glyphs_without_glyphs_and_on_their_own_line():
    found = extract_experience([
        "Site Reliability Engineer at Initrode   Jan 2021 - Present",
        "•",
        "Cut the pager load by half by deleting alerts nobody acted upon over the last two years of the",
        "on-call rotation",
        "Moved 40 services to Kubernetes.",
        "· Wrote the runbooks",
    ], (0, 6))
    assert [(e.title, e.company) for e in found] == [("Site Reliability Engineer", "Initrode")]
    assert found[0].bullets == [
        "Cut the pager load by half by deleting alerts nobody acted upon over the last two years of the "
        "on-call rotation", "Moved 40 services to Kubernetes.", "Wrote the runbooks"]


def test_total_experience_counts_overlaps_once_and_an_end_before_its_start_as_nothing():
    def role(start, end):
        return ExperienceEntry("t", "c", start, end, False)
    entries = [role(date(2018, 1, 1), date(2019, 12, 1)), role(date(2019, 6, 1), date(2020, 12, 1)),
               role(date(2021, 11, 1), date(2021, 5, 1))]
    assert total_experience_years(entries) == 3.1  # 36 months + the one printed month of the odd role


# --- education layouts -----------------------------------------------------------------------------------

def test_institution_above_its_degrees_and_several_degrees_at_one_school():
    assert schools("WESTFIELD UNIVERSITY", "MENG IN COMPUTER SCIENCE", "Dec 2014 | Ithaca, NY",
                   "WESTFIELD UNIVERSITY", "BS IN COMPUTER SCIENCE", "May 2014 | Ithaca, NY",
                   "ST. OLAF'S FOR GIRLS", "Grad. May 2011| Pune, India") == [
        ("WESTFIELD UNIVERSITY", "MENG IN COMPUTER SCIENCE"), ("WESTFIELD UNIVERSITY", "BS IN COMPUTER SCIENCE"),
        ("ST. OLAF'S FOR GIRLS", "")]


def test_degree_above_its_institution():
    assert schools("Master of Arts (M.A.) in Education", "Lakeside State University (Tampa, FL)",
                   "Bachelor of Arts (B.A.) in Liberal Studies with a focus on English",
                   "Harbor College (Orlando, FL)") == [
        ("Lakeside State University", "Master of Arts (M.A.) in Education"),
        ("Harbor College", "Bachelor of Arts (B.A.) in Liberal Studies with a focus on English")]


def test_degree_and_institution_on_one_line_in_either_order():
    assert schools("1998–2003 BS, Biology, University of Nevada – Reno, Reno, NV.",
                   "Sep 2019-present: Part-time PGDip in Health Data Analytics; KCL",
                   "Sep 2007-Jul 2011: Integrated master’s degree in Mathematics (MMath); University of York",
                   "Pine Ridge High, Saint George, Utah —High School Diploma - Graduation Date: 2016") == [
        ("University of Nevada – Reno", "BS, Biology"), ("KCL", "Part-time PGDip in Health Data Analytics"),
        ("University of York", "Integrated master’s degree in Mathematics (MMath)"),
        ("Pine Ridge High", "High School Diploma")]


def test_schools_without_a_school_word():
    assert schools("Bachelor of Technology in CSE | IIT Kanpur | 2016-2020") == [
        ("IIT Kanpur", "Bachelor of Technology in CSE")]
    assert schools("M.Sc. Data Science\t2019 – 2020", "ETH Zürich, Switzerland") == [("ETH Zürich", "M.Sc. Data Science")]
    assert schools("Stanbridge", "B.S. Computer Science", "2014 - 2018") == [("Stanbridge", "B.S. Computer Science")]


def test_a_state_abbreviation_is_not_a_degree():
    found = extract_education(["Eastern Polytechnic Institute, Amherst, MA", "Associated Degree in Networking"],
                              (0, 2))
    assert [(e.institution, e.degree) for e in found] == [
        ("Eastern Polytechnic Institute", "Associated Degree in Networking")]


# --- certifications --------------------------------------------------------------------------------------

def test_a_year_alone_is_not_a_certification():
    assert certification_items("AWS Solutions Architect\n2019\n• CKA: Certified Kubernetes Administrator\n"
                               "May 2021 - 2024") == [
        "AWS Solutions Architect (2019)", "CKA: Certified Kubernetes Administrator (May 2021 - 2024)"]
    assert certification_items("2018\nTESOL Certificate") == ["TESOL Certificate (2018)"]


# --- the school in the structured resume -----------------------------------------------------------------

def test_the_school_is_kept_by_normalise_and_shown_in_the_text_and_the_exports():
    import io

    import docx

    from resumes.content import empty_content, normalise, render_text
    from resumes.export import to_docx, to_pdf

    content = empty_content()
    content["contact"]["name"] = "Sam Park"
    content["education"] = [{"institution": "Lakeside State University", "degree": "B.Sc. Physics", "details": "",
                             "year": 2016}]
    clean = normalise(content)
    assert clean["education"] == [{"institution": "Lakeside State University", "degree": "B.Sc. Physics",
                                   "details": "", "year": 2016}]
    assert "B.Sc. Physics, Lakeside State University, 2016" in render_text(clean)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(to_docx(clean))).paragraphs]
    assert "B.Sc. Physics, Lakeside State University, 2016" in paragraphs
    assert to_pdf(clean).startswith(b"%PDF")
