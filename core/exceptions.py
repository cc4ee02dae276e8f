"""One error family for business rules, and the handler that turns any API error into
`{"error": {"code", "message", "details"}}`."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A business rule said no. `code` is stable for clients; `message` is for people."""

    code = "application_error"
    status_code = 400
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, *, code: str | None = None, details=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    code = "invalid"
    default_message = "Some fields are not valid."


class NotFound(ApplicationError):
    code = "not_found"
    status_code = 404
    default_message = "Not found."


class Forbidden(ApplicationError):
    code = "forbidden"
    status_code = 403
    default_message = "You may not do that."


class Conflict(ApplicationError):
    code = "conflict"
    status_code = 409
    default_message = "That conflicts with the current state."


def first_or_not_found(queryset, message: str = NotFound.default_message):
    """The first row of `queryset`, or the 404 envelope: the one way a lookup says "not found"
    (someone else's private object included, so that its existence does not leak)."""
    found = queryset.first()
    if found is None:
        raise NotFound(message)
    return found


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs.")
    message = serializers.CharField(help_text="For people.")
    details = serializers.JSONField(help_text="Per-field messages, limits, retry_after_seconds...")


class ErrorEnvelope(serializers.Serializer):
    """What every API error answers (the schema documents it on every operation)."""

    error = ErrorDetail()


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _drf_code(exc: drf_exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        field_errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", "Some fields are not valid.", field_errors), status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: let Django log it and answer 500
    if isinstance(exc, drf_exceptions.ValidationError):
        invalid = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "Some fields are not valid.", invalid)
    else:
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else exc.default_detail
        details: dict[str, int] = {}
        if isinstance(exc, drf_exceptions.Throttled):
            # Throttled.__init__ sets `wait` (seconds, or None); drf-stubs do not declare it.
            wait: float | None = exc.wait  # type: ignore[attr-defined]
            if wait is not None:
                details = {"retry_after_seconds": int(wait)}
        response.data = error_body(_drf_code(exc), str(message), details)
    return response
