"""Reading numbers that users send (query strings, form fields, JSON)."""


def parse_int(value, default=None, maximum: int = 10**12):
    """An int for plain ASCII digits within range, else `default`. ("²".isdigit() is true, and
    int() of a 5,000-digit string raises: neither may turn into a 500.)"""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= maximum else default
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 15:
        return default
    number = int(value)
    return number if number <= maximum else default


def page_number(value, last: int = 10_000) -> int:
    """A 1-based page number from a query string: anything odd is page 1."""
    return max(1, min(parse_int(value, default=1), last))
