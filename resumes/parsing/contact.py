"""The header: name, e-mail, phone, location and links.

The header is the text above the first section heading (or the first lines when a heading comes
first). The name is the header's name-like piece in the largest font when sizes are known (a
name is the largest line at the top, wherever a template puts the contact block), else the first
one; a name split over two lines ("CHRIS" / "OH") is joined. Phones are read as printed, with
country codes in brackets, dots, slashes or a "tel:" label.
"""

import re
from dataclasses import dataclass

from .sections import sections_of_heading

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A run of digits with the separators phones are printed with: "+1 (415) 555-0134", "+(49) 157-5706",
# "(+82) 10-9030-1843", "607.379.5733", "0752 328 3011".
PHONE = re.compile(r"(?<![\w/.@-])(\(?\+?[ \t]?\(?\d[\d \t().\-/]{6,}\d)(?![\w@]|\.\d)")
PHONE_LABEL = re.compile(r"(?:tel|phone|mobile|mob|cell|call|ph|telephone|whatsapp)\s*\.?\s*:?\s*$", re.I)
YEAR_RANGE = re.compile(r"\b(?:19|20)\d{2}\s*[-–—/]\s*(?:(?:19|20)\d{2}|\d{2})\b")
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s|,;]*)?")
HEADER_LINES = 15


@dataclass
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    github: str = ""
    linkedin: str = ""
    website: str = ""


def extract_contact(lines: list[str], text: str, sizes: list[float] | None = None) -> Contact:
    """`sizes`, when known, are the font sizes of `lines` (ExtractedText.line_sizes)."""
    contact = Contact()
    header = header_lines(lines)
    header_text = "\n".join(lines[i] for i in header)
    email = EMAIL.search(header_text) or EMAIL.search(text)
    contact.email = email.group(0) if email else ""
    contact.phone = _phone(header_text) or _phone(text)
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
    contact.name = _name(lines, header, sizes or [])
    for index in header[:8]:
        place = re.search(r"\b([A-Z][a-zA-Z .'-]+,\s*(?:[A-Z]{2}|[A-Z][a-zA-Z ]+))\b", lines[index])
        if place and not EMAIL.search(place.group(1)) and place.group(1).strip() != contact.name:
            contact.location = place.group(1).strip()
            break
    return contact


def header_lines(lines: list[str]) -> list[int]:
    """Indexes of the non-empty lines above the first section heading (at most HEADER_LINES), or of
    the first lines when the resume starts with a heading."""
    found: list[int] = []
    for index, line in enumerate(lines):
        if sections_of_heading(line):
            if found:
                break
            continue
        if line.strip():
            found.append(index)
        if len(found) >= HEADER_LINES:
            break
    return found


def _phone(text: str) -> str:
    best = ""
    for match in PHONE.finditer(text):
        candidate = match.group(1).strip(" ./-")
        digits = re.sub(r"\D", "", candidate)
        if not 8 <= len(digits) <= 15 or YEAR_RANGE.search(candidate):
            continue
        if re.fullmatch(r"[\d.]+", candidate) and candidate.count(".") == 1:
            continue  # a decimal number
        if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", candidate):
            continue  # an ORCID
        before = text[max(0, match.start() - 12):match.start()]
        if PHONE_LABEL.search(before):
            return candidate
        if not best:
            best = candidate
    return best


# Words that make a header piece something other than a person's name.
NOT_IN_A_NAME = {
    "resume", "résumé", "cv", "curriculum", "vitae", "page", "one-page", "engineer", "developer", "scientist", "manager",
    "analyst", "designer", "consultant", "specialist", "intern", "student", "university", "college", "school",
    "institute", "street", "st", "road", "avenue", "ave", "inc", "llc", "ltd", "corporation", "company",
    "experience", "education", "skills", "summary", "profile", "contact", "email", "e-mail", "phone", "mobile",
    "address", "linkedin", "github", "portfolio", "website", "updated", "objective", "remote", "relocation",
    "software", "data", "senior", "junior", "lead", "full", "stack", "web", "frontend", "backend", "graduate",
    "candidate", "professional", "researcher", "architect", "administrator", "officer", "director", "teacher",
    "assistant", "associate", "freelance", "open", "available", "willing",
}
NAME_PARTICLES = {"van", "von", "de", "da", "di", "del", "der", "den", "la", "le", "du", "dos", "das", "bin",
                  "binti", "al", "el", "ten", "ter", "y", "e"}
NAME_SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV|V|Ph\.?\s?D|PhD|MD|M\.D|MBA|CPA|PE|P\.E|Esq|MSc|BSc|RN)\.?", re.I)
NAME_WORD = re.compile(r"[(\"“']?[^\W\d_][^\W\d_'’.\-]*(?:['’.\-][^\W\d_]*)*\.?[)\"”']?,?")
PIECE_SEPARATORS = re.compile(r"\s*(?:\t|\||•|·|\s[–—-]\s|\s/\s|\s{2,})\s*")


def _name(lines: list[str], header: list[int], sizes: list[float]) -> str:
    """The header's name-like piece in the largest font (the first one when sizes are unknown)."""
    candidates: list[tuple[float, int, str]] = []
    for position, index in enumerate(header):
        line = lines[index].strip()
        size = sizes[index] if index < len(sizes) else 0.0
        pieces = [p for p in PIECE_SEPARATORS.split(line) if p]
        for piece in pieces:
            piece = piece.strip(" ,;:")
            if _name_like(piece):
                candidates.append((size, position, piece))
            elif "," in piece and _name_like(piece.split(",")[0]):  # "Jane Doe, Software Engineer"
                candidates.append((size, position, piece.split(",")[0]))
            else:  # "Jane Doe jane@example.com 555 0100": the name without the details beside it
                bare = re.sub(r"\s+", " ", PHONE.sub(" ", URL.sub(" ", EMAIL.sub(" ", piece)))).strip(" ,;:")
                if bare != piece and _name_like(bare):
                    candidates.append((size, position, bare))
        # A name split over two lines: one capitalised word, and one more on the next line.
        if len(pieces) == 1 and position + 1 < len(header) and _name_word(pieces[0]):
            following = lines[header[position + 1]].strip()
            following_size = sizes[header[position + 1]] if header[position + 1] < len(sizes) else 0.0
            if _name_word(following) and (not size or abs(following_size - size) < 0.5):
                candidates.append((size, position, f"{pieces[0]} {following}"))
    # A template may put a sidebar first: the largest line near the top is a candidate too.
    known = [s for s in sizes[:80] if s]
    if known:
        body = sorted(known)[len(known) // 2]
        in_header = set(header)
        for index, line in enumerate(lines[:80]):
            size = sizes[index] if index < len(sizes) else 0.0
            if index not in in_header and size >= 1.5 * body:
                for piece in PIECE_SEPARATORS.split(line.strip()):
                    if _name_like(piece.strip(" ,;:")):
                        candidates.append((size, len(header) + index, piece.strip(" ,;:")))
    if not candidates:
        return ""
    if any(size for size, _, _ in candidates):
        return max(candidates, key=lambda c: (round(c[0], 1), -c[1]))[2]
    return candidates[0][2]


def _name_word(text: str) -> bool:
    return (bool(re.fullmatch(r"[^\W\d_][^\W\d_'’-]+", text)) and text[0].isupper()
            and text.lower() not in NOT_IN_A_NAME and not sections_of_heading(text))


def _name_like(piece: str) -> bool:
    """2 to 6 capitalised words (initials, particles, a bracketed alias, a suffix after a comma)."""
    if not piece or len(piece) > 60 or re.search(r"[\d@:/]", piece.replace("Ph.D", "")):
        return False
    if "," in piece:
        head, _, tail = piece.partition(",")
        if not all(NAME_SUFFIX.fullmatch(word) for word in tail.split()) or not tail.strip():
            return False
        piece = head + " " + tail
    words = piece.split()
    if not 2 <= len(words) <= 6:
        return False
    letters = 0
    for word in words:
        bare = word.strip("(),.\"“”'")
        if bare.lower() in NOT_IN_A_NAME:
            return False
        if NAME_SUFFIX.fullmatch(word):
            continue
        if bare.lower() in NAME_PARTICLES:
            continue
        if not NAME_WORD.fullmatch(word) or not bare[:1].isupper():
            return False
        letters += len(bare) > 1
    return letters >= 1 and not sections_of_heading(piece)
