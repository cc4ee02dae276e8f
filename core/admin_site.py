"""The Django admin lets people in by role: INSTALLED_APPS names `RoleAdminConfig` instead of
django.contrib.admin, so `admin.site` is a `RoleAdminSite`."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .roles import user_roles


class RoleAdminSite(admin.AdminSite):
    """Staff are the people with a role (or Django's staff flag): a moderator or admin enters the
    admin without anyone also ticking "staff status", and then sees what the role's permissions
    allow (core.roles)."""

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_staff or bool(user_roles(user)))


class RoleAdminConfig(AdminConfig):
    default_site = "core.admin_site.RoleAdminSite"
