"""People see the site's own error pages, in their theme, with DEBUG on (make run) as with it off;
API paths answer the JSON envelope. Django's technical pages (URL patterns, tracebacks) never
reach a page unless TECHNICAL_ERROR_PAGES is set."""

import pytest
from django.test import Client

from accounts import services

pytestmark = pytest.mark.django_db

TECHNICAL_MARKERS = (b"Using the URLconf", b"urlpatterns", b"Traceback", b"secret detail", b"DEBUG = True")


@pytest.fixture(params=[True, False], ids=["debug-on", "debug-off"])
def debug(request, settings):
    settings.DEBUG = request.param
    settings.TECHNICAL_ERROR_PAGES = False
    settings.ROOT_URLCONF = "tests.core.crash_urls"
    return request.param


@pytest.fixture
def dark_client(make_user):
    viewer = make_user()
    services.preferences_update(user=viewer, data={"theme": "dark"})
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    return client


def assert_site_page(response, status: int, marker: bytes):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert marker in response.content
    for leak in TECHNICAL_MARKERS:
        assert leak not in response.content, leak


def test_wrong_url_is_the_site_404_in_the_viewers_theme(debug, dark_client):
    response = dark_client.get("/no-such-page/")
    assert_site_page(response, 404, b'data-error-page="404"')
    assert b'data-theme-preference="dark"' in response.content
    assert b"Log out" in response.content  # the signed-in header, as on every page


def test_private_profile_is_the_site_404(debug, dark_client, make_user):
    hidden = make_user()
    services.preferences_update(user=hidden, data={"public_profile": False})
    assert_site_page(dark_client.get(f"/u/{hidden.username}/"), 404, b'data-error-page="404"')


def test_signed_out_wrong_url_is_the_site_404(debug):
    assert_site_page(Client().get("/nope/deeper/"), 404, b'data-error-page="404"')


def test_missing_role_is_the_site_403(debug, dark_client):
    response = dark_client.get("/staff/")
    assert_site_page(response, 403, b'data-error-page="403"')
    assert b'data-theme-preference="dark"' in response.content


def test_crash_is_the_site_500_in_the_viewers_theme(debug, dark_client):
    response = dark_client.get("/crash/")
    assert_site_page(response, 500, b'data-error-page="500"')
    assert b'data-theme-preference="dark"' in response.content


def test_suspicious_request_is_the_site_400(debug, client):
    # A Host header outside ALLOWED_HOSTS is Django's DisallowedHost (a SuspiciousOperation).
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"could not be read" in response.content
    for leak in TECHNICAL_MARKERS:
        assert leak not in response.content


def test_under_api_docs_a_wrong_path_is_the_site_404(debug, dark_client):
    assert_site_page(dark_client.get("/api/docs/nope/"), 404, b'data-error-page="404"')
    assert dark_client.get("/api/docs/").status_code == 200


def test_api_paths_keep_the_json_envelope(debug, dark_client):
    missing = dark_client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    auth_missing = dark_client.get("/_allauth/app/v1/no-such-thing")
    assert auth_missing.status_code == 404
    assert auth_missing.json()["error"]["code"] == "not_found"
    crashed = dark_client.get("/api/v1/crash/")
    assert crashed.status_code == 500
    assert crashed.json()["error"]["code"] == "server_error"
    assert b"secret detail" not in crashed.content


def test_developers_can_ask_for_djangos_technical_pages(settings, dark_client):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    settings.ROOT_URLCONF = "tests.core.crash_urls"
    assert b"Using the URLconf" in dark_client.get("/no-such-page/").content
    assert b"secret detail" in dark_client.get("/crash/").content
