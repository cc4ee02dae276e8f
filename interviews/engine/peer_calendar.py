"""Calendar invites (.ics, RFC 5545 with iTIP methods) of a peer mock interview. One UID per
booking for its whole life: a reschedule sends the same UID with a higher SEQUENCE, and a
cancellation sends METHOD:CANCEL with STATUS:CANCELLED, so calendar programs update or remove
the event they already have instead of adding a second one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//PrepForge//Peer mock interviews//EN"


@dataclass(frozen=True)
class InviteAttendee:
    name: str
    email: str


@dataclass(frozen=True)
class Invite:
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    url: str
    organizer: InviteAttendee
    attendees: tuple[InviteAttendee, ...]
    stamp: datetime
    cancelled: bool = False


def _address(person: InviteAttendee, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("ACCEPTED")
    return address


def invite_ics(invite: Invite) -> bytes:
    """The .ics bytes of `invite` (times in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if invite.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", invite.stamp)
    event.add("dtstart", invite.starts_at)
    event.add("dtend", invite.ends_at)
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    event.add("url", invite.url)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("organizer", _address(invite.organizer))
    for attendee in invite.attendees:
        event.add("attendee", _address(attendee, role="REQ-PARTICIPANT"), encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
