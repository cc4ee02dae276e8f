"""Every error answered the way the rest of the site answers: the JSON envelope
`{"error": {"code", "message", "details"}}` on API paths, the site's own page (in the viewer's
theme) elsewhere, with DEBUG on as with it off.

Django's handler400/403/404/500 cover DEBUG off. With DEBUG on Django answers a 404 with its
technical page (every URL pattern) and a crash with its traceback page; `ErrorPagesMiddleware`
and core.exception_reporter answer those with the site's pages too, while the traceback
still goes to the console log. TECHNICAL_ERROR_PAGES=1 (with DEBUG) brings Django's pages back
for a developer alone on the machine."""

import json
import logging
import sys

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from core.exceptions import error_body

logger = logging.getLogger(__name__)

# The JSON API, allauth headless (the apps' auth) and the Piston-compatible API.
API_PATH_PREFIXES = ("/api/", "/_allauth/")
# Pages for people that live under /api/: the interactive API documentation.
BROWSER_PATH_PREFIXES = ("/api/docs",)


def wants_json(path: str, accept: str = "") -> bool:
    if path.startswith(BROWSER_PATH_PREFIXES):
        return False
    return path.startswith(API_PATH_PREFIXES) or (
        "application/json" in accept and "text/html" not in accept
    )


def _request_wants_json(request) -> bool:
    return wants_json(request.path, request.headers.get("Accept", ""))


def error_json_bytes(code: str, message: str, details=None) -> bytes:
    return json.dumps(error_body(code, message, details)).encode()


def _request_error(exception) -> tuple[int, str, str, dict]:
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
    if _request_wants_json(request):
        return JsonResponse(error_body(code, message, details), status=status)
    return render(request, "400.html", {"message": message, "status": status}, status=status)


def request_error_page_body(request, exception) -> str:
    """The 400 page without the request's context: with DEBUG on Django asks for it while the
    request itself is what is wrong (a bad Host header)."""
    _, _, message, _ = _request_error(exception)
    return render_to_string("400.html", {"message": message, "status": 400, "theme": _viewer_theme(request)})


def bad_request(request, exception=None):
    """handler400: every SuspiciousOperation when DEBUG is off."""
    return request_error_response(request, exception)


def permission_denied(request, exception=None):
    """handler403 (Django uses it with DEBUG on as well)."""
    if _request_wants_json(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """handler404, and with DEBUG on every 404 (ErrorPagesMiddleware). Never says what was tried."""
    if _request_wants_json(request):
        return JsonResponse(error_body("not_found", "No such API path."), status=404)
    return render(request, "404.html", status=404)


def _viewer_theme(request) -> str:
    # The crash may be the database's: the theme is read if it can be, never required.
    try:
        user = request.user
        return user.preferences.theme if user.is_authenticated else "system"
    except Exception:
        return "system"


def server_error_body(request) -> str:
    try:
        return render_to_string("500.html", {"theme": _viewer_theme(request)})
    except Exception:  # a broken template or static manifest must not hide the first error
        logger.exception("The 500 page could not be rendered")
        return "<!doctype html><title>Server error</title><h1>Something went wrong on our side</h1>"


def _dependency_down() -> bool:
    """Is the error being handled the database going away (not a bug of ours)?"""
    from django.db import InterfaceError, OperationalError

    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


def service_unavailable(request):
    """A dependency is down: 503 with Retry-After, so clients and balancers wait and retry."""
    message = "PrepForge is briefly unavailable. Try again in a moment."
    response: HttpResponse
    if _request_wants_json(request):
        response = JsonResponse(error_body("service_unavailable", message), status=503)
    else:
        body: str
        try:
            body = render_to_string("503.html", {"theme": "system"})
        except Exception:
            body = f"<!doctype html><title>Unavailable</title><h1>{message}</h1>"
        response = HttpResponse(body, status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request):
    """handler500: no request context (its context processors may be what failed). The database
    being down is a 503, not a crash."""
    if _dependency_down():
        return service_unavailable(request)
    if _request_wants_json(request):
        return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
    return HttpResponse(server_error_body(request), status=500)


def technical_pages_shown() -> bool:
    return settings.DEBUG and settings.TECHNICAL_ERROR_PAGES


class ErrorPagesMiddleware:
    """With DEBUG on, the 404s and crashes Django would answer with its technical pages get the
    site's page (or the API's envelope) instead; with DEBUG off Django's handlers already do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or technical_pages_shown():
            return response
        # No URL matched (Django's technical "tried these patterns" page): nothing resolved.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request)
        if response.status_code == 500 and _request_wants_json(request) and \
                not response.get("Content-Type", "").startswith("application/json"):
            return server_error(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)) and \
                _request_wants_json(request):
            return request_error_response(request, exception)
        if isinstance(exception, Http404) and settings.DEBUG and not technical_pages_shown():
            return page_not_found(request, exception)
        return None
