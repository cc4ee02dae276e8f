"""Receivers of allauth's and Django's account signals.

The project keeps signals for invalidation only, and these only invalidate: the end of a sign-in
must close the WebSockets opened with it. allauth announces logouts, password changes and resets
only through signals, so a receiver that calls the service is the accepted bridge here."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from .services import sessions_revoked


@receiver(user_logged_out, dispatch_uid="accounts.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs):
    # Sent before the session is flushed, so its key is still there (browser and app logouts).
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if user is not None and session_key:
        sessions_revoked(user=user, session_key=session_key)


@receiver(password_changed, dispatch_uid="accounts.close_sockets_on_password_change")
@receiver(password_set, dispatch_uid="accounts.close_sockets_on_password_set")
@receiver(password_reset, dispatch_uid="accounts.close_sockets_on_password_reset")
def close_sockets_on_password_change(sender, request, user, **kwargs):
    sessions_revoked(user=user)
