import math
import re
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_window_seconds(rates: str) -> int:
    """The longest window of an allauth rate string ("1/3m/key,5/h/ip" -> 3600)."""
    longest = 0
    for rate in filter(None, (part.strip() for part in rates.split(","))):
        duration = rate.split("/")[1]
        unit = duration[-1]
        amount = int(duration[:-1] or 1) if unit in DURATION_UNITS else int(duration)
        longest = max(longest, amount * DURATION_UNITS.get(unit, 1))
    return longest


def confirmation_resend_window() -> int:
    return rate_window_seconds(settings.ACCOUNT_RATE_LIMITS.get("confirm_email", ""))


def _confirmation_sent_key(email: str) -> str:
    return f"email-confirmation-sent:{email.lower()}"


def readable_wait(seconds: float) -> str:
    if seconds < 60:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        # Usernames appear in URLs (/u/<username>/): keep them to letters, digits, - and _.
        username = super().clean_username(username, shallow=shallow)
        if not USERNAME_PATTERN.fullmatch(username):
            raise ValidationError("Use 3 to 30 letters, digits, hyphens or underscores.")
        return username

    def save_user(self, request, user, form, commit=True):
        # Signing up (pages and the app API) is where most users are made: give them the rows
        # every user starts with, in the same transaction.
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from .services import user_defaults_create

            user_defaults_create(user=user)
        return user

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        # When the code went out, so that a login refused meanwhile can say when a new one can.
        super().send_confirmation_mail(request, emailconfirmation, signup)
        window = confirmation_resend_window()
        if window:
            cache.set(_confirmation_sent_key(emailconfirmation.email_address.email), time.time(), window)

    def authenticate(self, request, **credentials):
        # Remember who proved their password in this request: a refusal that follows (allauth's
        # limit on sending verification codes) can then say what is really in the way, and only
        # to the owner of the account.
        user = super().authenticate(request, **credentials)
        request.password_checked_login = (user, credentials.get("email")) if user else None
        return user

    def validation_error(self, code, *args):
        # allauth refuses the login with "too many failed login attempts" both for a flood of
        # wrong passwords and for a right password whose unconfirmed address may not get another
        # code yet (someone logging in minutes after signing up). Tell the second one the truth.
        if code == "too_many_login_attempts":
            unconfirmed = self._unconfirmed_email_of_checked_login()
            if unconfirmed:
                return ValidationError(self._confirm_email_first_message(unconfirmed),
                                       code="email_not_verified")
        return super().validation_error(code, *args)

    def _unconfirmed_email_of_checked_login(self) -> str | None:
        request = self.request or context.request
        checked = getattr(request, "password_checked_login", None)
        if not checked or not checked[1]:
            return None
        user, email = checked
        address = EmailAddress.objects.filter(user=user, email__iexact=email, verified=False).first()
        return address.email if address else None

    @staticmethod
    def _confirm_email_first_message(email: str) -> str:
        window = confirmation_resend_window()
        sent_at = cache.get(_confirmation_sent_key(email))
        wait = max(1.0, sent_at + window - time.time()) if sent_at else window
        return (f"Your e-mail address {email} is not confirmed yet. We e-mailed you a code to "
                "confirm it: enter it on the page that asked for it after you signed up. We can send "
                f"a new code in {readable_wait(wait)}: log in again then.")

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def render_mail(self, template_prefix, email, context, headers=None):
        # Without django.contrib.sites the "site" is the request's host; mails should greet
        # people from PrepForge, not from "127.0.0.1:8000".
        site = context.get("current_site")
        if site is not None and hasattr(site, "name"):
            site.name = "PrepForge"
        return super().render_mail(template_prefix, email, context, headers=headers)
