"""SMTP with a last moment to take a mail back.

An SMTP server takes responsibility for a mail when it reads the end-of-data mark (the line with
a single "."); until then, a dropped connection makes it discard the transaction. So the one
moment a sender must record is just before that mark: a worker killed earlier may safely send
the mail again, one killed later may not (the server may already have it, RFC 1047). This
backend (Django's SMTP backend otherwise) calls the caller's `hand_over()` check at that moment;
if the check says no (another delivery took the mail over) the connection is dropped without
the mark, and the server discards what it was sent."""

import re
import smtplib
from contextvars import ContextVar

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend


class HandoverRefused(Exception):
    """The check before the end-of-data mark said no: the server was not given the mail."""


class HandoverPoint:
    """What the backend calls at the end-of-data mark. `reached` says whether the mail may be at
    the server (the check passed), so whether a later failure may be retried."""

    def __init__(self, check):
        self._check = check
        self.reached = False

    def reach(self) -> None:
        if self.reached:
            return
        if not self._check():
            raise HandoverRefused("another delivery has taken this mail over")
        self.reached = True


_current_point: ContextVar[HandoverPoint | None] = ContextVar("smtp_handover_point", default=None)


def send_with_handover(point: HandoverPoint, send, connection) -> None:
    """Run `send()` (which sends through `connection`) with `point` checked at the end-of-data
    mark. A backend that does not speak SMTP (files, memory, console) hands the mail over in one
    step: the point is reached before it runs, and taken back if it fails."""
    if not getattr(connection, "hands_over_at_end_of_data", False):
        point.reach()
        try:
            send()
        except Exception:
            point.reached = False
            raise
        return
    token = _current_point.set(point)
    try:
        send()
    finally:
        _current_point.reset(token)


_LEADING_DOT = re.compile(rb"(?m)^\.")


class _HandoverData:
    def data(self, msg):
        point = _current_point.get()
        if point is None:
            return super().data(msg)  # type: ignore[misc]
        self.putcmd("data")  # type: ignore[attr-defined]
        code, reply = self.getreply()  # type: ignore[attr-defined]
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        body = _LEADING_DOT.sub(b"..", msg if isinstance(msg, bytes) else msg.encode("ascii"))
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.send(body)  # type: ignore[attr-defined]
        try:
            point.reach()
        except BaseException:
            self.close()  # type: ignore[attr-defined]  # no mark: the server discards the transaction
            raise
        self.send(b".\r\n")  # type: ignore[attr-defined]
        return self.getreply()  # type: ignore[attr-defined]  # sendmail() checks for 250


class _SMTP(_HandoverData, smtplib.SMTP):
    pass


class _SMTPSSL(_HandoverData, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend, with the handover point at the end-of-data mark."""

    hands_over_at_end_of_data = True

    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP
