from django.http import JsonResponse


def health(request):
    """Liveness for load balancers and process managers: this process answers. No database or
    other service is touched, so a slow dependency never takes every web process out of rotation."""
    return JsonResponse({"status": "ok"})
