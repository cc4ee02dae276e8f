"""Deleting an account: everything the user owns goes with them (the database's cascades), what
other people keep (chat messages they were sent, audit entries, challenges and playlists the user
wrote, analytics events) stays with the user's name removed. The files of the removed rows are
deleted from storage after the commit. The audit log records the deletion (core.audit_receivers)."""

from dataclasses import replace

from django.db import transaction
from django.db.models import FileField
from django.db.models.deletion import Collector

from accounts.models import User
from accounts.selectors import accounts_going_with
from analytics import event_log
from core.audit import LazyRequestOrigin, current_origin
from core.exceptions import ValidationFailed

CONFIRM_WORD = "delete"


def _files_of_removed_rows(accounts) -> list[tuple]:
    """(storage, name) of every file held by a row the deletion removes, found before it goes."""
    collector = Collector(using="default")
    collector.collect(accounts)
    files = []
    for model, instances in collector.data.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
        for instance in instances if file_fields else ():
            for field in file_fields:
                value = getattr(instance, field.attname)
                if value:
                    files.append((field.storage, str(value)))
    for queryset in collector.fast_deletes:
        file_fields = [f for f in queryset.model._meta.concrete_fields if isinstance(f, FileField)]
        for field in file_fields:
            for name in queryset.exclude(**{field.attname: ""}).values_list(field.attname, flat=True):
                if name:
                    files.append((field.storage, name))
    return files


def account_delete(*, user, password: str = "", confirm: str = "") -> None:
    """Delete `user`'s account after they confirm it (their password, or for an account without
    one the word "delete"). Guarantees: the user's own rows are gone; rows that belong to others
    too are kept with the user removed; analytics events keep counting under an opaque token, so
    past platform totals stay as they were; their files are removed after the commit. The
    accounts that exist only for them (their bots') are deleted with them, the same way."""
    if user.has_usable_password():
        if not password or not user.check_password(password):
            raise ValidationFailed("Your password is needed to delete your account.", code="wrong_password",
                                   details={"password": ["That is not your password."]})
    elif (confirm or "").strip().lower() != CONFIRM_WORD:
        raise ValidationFailed(f'Type "{CONFIRM_WORD}" to delete your account.', code="not_confirmed",
                               details={"confirm": [f'Type "{CONFIRM_WORD}".']})
    with transaction.atomic():
        accounts = [user, *User.objects.filter(id__in=accounts_going_with(user=user))]
        files = _files_of_removed_rows(accounts)
        for account in accounts:
            event_log.events_anonymise(user_id=account.pk)
        event_log.event_record(actor=None, verb=event_log.ACCOUNT_DELETED)
        # The audit entry of the deletion (core.audit_receivers) is written after the commit,
        # when the request's user no longer exists: it names them by label, not by a key.
        origin = current_origin.get()
        origin = origin.resolve() if isinstance(origin, LazyRequestOrigin) else origin
        token = current_origin.set(replace(origin, user_id=None, user_label=f"{user.email} (own account)")
                                   if origin is not None else None)
        try:
            for account in accounts:
                account.delete()
        finally:
            current_origin.reset(token)

        def remove_files():
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(remove_files, robust=True)
