"""The one guard on JSON bodies: every API operation takes an object, so anything else (an array,
a string, a number, null) is refused with the 400 envelope before a view sees it."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object.", code="invalid_body")
        return data
