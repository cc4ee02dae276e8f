"""Errors that Django raises before any view of ours runs (a body too large for
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) answered the way the rest of the site answers:
the JSON envelope `{"error": {"code", "message", "details"}}` on API paths, a page elsewhere."""

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from core.exceptions import error_body

# The JSON API, allauth headless (the apps' auth) and the Piston-compatible API.
API_PATH_PREFIXES = ("/api/", "/_allauth/")


def wants_json(path: str, accept: str = "") -> bool:
    return path.startswith(API_PATH_PREFIXES) or (
        "application/json" in accept and "text/html" not in accept
    )


def error_json_bytes(code: str, message: str, details=None) -> bytes:
    return json.dumps(error_body(code, message, details)).encode()


def _request_error(exception) -> tuple[int, str, str, dict]:
    from django.conf import settings

    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        readable = str(filesizeformat(limit)).replace("\xa0", " ")
        return (413, "request_too_large",
                f"The request body is larger than the {readable} this address accepts.",
                {"max_bytes": limit})
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return 400, "too_many_fields", "The request has too many fields or files.", {}
    return 400, "bad_request", "The request could not be understood.", {}


def request_error_response(request, exception):
    status, code, message, details = _request_error(exception)
    if wants_json(request.path, request.headers.get("Accept", "")):
        return JsonResponse(error_body(code, message, details), status=status)
    page = render_to_string("400.html", {"message": message, "status": status})
    return HttpResponse(page, status=status)


def bad_request(request, exception=None):
    """handler400: every SuspiciousOperation when DEBUG is off."""
    return request_error_response(request, exception)


class RequestErrorEnvelopeMiddleware:
    """With DEBUG on Django answers these with its technical page and never calls handler400;
    API clients get the envelope either way. Non-API paths are left to Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)) and \
                wants_json(request.path, request.headers.get("Accept", "")):
            return request_error_response(request, exception)
        return None
