"""Signals that the audit log listens to, for operations that allauth, Django's auth and the
Django admin perform themselves (the project's own services call core.audit.audit_record
directly). Only recording happens here."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .audit import audit_record, current_origin

NOT_AUDITED = {"sessions.session", "core.auditevent", "admin.logentry", "contenttypes.contenttype",
               "core.aicall", "mfa.authenticator"}


def _user_by_login(credentials: dict):
    login = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    user = get_user_model().objects.filter(email__iexact=login).first() if login else None
    return login, user


@receiver(auth_signals.user_logged_in, dispatch_uid="core.audit.login")
def _login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, subject=user, target=user, request=request)


@receiver(auth_signals.user_login_failed, dispatch_uid="core.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the login name is kept.
    login, user = _user_by_login(credentials or {})
    audit_record(action="auth.login_failed", subject=user, target_type="accounts.user",
                 target_id=str(user.pk) if user else "", target_label=login[:200], request=request,
                 actor_label=login[:200])


@receiver(auth_signals.user_logged_out, dispatch_uid="core.audit.logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, subject=user, target=user, request=request)


def _account_event(action: str):
    def record(sender, request=None, user=None, **kwargs):
        if user is not None:
            audit_record(action=action, actor=user if request is not None else None, subject=user, target=user,
                         request=request)
    return record


for _signal, _action in ((account_signals.password_changed, "auth.password_changed"),
                         (account_signals.password_set, "auth.password_set"),
                         (account_signals.password_reset, "auth.password_reset"),
                         (account_signals.email_added, "account.email_added"),
                         (account_signals.email_removed, "account.email_removed"),
                         (account_signals.email_changed, "account.email_changed")):
    _signal.connect(_account_event(_action), dispatch_uid=f"core.audit.{_action}", weak=False)


def _mfa_event(action: str):
    def record(sender, request=None, user=None, authenticator=None, **kwargs):
        if user is not None:
            kind = getattr(authenticator, "type", "")
            audit_record(action=action, actor=user, subject=user, target=user, request=request,
                         changes={"authenticator": [None, str(kind)]} if kind else None)
    return record


for _signal, _action in ((mfa_signals.authenticator_added, "mfa.added"),
                         (mfa_signals.authenticator_removed, "mfa.removed"),
                         (mfa_signals.authenticator_reset, "mfa.reset"),
                         (mfa_signals.authentication_failed, "mfa.failed")):
    _signal.connect(_mfa_event(_action), dispatch_uid=f"core.audit.{_action}", weak=False)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="core.audit.roles")
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear") or reverse:
        return
    if action.startswith("pre_"):
        instance._roles_before = sorted(instance.groups.values_list("name", flat=True))
        return
    before = getattr(instance, "_roles_before", [])
    after = sorted(instance.groups.values_list("name", flat=True))
    if before != after:
        audit_record(action="role.changed", subject=instance, target=instance, changes={"roles": [before, after]})


@receiver(post_delete, sender=get_user_model(), dispatch_uid="core.audit.account_deleted")
def _account_deleted(sender, instance, **kwargs):
    audit_record(action="account.deleted", target_type="accounts.user", target_id=str(instance.pk),
                 target_label=instance.email)


# --- edits and deletes in the Django admin, with the values before and after ----------------------


def _model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _in_admin(sender) -> bool:
    origin = current_origin.get()
    return origin is not None and origin.via_admin and _model_key(sender) not in NOT_AUDITED


@receiver(pre_save, dispatch_uid="core.audit.admin_before")
def _admin_before(sender, instance, raw=False, **kwargs):
    if raw or not _in_admin(sender) or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _field_values(old) if old is not None else None


@receiver(post_save, dispatch_uid="core.audit.admin_after")
def _admin_after(sender, instance, created, raw=False, **kwargs):
    if raw or not _in_admin(sender):
        return
    before = getattr(instance, "_audit_before", None) or {}
    after = _field_values(instance)
    changes = {name: [before.get(name), value] for name, value in after.items()
               if created or before.get(name) != value}
    changes.pop("updated_at", None)
    if created or changes:
        audit_record(action="admin.added" if created else "admin.changed", target=instance, changes=changes)


@receiver(post_delete, dispatch_uid="core.audit.admin_deleted")
def _admin_deleted(sender, instance, **kwargs):
    if _in_admin(sender):
        audit_record(action="admin.deleted", target=instance,
                     changes={name: [value, None] for name, value in _field_values(instance).items()})
