"""A user's data, as a zip they download: `data.json` (every row PrepForge holds about them) and
`files/` (the files of those rows: resumes, recordings, attachments, avatar).

Which rows: the ones deleting the account would remove (Django's deletion collector, so nested
rows such as resume versions and interview turns come too) and the ones it would keep without
their name (messages they sent in others' chats, challenges they wrote). The two lists are the
same ones the deletion page shows, so the export and the deletion cannot disagree. Secrets are
left out: password hashes, MFA secrets, tokens and keys (by model and by field name).

The zip is made by a Celery job (`data_export_build`, after `data_export_request` commits) that
records its progress per table, and tells the user by notification (and e-mail, per their
preferences) with the download link."""

import json
import logging
import re
import tempfile
import zipfile
from datetime import timedelta
from pathlib import PurePosixPath

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import SET_NULL, FileField
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationType, User
from accounts.services import notification_send
from core.exceptions import Conflict

from .models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

# Rows that are secrets, not data about the person (their existence is said in the export).
SECRET_MODELS = {"mfa.authenticator", "socialaccount.socialtoken", "sessions.session",
                 "usersessions.usersession", "account.emailconfirmation", "analytics.dataexport"}
SECRET_FIELD = re.compile(r"password|secret|token|(^|_)key($|_)|hash", re.IGNORECASE)
# One export at a time, and at most this many a day: each one reads everything.
EXPORTS_PER_DAY = 3
# An export is a copy of everything about someone: it is deleted (row and zip) after this.
EXPORT_KEEP_DAYS = 7


def _label(model) -> str:
    return model._meta.label_lower


def rows_about(user) -> dict[str, list]:
    """Model label -> instances (or querysets) of the rows held about `user`."""
    collector = Collector(using="default")
    collector.collect([user])
    found: dict[str, list] = {}
    for model, instances in collector.data.items():
        if model is not type(user):
            found.setdefault(_label(model), []).extend(instances)
    for queryset in collector.fast_deletes:
        found.setdefault(_label(queryset.model), []).extend(queryset)
    for relation in type(user)._meta.related_objects:
        if relation.on_delete is SET_NULL and not relation.many_to_many:
            model = relation.related_model
            found.setdefault(_label(model), []).extend(model._base_manager.filter(**{relation.field.name: user}))
    return {label: rows for label, rows in sorted(found.items()) if rows and label not in SECRET_MODELS}


def _row_data(instance) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if SECRET_FIELD.search(field.name):
            continue
        value = getattr(instance, field.attname)
        data[field.attname] = str(value) if isinstance(field, FileField) else value
    return data


def _files_of(instance):
    for field in instance._meta.concrete_fields:
        if isinstance(field, FileField):
            value = getattr(instance, field.attname)
            if value:
                yield field, value


def _progress(export_id: int, percent: int) -> None:
    DataExport.objects.filter(pk=export_id).update(progress=percent, updated_at=timezone.now())


def data_export_request(*, user: User) -> DataExport:
    """Queue an export of the user's data. One at a time (a second request while one is being made
    returns that one) and EXPORTS_PER_DAY a day (more is a conflict)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per user
        pending = DataExport.objects.filter(user=user, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)).first()
        if pending is not None:
            return pending
        if DataExport.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(days=1)).count() \
                >= EXPORTS_PER_DAY:
            raise Conflict(f"You can make {EXPORTS_PER_DAY} exports a day; try again tomorrow.",
                           code="too_many_exports")
        export = DataExport.objects.create(user=user)
        from .tasks import data_export_build_task

        transaction.on_commit(lambda: data_export_build_task.delay(export.pk), robust=True)
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Make the zip of a queued export (a second run of the same export does nothing)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).select_related("user").first()
        if export is None or export.status != ExportStatus.QUEUED:
            return export
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status", "updated_at"])
    user = export.user
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                tables = rows_about(user)
                written: dict[str, list[dict]] = {}
                data = {"exported_at": timezone.now(), "user": _row_data(user),
                        "left_out": sorted(SECRET_MODELS) + ["fields named like password, secret, token, key, hash"],
                        "tables": written}
                for done, (label, rows) in enumerate(tables.items(), start=1):
                    written[label] = [_row_data(row) for row in rows]
                    for row in rows:
                        for field, value in _files_of(row):
                            name = PurePosixPath(value.name).name
                            with value.storage.open(value.name, "rb") as source:
                                archive.writestr(f"files/{label}/{row.pk}-{field.name}/{name}", source.read())
                    _progress(export_id, round(90 * done / max(len(tables), 1)))
                archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=1, default=str))
            spool.seek(0)
            stamp = timezone.now().strftime("%Y%m%d")
            with transaction.atomic():
                export = DataExport.objects.select_for_update().get(pk=export_id)
                export.file.save(f"prepforge-{user.username}-{stamp}.zip", File(spool), save=False)
                export.size = export.file.size
                export.status, export.progress, export.finished_at = ExportStatus.READY, 100, timezone.now()
                export.save()
                notification_send(user=user, type=NotificationType.SYSTEM, title="Your PrepForge data is ready",
                                  body="The zip of everything PrepForge holds about you can be downloaded now.",
                                  url=reverse("analytics-export-download", args=[export.pk]))
    except Exception:
        logger.exception("data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error="The export could not be made.")
        export.refresh_from_db()
    return export


def data_exports_purge(*, now=None) -> int:
    """Delete the exports made more than EXPORT_KEEP_DAYS ago, whatever their status: the rows in
    one transaction, their zips from storage once it has committed (a failed commit keeps both).
    Running it again finds nothing more. Returns how many exports went."""
    cutoff = (now or timezone.now()) - timedelta(days=EXPORT_KEEP_DAYS)
    with transaction.atomic():
        old = list(DataExport.objects.select_for_update(skip_locked=True).filter(created_at__lt=cutoff)
                   .only("id", "file"))
        files = [(export.file.storage, export.file.name) for export in old if export.file]
        DataExport.objects.filter(pk__in=[export.pk for export in old]).delete()

        def remove_files():
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(remove_files, robust=True)
    return len(old)
