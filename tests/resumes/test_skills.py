"""The skills a resume names (resumes/parsing/skills.py), with no Django: spelled as written, each
once, lists kept whole, everyday words only where they are skills."""

from resumes.content import from_parsed
from resumes.ontology import default_matcher
from resumes.parsing import parse_text
from resumes.parsing.extract import ExtractedText
from resumes.parsing.sections import split_sections
from resumes.parsing.skills import extract_skills


def skills_of(text: str):
    lines = text.split("\n")
    return extract_skills(lines, split_sections(lines), default_matcher())


def names(text: str) -> list[str]:
    return [skill.name for skill in skills_of(text)]


def test_list_items_are_kept_as_written_known_or_not_without_their_labels():
    found = skills_of("Jo Doe\nSKILLS:\nTechnical: C++, R, Elfsight, Microsoft Suite, AP Style, Data Entry\n"
                      "Interpersonal: Critical Thinking, Time-Management")
    by_name = {s.name: s for s in found}
    assert list(by_name) == ["C++", "R", "Elfsight", "Microsoft Suite", "AP Style", "Data Entry", "Critical Thinking",
                             "Time-Management"]
    assert by_name["R"].skill_id == "r" and by_name["Elfsight"].skill_id is None and by_name["C++"].listed
    assert by_name["Microsoft Suite"].skill_id == "microsoft-office"
    assert by_name["Time-Management"].skill_id == "time-management"


def test_levels_brackets_slashes_and_bullets_are_unpacked():
    text = ("Skills\n"
            "Programming: Python (Expert), Go/Rust/TypeScript, C/C++\n"
            "Backend: Java (Spring Boot, Hibernate), Atlassian (Jira, Confluence...)\n"
            "Java • Shell • OCaml\n"
            "DevOps: CI/CD, Meta CI/CD, Zoom / Teams, TCP/IP\nContainers (CI/CD, Docker/Podman)")
    found = names(text)
    for expected in ("Python", "Go", "Rust", "TypeScript", "C", "C++", "Java", "Spring Boot", "Hibernate",
                     "Atlassian", "Jira", "Confluence", "Shell", "OCaml", "CI/CD", "Meta CI/CD", "Zoom", "Teams",
                     "TCP/IP", "Docker", "Podman"):
        assert expected in found, (expected, found)
    for wrong in ("Expert", "Programming", "Backend", "DevOps", "Python (Expert)", "Confluence...", "CD", "Meta CI"):
        assert wrong not in found, (wrong, found)


def test_ratings_and_years_are_not_part_of_a_skill():
    found = names("Skills\nPython 90%, Docker ★★★★☆\nKubernetes - 3 years\nProficient in Java and SQL; familiar with Go.\n"
                  "Highly skilled in Ruby and Perl with 5 years of experience.")
    assert found == ["Python", "Docker", "Kubernetes", "Java", "SQL", "Go", "Ruby", "Perl"]


def test_sentences_dates_spoken_languages_and_sub_headings_are_not_skills():
    text = ("SKILLS\nPROGRAMMING\nOver 5000 lines:\nJava • Python\nLast Updated on 21st January 2015\n"
            "Languages: English (Can read, write and speak fluently), Chinese (Native speaker)\n"
            "Other: worked with many teams across the company to deliver results on time")
    assert names(text) == ["Java", "Python"]


def test_ontology_skills_in_sentences_are_reported_as_the_resume_spells_them():
    found = {s.name: s.skill_id for s in skills_of("Experience\n- Ran workshops on AWS services (S3, Lambda, EC2)\n"
                                                   "- Moved the jobs to k8s")}
    assert found["EC2"] == "aws-ec2" and found["S3"] == "aws-s3" and found["k8s"] == "kubernetes"
    assert "Amazon EC2" not in found and "Kubernetes" not in found


def test_everyday_words_are_skills_only_in_a_list_of_skills():
    prose = ("Experience\n- Uses R to analyze survey data. Go to market plan for Express delivery.\n"
             "- Painted on canvas; a digital nomad; Chef at a bistro; Spring 2020 intern")
    ids = {s.skill_id for s in skills_of(prose)}
    assert not ids & {"r", "go", "express", "canvas-lms", "nomad", "chef", "spring"}, ids
    listed = skills_of("Summary\nWorked in several languages (SAS, SQL, R) and wrote C++ and Boost code")
    assert {"R", "Boost"} <= {s.name for s in listed}
    used = skills_of("Experience\n- Services written in Go\n- Courses taught in Canvas\n- Rust\n- Spring 2021 intern")
    assert {s.skill_id for s in used} == {"go", "canvas-lms", "rust"}


def test_each_skill_once_an_alias_and_its_name_count_once_and_the_list_spelling_wins():
    text = ("Skills\nGolang, Postgres, KVM, QEMU\nExperience\n- Wrote Go services on PostgreSQL and golang tools\n"
            "- Tuned KVM hosts; python and Python scripts; C++11 once, C++ twice, C++ again")
    found = names(text)
    assert found.count("Golang") == 1 and "Go" not in found and "golang" not in found
    assert "Postgres" in found and "PostgreSQL" not in found
    assert "KVM" in found and "QEMU" in found  # two tools the ontology files under one skill
    assert [n.lower() for n in found].count("python") == 1
    assert "C++" in found and "C++11" not in found  # the ontology's own spelling among those written


def test_an_acronym_spelt_out_as_something_else_and_addresses_are_not_skills():
    found = skills_of("Jo Doe\nhttps://github.com/kvm-vmi/kvm | jo@aws.example.com\nSummary\n"
                      "Trained teachers in Developmental Spelling Analysis (DSA) and Progressive Web App (PWA) design")
    ids = {s.skill_id for s in found}
    assert "data-structures" not in ids and "virtualization" not in ids and "aws" not in ids
    assert "pwa" in ids


def test_lists_under_headings_the_section_splitter_may_not_know_and_stack_lines():
    text = ("Jo Doe\nResearch Assistant\n- Managed the lab library\n\nSoftware / Computer Technologies\n"
            "Microsoft Office Suite Programs\nCanvas\nZotero\n\nVolunteering\nFood bank\n"
            "Experience\nEngineer, Acme\nStack: Nuxt, Vue, Tailwind, Viem")
    found = skills_of(text)
    listed = [s.name for s in found if s.listed]
    assert listed[:3] == ["Microsoft Office Suite Programs", "Canvas", "Zotero"]
    assert {"Nuxt", "Vue", "Tailwind", "Viem"} <= set(listed)
    assert "Food bank" not in listed and "Software" not in listed
    places = skills_of("Education\nGeorgia Institute of Technology\tAtlanta, GA\n"
                       "Experience\nCloud Ambassador - Technical Support\tTaipei, Taiwan\nTools: patience, a ladder")
    assert [s.name for s in places] == []


def test_wrapped_list_lines_and_two_columns_read_across():
    text = ("Skills\nLanguages: Python, Java,\nKotlin, SQL\nKubernetes Git\nCI/CD HPC Data Lakes\n"
            "Education\nState University, BS 2019")
    found = names(text)
    for expected in ("Python", "Java", "Kotlin", "SQL", "Kubernetes", "Git", "CI/CD", "HPC", "Data Lakes"):
        assert expected in found, (expected, found)
    assert "State University" not in found


def test_a_skills_section_stops_where_dated_entries_begin():
    text = ("Skills\nFrontend: React, Vite\nInternship Experience\nFuturenest\nR&D Engineer\n"
            "December 2024 - January 2025\n- Shipped Django APIs")
    found = names(text)
    assert found[:2] == ["React", "Vite"] and "Futurenest" not in found and "R&D Engineer" not in found
    assert "Django" in found


def test_near_misses_only_for_one_word_list_items():
    found = {s.name: s.skill_id for s in skills_of("Skills\nKubernets, Programming, AWS Cloud Computing")}
    assert found["Kubernets"] == "kubernetes" and found["Programming"] is None


def test_the_parsed_resume_keeps_spellings_for_the_builder_and_ids_for_the_ats():
    parsed = parse_text(ExtractedText("text", "Jo Doe\njo@example.com\nSkills\nEC2, Golang, Zotero\n"
                                              "Experience\n- Ran EC2 fleets in Go"))
    assert [s.name for s in parsed.skills] == ["EC2", "Golang", "Zotero"]
    assert parsed.skill_ids == ["aws-ec2", "go", "zotero"]
    assert from_parsed(parsed)["skills"] == ["EC2", "Golang", "Zotero"]


def test_a_label_column_and_a_languages_section_hold_skills_but_not_spoken_languages():
    text = ("TECHNICAL SKILLS\nLanguages        Python, Scala, SQL\nBig Data         Spark, Kafka, Hive\n"
            "Cloud\tAWS (S3, EMR, Glue), GCP (BigQuery)\nLANGUAGES\nC++, Rust\nItalian (Mother tongue), German (B1)")
    assert names(text) == ["Python", "Scala", "SQL", "Spark", "Kafka", "Hive", "AWS", "S3", "EMR", "Glue", "GCP",
                           "BigQuery", "C++", "Rust"]


def test_a_list_under_a_heading_only_this_module_knows_ends_at_prose():
    text = ("Jo Doe\nExperience\nDesigner, Acme\n- Drew things\nDesign Toolkit\nFigma\nProcreate\nAffinity Designer\n"
            "Awards Committee\nServed on the committee that reviewed the yearly design awards for students")
    listed = [s.name for s in skills_of(text) if s.listed]
    assert listed == ["Figma", "Procreate", "Affinity Designer"]


def test_a_long_resume_is_read_in_linear_time():
    import time

    lines = (["Skills"] + ["Python, Go, Rust, Docker, Kubernetes, Excel, Word"] * 300 + ["Experience"]
             + ["Built services in Go with Python and R, C, Express"] * 2000)
    started = time.perf_counter()
    found = extract_skills(lines, split_sections(lines), default_matcher())
    assert time.perf_counter() - started < 10  # was 100 s when mentions were compared with every item
    assert [s.name for s in found] == ["Python", "Go", "Rust", "Docker", "Kubernetes", "Excel", "Word", "R", "C",
                                       "Express"]


def test_every_skills_section_counts_not_only_the_first():
    text = ("Technical Skills\nPython, Kafka\nExperience\nEngineer, Acme, 2019 - 2021\n- Built pipelines\n"
            "Soft Skills\nNegotiation, Public Speaking\nEducation\nBS, State University")
    listed = [s.name for s in skills_of(text) if s.listed]
    assert listed == ["Python", "Kafka", "Negotiation", "Public Speaking"]
