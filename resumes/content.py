"""The structured resume the builder edits, with no Django inside: made from a parsed upload,
checked, and rendered to the text an ATS reads."""

from datetime import date

from .parsing.dates import only_dates

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# How many entries each list takes, and how many characters a field keeps (the rest is cut). The
# builder page gets both (resumes/views.py renders them into it), so that the two cannot disagree.
LIMITS = {"experience": 30, "education": 15, "projects": 30, "certifications": 30, "skills": 100, "bullets": 20}
TEXT_LIMITS = {"contact": 200, "summary": 3000, "field": 1000, "bullet": 500, "skill": 100, "certification": 200}


class InvalidContent(ValueError):
    pass


def empty_content() -> dict:
    return {"contact": {"name": "", "email": "", "phone": "", "location": "", "github": "", "linkedin": "",
                        "website": ""},
            "summary": "", "experience": [], "education": [], "skills": [], "projects": [], "certifications": []}


def _month(value: date | None) -> str:
    return f"{value.year:04d}-{value.month:02d}" if value else ""


def from_parsed(parsed) -> dict:
    content = empty_content()
    contact = parsed.contact
    content["contact"] = {k: getattr(contact, k) for k in content["contact"]}
    # The parsed text separates pieces of a line with a tab (resumes/parsing/extract.py); a field reads them
    # with a dash between.
    content["summary"] = parsed.sections.get("summary", "").replace("\t", " ")[:2000]
    content["experience"] = [{"title": e.title, "company": e.company, "start": _month(e.start), "end": _month(e.end),
                              "current": e.current, "bullets": e.bullets[:LIMITS["bullets"]]}
                             for e in parsed.experience[:LIMITS["experience"]]]
    content["education"] = [{"institution": e.institution, "degree": e.degree, "details": e.text, "year": e.year}
                            for e in parsed.education[:LIMITS["education"]]]
    # As the resume spells them ("EC2", not "Amazon EC2"): the builder edits these words.
    content["skills"] = [s.name[:TEXT_LIMITS["skill"]] for s in parsed.skills][:LIMITS["skills"]]
    projects = parsed.sections.get("projects", "").replace("\t", " — ")
    content["projects"] = [{"name": line.strip("-•* ")[:120], "description": ""}
                           for line in projects.split("\n") if line.strip()][:LIMITS["projects"]]
    content["certifications"] = certification_items(parsed.sections.get("certifications", ""))
    return content


def certification_items(section: str) -> list[str]:
    """One item per certification. A line that is only a date or a year ("2019", "May 2020 - 2023")
    says when the item beside it was earned: it joins the item above it (or, at the top, the one
    below), and is never an item of its own."""
    items: list[str] = []
    pending_dates: list[str] = []
    for raw in section.replace("\t", " — ").split("\n"):
        line = raw.strip().lstrip("-•*·▪◦● ").strip()
        if not line:
            continue
        if only_dates(line):
            if items:
                items[-1] = f"{items[-1]} ({line})"
            else:
                pending_dates.append(line)
            continue
        if pending_dates:
            line = f"{line} ({', '.join(pending_dates)})"
            pending_dates = []
        items.append(line)
    return [item[:TEXT_LIMITS["certification"]] for item in items][:LIMITS["certifications"]]


def parsed_summary(content: dict, sections: list[str]) -> dict:
    """What a parse found, in the shape ../shared/corpus/score_resumes.py scores: contact, the
    canonical section names, skills as the resume spells them, roles and schools."""
    contact = content.get("contact") or {}
    return {
        "name": contact.get("name", ""), "email": contact.get("email", ""), "phone": contact.get("phone", ""),
        "sections": sorted(sections), "skills": list(content.get("skills") or []),
        "experience": [{"company": e.get("company", ""), "title": e.get("title", ""), "start": e.get("start", "")}
                       for e in content.get("experience") or []],
        "education": [{"institution": e.get("institution", ""), "degree": e.get("degree", ""),
                       "details": e.get("details", "")} for e in content.get("education") or []],
    }


def _text(value, limit: int, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidContent(f"{field} must be text.")
    return value.strip()[:limit]


def normalise(content) -> dict:
    """A clean copy of `content`, or InvalidContent saying what is wrong."""
    if not isinstance(content, dict):
        raise InvalidContent("The resume must be an object.")
    clean = empty_content()
    contact = content.get("contact") or {}
    if not isinstance(contact, dict):
        raise InvalidContent("contact must be an object.")
    for key in clean["contact"]:
        clean["contact"][key] = _text(contact.get(key), TEXT_LIMITS["contact"], f"contact.{key}")
    clean["summary"] = _text(content.get("summary"), TEXT_LIMITS["summary"], "summary")
    for section, fields in (("experience", ("title", "company", "start", "end")),
                            ("education", ("institution", "degree", "details")), ("projects", ("name", "description"))):
        entries = content.get(section) or []
        if not isinstance(entries, list) or len(entries) > LIMITS[section]:
            raise InvalidContent(f"{section} must be a list of at most {LIMITS[section]} entries.")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise InvalidContent(f"{section}[{index}] must be an object.")
            item = {f: _text(entry.get(f), TEXT_LIMITS["field"], f"{section}[{index}].{f}") for f in fields}
            if section == "experience":
                item["current"] = bool(entry.get("current"))
                bullets = entry.get("bullets") or []
                if not isinstance(bullets, list) or len(bullets) > LIMITS["bullets"]:
                    raise InvalidContent(f"experience[{index}].bullets must be a list of at most {LIMITS['bullets']}.")
                item["bullets"] = [_text(b, TEXT_LIMITS["bullet"], "bullet") for b in bullets
                                   if _text(b, TEXT_LIMITS["bullet"], "bullet")]
                for key in ("start", "end"):
                    if item[key] and not _valid_month(item[key]):
                        raise InvalidContent(f"experience[{index}].{key} must be YYYY-MM.")
            if section == "education":
                year = entry.get("year")
                item["year"] = year if isinstance(year, int) and 1900 <= year <= 2100 else (
                    int(year) if isinstance(year, str) and year.isascii() and year.isdigit() and len(year) == 4 else None)
            clean[section].append(item)
    for section, limit in (("skills", TEXT_LIMITS["skill"]), ("certifications", TEXT_LIMITS["certification"])):
        values = content.get(section) or []
        if not isinstance(values, list) or len(values) > LIMITS[section]:
            raise InvalidContent(f"{section} must be a list of at most {LIMITS[section]} items.")
        clean[section] = [_text(v, limit, section) for v in values if isinstance(v, str) and v.strip()]
    return clean


def _valid_month(value: str) -> bool:
    try:
        year, month = value.split("-")
        return 1950 <= int(year) <= 2100 and 1 <= int(month) <= 12
    except ValueError:
        return False


def education_line(entry: dict) -> str:
    """How an education entry reads: its own line when it has one, else degree, school and year."""
    if entry.get("details"):
        return entry["details"]
    return ", ".join(str(v) for v in (entry.get("degree"), entry.get("institution"), entry.get("year")) if v)


def _period(entry: dict) -> str:
    def show(value):
        if not value:
            return ""
        year, month = value.split("-")
        return f"{MONTH_NAMES[int(month) - 1]} {year}"

    end = "Present" if entry.get("current") else show(entry.get("end"))
    start = show(entry.get("start"))
    return f"{start} - {end}" if start else end


def render_text(content: dict) -> str:
    """The resume as plain text, in the conventional order and headings an ATS expects."""
    contact = content["contact"]
    lines = [contact["name"]]
    lines.append(" | ".join(v for v in (contact["email"], contact["phone"], contact["location"]) if v))
    links = " | ".join(v for v in (contact["github"], contact["linkedin"], contact["website"]) if v)
    if links:
        lines.append(links)
    if content["summary"]:
        lines += ["", "SUMMARY", content["summary"]]
    if content["experience"]:
        lines += ["", "EXPERIENCE"]
        for entry in content["experience"]:
            head = " at ".join(v for v in (entry["title"], entry["company"]) if v)
            lines.append(f"{head}   {_period(entry)}".rstrip())
            lines += [f"- {bullet}" for bullet in entry["bullets"]]
    if content["education"]:
        lines += ["", "EDUCATION"]
        lines += [education_line(e) for e in content["education"]]
    if content["skills"]:
        lines += ["", "SKILLS", ", ".join(content["skills"])]
    if content["projects"]:
        lines += ["", "PROJECTS"]
        lines += [f"{p['name']}: {p['description']}".rstrip(": ") for p in content["projects"]]
    if content["certifications"]:
        lines += ["", "CERTIFICATIONS", *content["certifications"]]
    return "\n".join(line for line in lines if line is not None).strip() + "\n"
