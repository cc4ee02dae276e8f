"""The site's URLconf plus views that crash, for the error-page tests."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns


def crash(request):
    raise RuntimeError("secret detail that must not reach the page")


urlpatterns = [
    path("crash/", crash),
    path("api/v1/crash/", crash),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
