"""The header: name, e-mail, phone, location and links."""

import re
from dataclasses import dataclass

from .dates import RANGE
from .sections import section_of_heading

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s().-]{7,}\d)(?!\w)")
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s|,;]*)?")
@dataclass
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    github: str = ""
    linkedin: str = ""
    website: str = ""


def extract_contact(lines: list[str], text: str) -> Contact:
    contact = Contact()
    email = EMAIL.search(text)
    contact.email = email.group(0) if email else ""
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if 8 <= len(digits) <= 15 and not RANGE.search(match.group(1)):
            contact.phone = match.group(1).strip()
            break
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".")
        lower = url.lower()
        if "@" in text[max(0, match.start() - 1):match.start()] or lower in contact.email.lower():
            continue
        if "github.com/" in lower and not contact.github:
            contact.github = url if lower.startswith("http") else "https://" + url
        elif "linkedin.com/" in lower and not contact.linkedin:
            contact.linkedin = url if lower.startswith("http") else "https://" + url
        elif not contact.website and "." in lower and not re.fullmatch(r"[\d.]+", lower) and (
                lower.startswith("http") or lower.startswith("www.") or lower.count("/") >= 1):
            contact.website = url
    contact.name = _name(lines)
    for line in lines[:8]:
        place = re.search(r"\b([A-Z][a-zA-Z .'-]+,\s*(?:[A-Z]{2}|[A-Z][a-zA-Z ]+))\b", line)
        if place and not EMAIL.search(place.group(1)) and place.group(1).strip() != contact.name:
            contact.location = place.group(1).strip()
            break
    return contact


NAME_WORD = re.compile(r"[A-Z][a-zA-Z'’-]*\.?|[A-Z]\.")


def _name(lines: list[str]) -> str:
    """The first piece of the header that reads like a person's name: 2 to 5 capitalised words."""
    for line in lines[:6]:
        for piece in re.split(r"\s*[|•·,]\s*", line.strip()):
            words = piece.split()
            if 2 <= len(words) <= 5 and all(NAME_WORD.fullmatch(w) for w in words) and not section_of_heading(piece):
                return piece
    return ""


