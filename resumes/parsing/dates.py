"""Dates as resumes print them: months, years, ranges, "Present"."""

import re
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
POINT = rf"(?:{MONTH}\.?\s+\d{{4}}|\d{{1,2}}/\d{{4}}|\d{{4}})"
RANGE = re.compile(rf"(?P<start>{POINT})\s*(?:-|–|—|to|until)\s*(?P<end>{POINT}|present|current|now|today)", re.I)
def parse_point(text: str, end: bool = False) -> date | None:
    text = text.strip().lower().rstrip(".")
    month_match = re.match(rf"({MONTH})\.?\s+(\d{{4}})", text, re.I)
    if month_match:
        return date(int(month_match.group(2)), MONTHS[month_match.group(1)[:3].lower()], 1)
    slash = re.match(r"(\d{1,2})/(\d{4})", text)
    if slash and 1 <= int(slash.group(1)) <= 12:
        return date(int(slash.group(2)), int(slash.group(1)), 1)
    year = re.match(r"(\d{4})", text)
    if year:
        return date(int(year.group(1)), 12 if end else 1, 1)
    return None


