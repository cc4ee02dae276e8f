"""How the API describes itself beyond what each operation declares: every operation documents
its error answers with the one envelope, and the slash-less twin of each route stays out of
the schema (the documented form ends in a slash; both work)."""

from drf_spectacular.openapi import AutoSchema

from core.exceptions import ErrorEnvelope

# 400 bad input, 401 missing or bad token, 403 not allowed, 404 not found (or not yours),
# 429 throttled. Writes may also conflict with the current state.
ERRORS_EVERYWHERE = {
    "400": "The input is not valid (body or query).",
    "401": "Not signed in, or the access token is invalid or expired.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object (another user's private object answers the same).",
    "429": "Too many requests: `details.retry_after_seconds` says when to try again.",
}
ERRORS_OF_WRITES = {
    "409": "That conflicts with the current state.",
    "413": "The body is larger than this API takes.",
    "415": "The body's media type is not one this operation takes.",
}


class EnvelopeAutoSchema(AutoSchema):
    """A view that answers its own errors in another shape (the Piston API) names it in
    `error_serializer`."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        errors = dict(ERRORS_EVERYWHERE)
        if method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            errors |= ERRORS_OF_WRITES
        schema = self.resolve_serializer(ErrorEnvelope, "response").ref
        if hasattr(self.view, "error_serializer"):  # its own shape for every error (Piston's)
            schema = self.resolve_serializer(self.view.error_serializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code, description in errors.items():
            responses.setdefault(code, {"description": description, "content": {"application/json": {"schema": schema}}})
        return operation


def without_slashless_twins(endpoints):
    """Preprocessing hook: drop `/x` where `/x/` is there too (see core.api_routes)."""
    paths = {path for path, *_ in endpoints}
    return [endpoint for endpoint in endpoints
            if endpoint[0].endswith("/") or endpoint[0] + "/" not in paths]


def _non_blank(schema) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and schema.get("minLength", 0) >= 1 and not (
            {"pattern", "enum", "format"} & schema.keys()):
        # DRF trims a text field before it checks that it is not blank: "  " is refused like "".
        schema["pattern"] = r"\S"
    for key in ("properties",):
        for child in (schema.get(key) or {}).values():
            _non_blank(child)
    for key in ("items", "additionalProperties"):
        _non_blank(schema.get(key))
    for key in ("allOf", "oneOf", "anyOf"):
        for child in schema.get(key) or []:
            _non_blank(child)


def non_blank_request_strings(result, generator, request, public):
    """Request bodies: a required text field takes text with something other than whitespace in
    it, as the serializers do; say so in the schema (`pattern: \\S`) so clients know."""
    for name, schema in (result.get("components", {}).get("schemas") or {}).items():
        if name.endswith("Request"):
            _non_blank(schema)
    return result
