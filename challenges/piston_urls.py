from django.urls import path, re_path

from . import piston_apis

urlpatterns = [
    path("runtimes", piston_apis.PistonRuntimesApi.as_view(), name="piston-runtimes"),
    path("execute", piston_apis.PistonExecuteApi.as_view(), name="piston-execute"),
    # Piston clients join "<base>/execute": a base URL given with a trailing slash must work too.
    # (The group keeps Django's check for a mistaken leading slash quiet: this one is on purpose.)
    re_path(r"^(?:/)+runtimes/?$", piston_apis.PistonRuntimesApi.as_view(schema=None)),
    re_path(r"^(?:/)+execute/?$", piston_apis.PistonExecuteApi.as_view(schema=None)),
    re_path(r"", piston_apis.PistonNotFoundApi.as_view(), name="piston-not-found"),
]
