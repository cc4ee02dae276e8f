"""Dates as resumes print them: months, seasons, years, ranges, "Present".

A *point* is one date: "Nov. 2021", "Sept 2019", "September 2019", "09/2019", "09 / 2019",
"2019/09", "2019.09", "2019-09", "01/09/2019" (day first, as Europass prints it), "2019-09-01",
"Fall 2020", "2019". A *range* is two points joined by a dash,
"to" or "until", where the end may also be "Present", "Current", "Now", "Today" or "Ongoing"; when
the start has a month but no year, it borrows the end's year ("June - August 2017" starts 2017-06).
"Summer 2012 and 2013" starts at the first point. `find_dates` returns the first range on a line,
or else a single point (a date column, "Grad. May 2011", "2009 Consultant, ...").
"""

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# The month a season starts; an academic "Winter 2020" term starts in January.
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
SEASON = r"(?:spring|summer|fall|autumn|winter)"
YEAR = r"(?:19[5-9]\d|20\d\d)"
_MM = r"(?:0?[1-9]|1[0-2])"
# Alternatives in the order they are tried: the longer, more specific forms first.
_DD = r"(?:0?[1-9]|[12]\d|3[01])"
POINT = (rf"(?:(?:{MONTH}\.?|{SEASON}),?\s*{YEAR}"
         rf"|{_DD}[/.]{_DD}[/.]{YEAR}"
         rf"|{YEAR}-(?:0[1-9]|1[0-2])-{_DD}(?!\d)"
         rf"|{_MM}\s?[/.]\s?{YEAR}"
         rf"|{YEAR}\s?[/.]\s?{_MM}(?![\d/.])"
         rf"|{YEAR}-(?:0[1-9]|1[0-2])(?![\d-])"
         rf"|{YEAR})")
OPEN_END = r"(?:present|current(?:ly)?|now|today|ongoing|date)"
_DASH = r"(?:-|–|—|~|to|until|through|and)"
RANGE = re.compile(
    rf"(?<![\w/.])(?P<start>{POINT}|(?:{MONTH}\.?|{SEASON}))\s*{_DASH}\s*(?P<end>{POINT}|{OPEN_END}|{MONTH}\.?)"
    rf"(?![\w/])", re.I)
SINGLE = re.compile(rf"(?<![\w/.])(?P<start>{POINT})(?![\w/])", re.I)


@dataclass(frozen=True)
class DateSpan:
    start: date | None
    end: date | None  # None when `current`, or when the end is not printed
    current: bool
    begin: int  # where the dates are in the line, to cut them out
    stop: int
    year_only: bool = False  # the start is a bare year


def parse_point(text: str, end: bool = False) -> date | None:
    """One printed date as the first day of its month; a bare year is January (December for an end)."""
    text = text.strip().lower().rstrip(".,")
    named = re.match(rf"({MONTH}|{SEASON})\.?,?\s*({YEAR})", text, re.I)
    if named:
        word = named.group(1).lower()
        month = SEASONS.get(word) or MONTHS[word[:3]]
        return date(int(named.group(2)), month, 1)
    full = re.match(rf"(\d{{1,2}})[/.](\d{{1,2}})[/.]({YEAR})$", text)
    if full:  # "01/09/2015": day first (as Europass prints it), unless the second number cannot be a month
        first, second = int(full.group(1)), int(full.group(2))
        month = second if second <= 12 else first
        return date(int(full.group(3)), month, 1) if 1 <= month <= 12 else None
    iso = re.match(rf"({YEAR})-(\d\d)-(\d\d)$", text)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), 1)
    month_first = re.match(rf"(\d{{1,2}})\s?[/.]\s?({YEAR})$", text)
    if month_first and 1 <= int(month_first.group(1)) <= 12:
        return date(int(month_first.group(2)), int(month_first.group(1)), 1)
    year_first = re.match(rf"({YEAR})\s?[/.-]\s?(\d{{1,2}})$", text)
    if year_first and 1 <= int(year_first.group(2)) <= 12:
        return date(int(year_first.group(1)), int(year_first.group(2)), 1)
    year = re.match(rf"({YEAR})", text)
    if year:
        return date(int(year.group(1)), 12 if end else 1, 1)
    return None


def _month_only(text: str) -> int | None:
    word = text.strip().lower().rstrip(".")
    if re.fullmatch(SEASON, word):
        return SEASONS[word]
    if re.fullmatch(MONTH, word):
        return MONTHS[word[:3]]
    return None


def _is_year_only(text: str) -> bool:
    return re.fullmatch(YEAR, text.strip()) is not None


def find_dates(line: str, single: bool = True) -> DateSpan | None:
    """The first date range on the line (or, with `single`, the first lone date)."""
    for match in RANGE.finditer(line):
        start_text, end_text = match.group("start"), match.group("end")
        end_month = _month_only(end_text)
        end_open = re.fullmatch(OPEN_END, end_text.strip(), re.I) is not None
        end = None if end_open or end_month else parse_point(end_text, end=True)
        start_month = _month_only(start_text)
        start: date | None
        if start_month:  # "June - August 2017": the start borrows the end's year
            if end is None:
                continue
            start = date(end.year, start_month, 1)
            if start > end:
                start = date(end.year - 1, start_month, 1)
        else:
            start = parse_point(start_text)
        if start is None:
            continue
        if end_month:  # "June 2019 - July" (the year wrapped onto the next line)
            end = date(start.year if end_month >= start.month else start.year + 1, end_month, 1)
        if re.fullmatch(r"\s*and\s*", line[match.end("start"):match.start("end")], re.I):
            end = None  # "Summer 2012 and 2013": two seasons, not a range
        return DateSpan(start, end, end_open, match.start(), match.end(), _is_year_only(start_text))
    if single:
        point = SINGLE.search(line)
        if point:
            return DateSpan(parse_point(point.group("start")), None, False, point.start(), point.end(),
                            _is_year_only(point.group("start")))
    return None


def only_dates(text: str) -> bool:
    """True when the text is nothing but dates (a year, a range, "2018 -"), as in a date column."""
    rest = text
    while (span := find_dates(rest)) is not None:
        rest = rest[:span.begin] + " " + rest[span.stop:]
    return bool(text.strip()) and not re.sub(r"[\s\-–—,.:;|()/~]+", "", rest)
