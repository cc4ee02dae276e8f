"""Properties of the ATS engine over generated resumes and jobs (no Django): showing more of what a
job asks for never lowers the score."""

from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from resumes.ats import parse_job, score_resume, skill_gaps
from resumes.ontology import default_ontology
from resumes.parsing import parse_text
from resumes.parsing.extract import ExtractedText

# Real ontology skills, with families (AWS and its services) and related pairs among them.
SKILLS = ["Python", "Go", "Java", "TypeScript", "Django", "Flask", "PostgreSQL", "MySQL", "Redis", "Kafka",
          "AWS", "Amazon EC2", "Amazon S3", "Amazon EKS", "Amazon RDS", "Amazon VPC", "Google Cloud", "Terraform",
          "Kubernetes", "Docker", "Helm", "React", "Redux", "GraphQL", "Jenkins", "Airflow", "Linux"]
TITLES = ["Software Engineer", "Senior Backend Engineer", "Platform Engineer", "Data Engineer", "Developer",
          "DevOps Engineer", "Frontend Developer"]
COMPANIES = ["Acme Payments", "Databloom", "Northwind", "Globex", "Initech", "Umbrella Labs"]
MONTHS = ["Jan", "Mar", "May", "Jul", "Sep", "Nov"]
THINGS = ["the billing service", "an internal dashboard", "the search pipeline", "a deployment tool",
          "the mobile API", "our data warehouse"]
PLAIN_BULLETS = ["Worked on {thing} with the product team", "Owned {thing} from design to launch",
                 "Mentored new engineers on {thing}"]
SKILL_BULLETS = ["Built {thing} with {skill}", "Moved {thing} to {skill}", "Ran {thing} on {skill}"]
NUMBER_BULLETS = ["Cut the cost of {thing} by {n}%", "Served {n} thousand users with {thing}"]


@dataclass
class Role:
    title: str
    company: str
    start: tuple[str, int]
    end: tuple[str, int] | None  # None: present
    bullets: list[str] = field(default_factory=list)


@dataclass
class Resume:
    summary: str | None
    roles: list[Role]
    skills: list[str] | None  # None: no Skills section
    education: bool

    def text(self) -> str:
        lines = ["Jordan Rivera", "jordan.rivera@example.com | +1 (415) 555-0134"]
        if self.summary is not None:
            lines += ["SUMMARY", self.summary]
        if self.roles:
            lines.append("EXPERIENCE")
            for role in self.roles:
                end = f"{role.end[0]} {role.end[1]}" if role.end else "Present"
                lines.append(f"{role.title} at {role.company}   {role.start[0]} {role.start[1]} - {end}")
                lines += [f"- {bullet}" for bullet in role.bullets]
        if self.education:
            lines += ["EDUCATION", "B.Sc. Computer Science, University of Texas, 2012"]
        if self.skills is not None:
            lines += ["SKILLS", ", ".join(self.skills)]
        return "\n".join(lines)

    def parsed(self):
        return parse_text(ExtractedText("text", self.text()))


@st.composite
def bullets(draw):
    kind = draw(st.sampled_from(["plain", "skill", "number"]))
    thing = draw(st.sampled_from(THINGS))
    if kind == "skill":
        return draw(st.sampled_from(SKILL_BULLETS)).format(thing=thing, skill=draw(st.sampled_from(SKILLS)))
    if kind == "number":
        return draw(st.sampled_from(NUMBER_BULLETS)).format(thing=thing, n=draw(st.integers(2, 90)))
    return draw(st.sampled_from(PLAIN_BULLETS)).format(thing=thing)


@st.composite
def roles(draw):
    start_year = draw(st.integers(2008, 2023))
    start = (draw(st.sampled_from(MONTHS)), start_year)
    current = draw(st.booleans())
    end = None if current else (draw(st.sampled_from(MONTHS)), draw(st.integers(start_year + 1, 2025)))
    return Role(draw(st.sampled_from(TITLES)), draw(st.sampled_from(COMPANIES)), start, end,
                draw(st.lists(bullets(), max_size=5)))


@st.composite
def resumes(draw):
    summary = None
    if draw(st.booleans()):
        summary = (f"{draw(st.sampled_from(TITLES))} with experience in "
                   f"{', '.join(draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True))) or 'many things'}.")
    skills = draw(st.one_of(st.none(), st.lists(st.sampled_from(SKILLS), max_size=12, unique=True)))
    return Resume(summary, draw(st.lists(roles(), max_size=4)), skills, draw(st.booleans()))


@st.composite
def jobs(draw):
    required = draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=10, unique=True))
    preferred = draw(st.lists(st.sampled_from([s for s in SKILLS if s not in required]), max_size=4, unique=True))
    lines = [draw(st.sampled_from(TITLES)), "We are hiring.", "", "Requirements"]
    years = draw(st.one_of(st.none(), st.integers(1, 8)))
    if years is not None:
        lines.append(f"- {years}+ years of professional experience")
    for index, name in enumerate(required):
        if index == 0 and draw(st.booleans()):
            lines.append(f"- {draw(st.integers(1, 6))}+ years of {name}")
        else:
            lines.append(f"- {name}")
    if preferred:
        lines += ["", "Nice to have", *(f"- {name}" for name in preferred)]
    return parse_job("\n".join(lines))


def _with_skill_shown(resume: Resume, name: str) -> Resume:
    """The resume with `name` in its Skills list and in a bullet of its latest role (a new role if it has none)."""
    skills = [*(resume.skills or []), name]
    if resume.roles:
        first = resume.roles[0]
        roles = [replace(first, bullets=[*first.bullets, f"Built the billing service with {name}"]),
                 *resume.roles[1:]]
    else:
        roles = [Role("Software Engineer", "Globex", ("Jan", 2020), ("Dec", 2022),
                      [f"Built the billing service with {name}"])]
    return replace(resume, skills=skills, roles=roles)


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(resume=resumes(), job=jobs(), pick=st.integers(0, 20))
def test_showing_a_required_skill_never_lowers_the_score(resume, job, pick):
    ontology = default_ontology()
    before = resume.parsed()
    report = skill_gaps(before, job, ontology)
    not_yet = [s for s in job.required_skills if report.evidence[s].shown != "used_in_role"
               or not report.evidence[s].listed]
    assume(not_yet)
    skill_id = not_yet[pick % len(not_yet)]
    improved = _with_skill_shown(resume, ontology.skills[skill_id].name)
    after = improved.parsed()
    shown = skill_gaps(after, job, ontology).evidence[skill_id]
    assert shown.shown == "used_in_role" and shown.listed, improved.text()  # the change did what it says
    assert score_resume(after, job).total >= score_resume(before, job).total, (improved.text(), job.text)


@PROPERTY
@given(resume=resumes(), job=st.one_of(st.none(), jobs()))
def test_adding_a_summary_never_lowers_the_score(resume, job):
    assume(resume.summary is None)
    improved = replace(resume, summary="Backend engineer who ships reliable services and mentors the team.")
    assert "summary" in improved.parsed().sections
    assert score_resume(improved.parsed(), job).total >= score_resume(resume.parsed(), job).total
