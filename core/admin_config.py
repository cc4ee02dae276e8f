"""Loaded while the apps are (INSTALLED_APPS names it), so the site itself is named, not imported."""

from django.contrib.admin.apps import AdminConfig


class RoleAdminConfig(AdminConfig):
    default_site = "core.admin_site.RoleAdminSite"
