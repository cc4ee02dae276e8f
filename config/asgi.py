"""ASGI entry point: HTTP goes to Django (behind the request body limit), WebSockets to the
consumers of each app."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # what get_asgi_application() does, with the site's handler below

from core.asgi_handler import PrepForgeASGIHandler  # noqa: E402

# Django's ASGI handler with pooled request threads and the middleware in one hop (core.asgi_handler).
django_asgi_app = PrepForgeASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from accounts.routing import websocket_urlpatterns as accounts_ws  # noqa: E402
from challenges.routing import websocket_urlpatterns as challenges_ws  # noqa: E402
from chat.routing import websocket_urlpatterns as chat_ws  # noqa: E402
from collaboration.routing import websocket_urlpatterns as rooms_ws  # noqa: E402
from core.body_limits import RequestBodyLimitMiddleware  # noqa: E402
from core.proxies import TrustedProxyMiddleware  # noqa: E402
from core.request_context import RequestContextMiddleware  # noqa: E402
from core.routing import websocket_urlpatterns as core_ws  # noqa: E402
from core.websocket_auth import websocket_security_stack  # noqa: E402
from interviews.routing import websocket_urlpatterns as interviews_ws  # noqa: E402

# First the client address and scheme from a trusted proxy only (core.proxies), then a request id
# for the logs of every request and connection (core.request_context).
application = TrustedProxyMiddleware(RequestContextMiddleware(ProtocolTypeRouter(
    {
        # Bodies are bounded here, before Django's handler buffers them.
        "http": RequestBodyLimitMiddleware(django_asgi_app),
        "websocket": websocket_security_stack(URLRouter([*accounts_ws, *challenges_ws, *rooms_ws, *core_ws, *interviews_ws, *chat_ws])),
    }
)), trusted=settings.TRUSTED_PROXIES)
