"""The Django admin lets people in by role: INSTALLED_APPS names core.admin_config.RoleAdminConfig
instead of django.contrib.admin, so `admin.site` is a `RoleAdminSite`."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .roles import user_roles


def may_enter_admin(user) -> bool:
    return user.is_active and (user.is_staff or bool(user_roles(user)))


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # active accounts only
        if not may_enter_admin(user):
            raise self.get_invalid_login_error()


class RoleAdminSite(admin.AdminSite):
    """Staff are the people with a role (or Django's staff flag): a moderator or admin enters the
    admin without anyone also ticking "staff status", and then sees what the role's permissions
    allow (core.roles)."""

    login_form = RoleAdminAuthenticationForm

    def has_permission(self, request):
        return may_enter_admin(request.user)
