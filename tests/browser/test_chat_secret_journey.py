"""A secret chat in two real browsers: Alice and Bob each set a passphrase (their browsers make
and wrap the keys), exchange messages that arrive live and decrypted, compare safety numbers and
find them equal; Bob makes a new key, Alice sees the warning and the changed number, and what she
sends next reaches Bob's new key. Then the database (every table, and the SQLite file itself) and
the media storage are read: no plaintext of any secret message is there. Screenshots: 96-... ."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.browser.test_chat_journeys import log_in

pytestmark = [pytest.mark.browser]

try:
    from playwright.sync_api import expect
except Exception:  # pragma: no cover - the conftest skips these tests then
    expect = None

SAFETY = re.compile(r"^(\d{5} ){11}\d{5}$")
SECRETS = ["The launch code is tangerine-42", "Received: tangerine noted", "After your new key: plum-7"]


def set_passphrase(page, passphrase):
    page.fill("#setup-passphrase", passphrase)
    page.fill("#setup-confirm", passphrase)
    page.get_by_role("button", name="Create my key").click()
    expect(page.locator("[data-secret-main]")).to_be_visible(timeout=30_000)


def unlock(page, passphrase):
    page.fill("#unlock-passphrase", passphrase)
    page.get_by_role("button", name="Unlock").click()
    page.wait_for_function("document.body.dataset.secretReady === 'true'", timeout=30_000)


def safety_number(page) -> str:
    details = page.locator("[data-safety]")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    number = page.locator("[data-safety-number]")
    expect(number).to_have_text(SAFETY, timeout=30_000)
    return number.inner_text()


def send(page, text):
    page.fill("#secret-body", text)
    page.keyboard.press("Enter")
    expect(page.locator("[data-secret-history] .message.own [data-secret-text]").last).to_have_text(text)


def everything_stored(tmp_path: Path) -> str:
    """Every value of every table, the database file's raw bytes (SQLite), and every stored file."""
    parts = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        for path in Path(database["NAME"]).parent.glob(Path(database["NAME"]).name + "*"):
            parts.append(path.read_bytes().decode("latin-1"))
    for root in (tmp_path / "media", tmp_path / "private", Path(settings.MEDIA_ROOT)):
        if root.exists():
            parts.extend(f.read_bytes().decode("latin-1") for f in root.rglob("*") if f.is_file())
    return "\n".join(parts)


def test_secret_chat_end_to_end(new_context, make_user, shot, tmp_path, check_accessibility):
    make_user(username="alice", name="Alice Liddell")
    make_user(username="bob", name="Bob Builder")
    a = new_context().new_page()
    b = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(a, "alice@example.com")
    log_in(b, "bob@example.com")

    # Both set their passphrases; Alice gets there from the chat list.
    a.goto("/chat/")
    a.get_by_role("link", name="Secret chats").click()
    set_passphrase(a, "alice's long passphrase")
    b.goto("/chat/secret/")
    set_passphrase(b, "bob's first passphrase")

    # Alice starts the secret chat; both open it with their passphrases.
    a.fill("#start-username", "bob")
    with a.expect_navigation():
        a.get_by_role("button", name="Start secret chat").click()
    unlock(a, "alice's long passphrase")
    b.goto("/chat/secret/")
    unlock(b, "bob's first passphrase")
    b.locator("[data-secret-list] a", has_text="Alice Liddell").click()
    unlock(b, "bob's first passphrase")

    # Messages arrive live, decrypted only in the other browser.
    send(a, SECRETS[0])
    expect(b.locator("[data-secret-history] .message:not(.own) [data-secret-text]").last).to_have_text(SECRETS[0])
    send(b, SECRETS[1])
    expect(a.locator("[data-secret-history] .message:not(.own) [data-secret-text]").last).to_have_text(SECRETS[1])

    # The same safety number on both screens.
    first_number = safety_number(a)
    assert safety_number(b) == first_number
    expect(a.locator("[data-key-warning]")).to_be_hidden()
    shot(a, "96-secret-chat-alice-safety-number")
    check_accessibility(a, "secret chat")

    # Bob makes a new key (a new passphrase): Alice is warned live, and the number changes.
    b.locator("[data-rotate] summary").click()
    b.fill("#rotate-passphrase", "bob's second passphrase")
    b.fill("#rotate-confirm", "bob's second passphrase")
    b.get_by_role("button", name="Make a new key").click()
    expect(b.locator("[data-secret-status]")).to_have_text("Your new key is published.", timeout=30_000)
    warning = a.locator("[data-key-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Bob Builder's security key changed")
    expect(a.locator("[data-key-change]").last).to_contain_text("Bob Builder made a new key")
    expect(a.locator("[data-safety-number]")).not_to_have_text(first_number, timeout=30_000)
    new_number = safety_number(a)
    assert SAFETY.match(new_number) and safety_number(b) == new_number
    shot(a, "97-secret-chat-alice-key-changed-warning")

    # What Alice sends now is sealed for Bob's new key, and he reads it live.
    send(a, SECRETS[2])
    expect(b.locator("[data-secret-history] .message:not(.own) [data-secret-text]").last).to_have_text(SECRETS[2])
    a.get_by_role("button", name="I compared the new safety number").click()
    expect(warning).to_be_hidden()

    # Bob, back later with only his new passphrase: what was sealed for his old key stays closed.
    b.reload()
    unlock(b, "bob's second passphrase")
    texts = b.locator("[data-secret-history] [data-secret-text]")
    expect(texts).to_have_count(3)
    expect(texts.nth(0)).to_contain_text("Sealed for a key this passphrase does not open")
    expect(texts.nth(2)).to_have_text(SECRETS[2])
    shot(b, "98-secret-chat-bob-phone-after-new-key")

    # The server holds ciphertext only.
    from chat.secret_models import SecretMessage

    sealed = list(SecretMessage.objects.filter(kind="sealed").values_list("ciphertext", flat=True))
    assert len(sealed) == 3
    stored = everything_stored(tmp_path)
    assert all(ciphertext in stored for ciphertext in sealed)  # the scan reads where they are
    for text in SECRETS:
        for needle in (text, text.split(": ")[-1], text.split(" ")[-1]):
            assert needle not in stored, f"{needle!r} is stored in plain text"
