from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        # Usernames appear in URLs (/u/<username>/): keep them to letters, digits, - and _.
        import re

        from django.core.exceptions import ValidationError

        username = super().clean_username(username, shallow=shallow)
        if not re.fullmatch(r"[A-Za-z0-9_-]{3,30}", username):
            raise ValidationError("Use 3 to 30 letters, digits, hyphens or underscores.")
        return username

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()
