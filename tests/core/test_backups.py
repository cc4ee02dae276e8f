"""Backups: `site_backup` takes the database and every stored file; `site_restore` brings them
back into a freshly migrated, empty database in another process (SQLite, whatever the source
was), and the people, their resume file and their avatar are there, byte for byte."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from accounts.services import profile_avatar_set
from core.backups import BackupRefused, site_backup, site_restore
from resumes.services import resume_upload

ROOT = Path(__file__).resolve().parents[2]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 40, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def run(args: list[str], env: dict) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_backup_restores_into_an_empty_database(transactional_db, make_user, tmp_path, settings):
    person = make_user(email="restored@example.com", username="restored")
    resume_bytes = b"Restored Person\nrestored@example.com\nExperience\nEngineer at Backupco, 2019 - 2024\n"
    version = resume_upload(user=person, upload=SimpleUploadedFile("cv.txt", resume_bytes), title="Mine")
    profile = profile_avatar_set(user=person, upload=SimpleUploadedFile("me.png", png()))
    archive = tmp_path / "site.tar.gz"
    summary = site_backup(path=archive)
    assert summary.files == 2 and summary.objects > 5

    target = tmp_path / "target"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target / 'db.sqlite3'}", "PREPFORGE_VAR_DIR": str(target),
           "MEDIA_ROOT": str(target / "media"), "PRIVATE_MEDIA_ROOT": str(target / "private"),
           "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    target.mkdir()
    run(["migrate", "--noinput", "-v", "0"], env)
    assert "Restored" in run(["site_restore", str(archive)], env)
    found = json.loads(run(["shell", "-c", (
        "import json; from accounts.models import User; from resumes.models import ResumeVersion\n"
        "u = User.objects.get(email='restored@example.com'); v = ResumeVersion.objects.get(resume__user=u)\n"
        "print(json.dumps({'title': v.resume.title, 'resume': v.file.open('rb').read().decode(),"
        " 'avatar': len(u.profile.avatar.open('rb').read()), 'password_ok': u.has_usable_password()}))")], env
    ).strip().splitlines()[-1])
    assert found["title"] == "Mine" and found["resume"] == resume_bytes.decode()
    assert found["avatar"] == len(profile.avatar.open("rb").read()) and found["password_ok"]
    assert version.file.name  # the same stored name came back (the model points at it)

    # A second restore into the now non-empty database is refused, saying why.
    again = subprocess.run([sys.executable, str(ROOT / "manage.py"), "site_restore", str(archive)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(BackupRefused):
        site_restore(path=bogus)
    call_command("check")  # nothing was touched
