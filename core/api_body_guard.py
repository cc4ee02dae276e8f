"""The one guard on API bodies: every /api/ write takes a JSON object, so a JSON body that is
anything else (an array, a string, a number, null) or not JSON at all is the 400 envelope, before
any view runs, whether or not the view reads its body."""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from core.exceptions import error_body

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Piston's clients read `{"message": ...}`, the shape Piston itself answers errors with.
PISTON_PREFIX = "/api/v2/piston/"


def _refusal_response(path: str, code: str, message: str, status: int) -> JsonResponse:
    if path.startswith(PISTON_PREFIX):
        return JsonResponse({"message": message}, status=status)
    return JsonResponse(error_body(code, message), status=status)


class JSONObjectBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in WRITES and request.content_type == "application/json":
            try:
                body = request.body
            except RequestDataTooBig:
                if request.path.startswith(PISTON_PREFIX):
                    return _refusal_response(request.path, "request_too_large", "The body is larger than this API takes.", 413)
                raise  # answered by core.error_responses, like every other request that is too large
            refused = self.refusal(body)
            if refused is not None:
                return _refusal_response(request.path, *refused)
        return self.get_response(request)

    @staticmethod
    def refusal(body: bytes) -> tuple[str, str, int] | None:
        """(code, message, status) when the body is not a JSON object."""
        if not body:
            return None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            return "parse_error", f"JSON parse error - {error}", 400
        if not isinstance(data, dict):
            return "invalid_body", "The body must be a JSON object.", 400
        return None
