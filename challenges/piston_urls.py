from django.urls import re_path

from . import piston_apis

# Extra slashes are tolerated: Piston clients join "<base>/execute", and a base URL given with a
# trailing slash must still reach the endpoint.
urlpatterns = [
    re_path(r"^/*runtimes/?$", piston_apis.PistonRuntimesApi.as_view(), name="piston-runtimes"),
    re_path(r"^/*execute/?$", piston_apis.PistonExecuteApi.as_view(), name="piston-execute"),
    re_path(r"", piston_apis.PistonNotFoundApi.as_view(), name="piston-not-found"),
]
