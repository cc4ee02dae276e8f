import re

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")


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

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()

    def render_mail(self, template_prefix, email, context, headers=None):
        # Without django.contrib.sites the "site" is the request's host; mails should greet
        # people from PrepForge, not from "127.0.0.1:8000".
        site = context.get("current_site")
        if site is not None and hasattr(site, "name"):
            site.name = "PrepForge"
        return super().render_mail(template_prefix, email, context, headers=headers)
