"""The site as an installable web app: its manifest, its service worker and the offline page the
worker keeps. All three are the same for every visitor (no user data, no session needed), so the
worker may keep them; it keeps nothing else but the static files of that shell."""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# The themes' page colours (static/src/app.css: --surface of the light and the dark theme), for the
# browser's title bar and the app's splash screen.
THEME_LIGHT = "#ffffff"
THEME_DARK = "#171e29"
BACKGROUND_LIGHT = "#f7f8fb"
ICON_SIZES = (192, 512)
WORKER_SOURCE = "dist/service_worker.js"


def _icons() -> list[dict]:
    icons = [{"src": static(f"pwa/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
             for size in ICON_SIZES]
    icons.append({"src": static("pwa/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
                  "purpose": "maskable"})
    return icons


@require_GET
def manifest(request):
    chat = reverse("chat-home")
    body = {
        "id": "/",
        "name": "PrepForge",
        "short_name": "PrepForge",
        "description": "Prepare for technical interviews: challenges, mock interviews, resumes and chat.",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_LIGHT,
        "theme_color": THEME_LIGHT,
        "icons": _icons(),
        "shortcuts": [{"name": "Chats", "url": chat, "icons": [_icons()[0]]}],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def shell_files() -> list[str]:
    """What the worker keeps besides the offline page: the page's script and style, the icons."""
    return [static("dist/app.css"), static("dist/offline.js"), *(i["src"] for i in _icons())]


@require_GET
def service_worker(request):
    """The worker's script with the shell's list before it. Its version changes with the list
    (hashed static names in production) and the script, so a deploy installs a fresh worker that
    drops the old shell. Served from the root so that its scope is the whole site."""
    path = finders.find(WORKER_SOURCE)
    if not path:
        raise Http404("The service worker is not built (make assets).")
    with open(path, encoding="utf-8") as built:
        source = built.read()
    offline = reverse("pwa-offline")
    files = shell_files()
    version = hashlib.sha256(json.dumps([offline, files, source]).encode()).hexdigest()[:16]
    shell = json.dumps({"version": version, "offline": offline, "files": files})
    response = HttpResponse(f"self.PREPFORGE_SHELL = {shell};\n{source}", content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every visit; a cached script would pin the old shell.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def offline(request):
    response = render(request, "pwa/offline.html", {"theme_light": THEME_LIGHT, "theme_dark": THEME_DARK})
    response["Cache-Control"] = "no-cache"
    return response
