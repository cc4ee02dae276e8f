"""The installable app's three public files: the manifest, the service worker (root scope, never
cached by the browser, its shell list in front) and the offline page, which is the same for
everyone: nothing of the signed-in user is in what the worker keeps."""

import json

import pytest

from core.pwa_views import shell_files

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_a_standalone_app_with_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["start_url"].startswith("/")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    assert manifest["theme_color"] == "#ffffff"


def test_the_service_worker_covers_the_site_and_carries_its_shell_list(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    first_line = response.content.decode().splitlines()[0]
    shell = json.loads(first_line.removeprefix("self.PREPFORGE_SHELL = ").rstrip(";"))
    assert shell["offline"] == "/offline/" and shell["files"] == shell_files()
    # Only public, static things: no page, no API address.
    assert all(path.startswith("/static/") for path in shell["files"])
    assert len(shell["version"]) == 16


def test_the_worker_version_follows_the_shell(client, settings):
    before = json.loads(client.get("/sw.js").content.decode().splitlines()[0].split(" = ", 1)[1].rstrip(";"))
    settings.STATIC_URL = "/assets/"
    after = json.loads(client.get("/sw.js").content.decode().splitlines()[0].split(" = ", 1)[1].rstrip(";"))
    assert after["files"][0].startswith("/assets/") and after["version"] != before["version"]


def test_the_offline_page_holds_nothing_of_the_signed_in_user(client, make_user):
    user = make_user(username="secretive", name="Very Private Person")
    client.force_login(user)
    page = client.get("/offline/").content.decode()
    assert "You are offline" in page
    assert "secretive" not in page and "Very Private Person" not in page
    assert "csrf" not in page.lower()
    anonymous = client.__class__().get("/offline/").content.decode()
    assert anonymous == page  # the same bytes for everyone


def test_every_page_links_the_manifest_and_both_theme_colours(client):
    page = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'media="(prefers-color-scheme: dark)" content="#171e29"' in page


def test_the_manifest_and_worker_refuse_writes(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405
