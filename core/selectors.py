"""Reads of core's own records: a user's security events and the devices they signed in from."""

import re
from dataclasses import dataclass
from datetime import datetime

from .models import AuditEvent

SECURITY_ACTIONS = ("auth.login", "auth.login_failed", "auth.logout", "auth.password_changed", "auth.password_set",
                    "auth.password_reset", "mfa.added", "mfa.removed", "mfa.reset", "mfa.failed",
                    "account.email_added", "account.email_removed", "account.email_changed", "role.changed")

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str) -> str:
    """"Chrome on Linux" from a user agent; what an app or script says of itself otherwise."""
    if not user_agent:
        return "Unknown device"
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser or system:
        return f"{browser or 'A browser'} on {system}" if system else browser
    return re.split(r"[\s(;]", user_agent, maxsplit=1)[0][:60] or "Unknown device"


DESCRIPTIONS = {
    "auth.login": "Signed in", "auth.login_failed": "Failed sign-in attempt", "auth.logout": "Signed out",
    "auth.password_changed": "Password changed", "auth.password_set": "Password set",
    "auth.password_reset": "Password reset by e-mail", "mfa.added": "Two-factor method added",
    "mfa.removed": "Two-factor method removed", "mfa.reset": "Recovery codes regenerated",
    "mfa.failed": "Wrong two-factor code", "account.email_added": "E-mail address added",
    "account.email_removed": "E-mail address removed", "account.email_changed": "Primary e-mail changed",
    "role.changed": "Your roles changed",
}


@dataclass
class SecurityEvent:
    action: str
    description: str
    device: str
    ip: str | None
    created_at: datetime


@dataclass
class Device:
    name: str
    ip: str | None
    last_seen: datetime
    sign_ins: int


def security_events_for_user(*, user, limit: int = 50) -> list[SecurityEvent]:
    events = AuditEvent.objects.filter(subject=user, action__in=SECURITY_ACTIONS).only(
        "action", "ip", "user_agent", "changes", "created_at")[:limit]
    return [SecurityEvent(event.action, _describe(event), device_name(event.user_agent), event.ip, event.created_at)
            for event in events]


def _describe(event: AuditEvent) -> str:
    text = DESCRIPTIONS.get(event.action, event.action)
    if event.action == "role.changed" and "roles" in event.changes:
        before, after = event.changes["roles"]
        text += f": {', '.join(before) or 'none'} → {', '.join(after) or 'none'}"
    elif event.action.startswith("mfa.") and "authenticator" in event.changes:
        text += f" ({event.changes['authenticator'][1]})"
    return text


def devices_for_user(*, user, limit: int = 200) -> list[Device]:
    """The devices of the user's recent sign-ins, newest first, one per device and address."""
    seen: dict[tuple[str, str | None], Device] = {}
    for event in AuditEvent.objects.filter(subject=user, action="auth.login").only("ip", "user_agent", "created_at")[:limit]:
        key = (device_name(event.user_agent), event.ip)
        if key in seen:
            seen[key].sign_ins += 1
        else:
            seen[key] = Device(key[0], event.ip, event.created_at, 1)
    return list(seen.values())
