"""Every API route answers with and without its trailing slash: apps and the seed documents'
clients call `/api/v1/interview-prep/upload`, and Django's APPEND_SLASH would redirect them
(losing a POST body, or failing outright under DEBUG). One approach for every app's api_urls:
wrap the list in `slash_optional`. Names stay on the slashed form, so reverse() is unchanged."""

from django.http import JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

from core.exceptions import error_body


def slash_optional(urlpatterns: list[URLPattern]) -> list[URLPattern]:
    routes = []
    for pattern in urlpatterns:
        routes.append(pattern)
        route = str(pattern.pattern)
        if route.endswith("/"):
            routes.append(path(route[:-1], pattern.callback, pattern.default_args))
    return routes


@csrf_exempt  # it changes nothing; a POST with a session cookie must get the envelope, not CSRF's page
def api_not_found(request, *args, **kwargs):
    """Last in the URLconf under /api/: a path no API route matches is the 404 envelope, not the
    HTML page (nor, with DEBUG on, Django's technical page). Under /api/docs/, a page for people,
    it is the site's 404 page."""
    from core.error_responses import page_not_found, wants_json

    if not wants_json(request.path):
        return page_not_found(request)
    return JsonResponse(error_body("not_found", "No such API path."), status=404)
