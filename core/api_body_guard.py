"""The one guard on API bodies: every /api/ write takes a JSON object, so a JSON body that is
anything else (an array, a string, a number, null) or not JSON at all is the 400 envelope, before
any view runs, whether or not the view reads its body."""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from core.exceptions import error_body

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class JSONObjectBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in WRITES and request.content_type == "application/json":
            try:
                body = request.body
            except RequestDataTooBig:
                return JsonResponse(error_body("too_large", "The body is larger than this API takes."), status=413)
            refused = self.refusal(body)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def refusal(body: bytes) -> JsonResponse | None:
        if not body:
            return None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            return JsonResponse(error_body("parse_error", f"JSON parse error - {error}"), status=400)
        if not isinstance(data, dict):
            return JsonResponse(error_body("invalid_body", "The body must be a JSON object."), status=400)
        return None
