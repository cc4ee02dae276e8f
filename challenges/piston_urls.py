from django.urls import path

from . import piston_apis

urlpatterns = [
    path("runtimes", piston_apis.PistonRuntimesApi.as_view(), name="piston-runtimes"),
    path("execute", piston_apis.PistonExecuteApi.as_view(), name="piston-execute"),
]
