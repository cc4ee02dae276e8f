"""Reading numbers that users send (query strings, form fields, JSON), and the API's query
parameters."""

from rest_framework import serializers

from core.exceptions import ValidationFailed


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


class QueryInteger(serializers.IntegerField):
    """An integer query value: plain ASCII digits only (no "1.0", "²" or " 7"), at most 10**12."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", 10**12)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = parse_int(data)
        if number is None:
            self.fail("invalid")
        return super().to_internal_value(number)


class QueryInput(serializers.Serializer):
    """Query parameters of one operation: validated like a body (a bad value is the 400 envelope,
    never a silent default) and documented from the same fields (`parameters=[TheQuery]`)."""


def query_valid(query_class: type[QueryInput], request) -> dict:
    # A plain dict, so that `?type=` is a blank value to refuse rather than "not given".
    data = query_class(data=dict(request.query_params.items()))
    if not data.is_valid():
        raise ValidationFailed("Some query parameters are not valid.", code="invalid_query", details=data.errors)
    return data.validated_data
