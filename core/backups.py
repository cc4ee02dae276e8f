"""Backups of the whole site: the database (every app's rows, as Django's portable JSON, so a
SQLite backup restores into PostgreSQL and back) and the stored files of both storages (public
avatars and private resumes, through the Storage API, so local directories and S3 alike), in one
`.tar.gz` with a manifest of the schema it was taken at.

    site_backup(path=...)   # read in one snapshot (REPEATABLE READ on PostgreSQL)
    site_restore(path=...)  # into a migrated, empty database; refuses a different schema

Sessions are not kept (a restore signs everyone out); content types and permissions are made by
`migrate` and referred to by natural keys. On S3 prefer the bucket's own versioning as well."""

import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from core.exceptions import ApplicationError

FORMAT = 1
STORAGE_NAMES = ("default", "private")
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupRefused(ApplicationError):
    code = "backup_refused"


@dataclass
class BackupSummary:
    path: str
    objects: int
    files: int
    bytes: int


def _schema() -> dict[str, str]:
    """The latest applied migration of each app: a backup restores only into the same schema."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _walk(storage, folder: str = ""):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def site_backup(*, path: str | Path) -> BackupSummary:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    database = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one snapshot for every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", natural_foreign=True, exclude=EXCLUDED, stdout=database, verbosity=0)
        schema = _schema()
    rows = json.loads(database.getvalue())
    files = size = 0
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add(archive, "database.json", database.getvalue().encode())
        for storage_name in STORAGE_NAMES:
            storage = storages[storage_name]
            try:
                names = list(_walk(storage))
            except FileNotFoundError:  # a local storage whose directory was never made
                names = []
            for name in names:
                with storage.open(name, "rb") as stored:
                    data = stored.read()
                _add(archive, f"files/{storage_name}/{name}", data)
                files += 1
                size += len(data)
        _add(archive, "manifest.json", json.dumps({
            "format": FORMAT, "taken_at": datetime.now(UTC).isoformat(), "schema": schema,
            "objects": len(rows), "files": files}).encode())
    partial.replace(path)  # a backup that is there is whole
    return BackupSummary(str(path), len(rows), files, size)


def site_restore(*, path: str | Path) -> BackupSummary:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupRefused(f"{path} is not a backup: {error}") from None
    with archive:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
            database = archive.extractfile("database.json").read()  # type: ignore[union-attr]
        except (KeyError, AttributeError, ValueError):
            raise BackupRefused("The backup has no manifest or no database.") from None
        if manifest.get("format") != FORMAT:
            raise BackupRefused(f"Backup format {manifest.get('format')} is not {FORMAT}.")
        if manifest["schema"] != _schema():
            raise BackupRefused("The backup was taken at another schema: check out that version, or migrate "
                                "a restored copy of it first.", details={"backup": manifest["schema"]})
        if get_user_model().objects.exists():
            raise BackupRefused("The database is not empty: restore into a freshly migrated database.")
        with tempfile.TemporaryDirectory() as scratch:
            fixture = Path(scratch) / "database.json"
            fixture.write_bytes(database)
            with transaction.atomic():
                # migrate made the role groups afresh; the backup's own (same names, its ids) replace them.
                Group.objects.all().delete()
                call_command("loaddata", str(fixture), verbosity=0)
        files = size = 0
        for member in archive.getmembers():
            parts = member.name.split("/", 2)
            if not member.isfile() or len(parts) != 3 or parts[0] != "files" or parts[1] not in STORAGE_NAMES:
                continue
            if ".." in Path(parts[2]).parts or parts[2].startswith("/"):
                raise BackupRefused(f"Unsafe file name in the backup: {member.name}")
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            storage = storages[parts[1]]
            if storage.exists(parts[2]):
                storage.delete(parts[2])
            storage.save(parts[2], ContentFile(data))
            files += 1
            size += len(data)
    return BackupSummary(str(path), manifest.get("objects", 0), files, size)
