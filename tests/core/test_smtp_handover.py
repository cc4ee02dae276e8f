"""The SMTP backend's handover point against a real SMTP conversation on loopback: the check
runs once, just before the end-of-data mark; when it says no, the server is never given the
mail (the connection drops mid-DATA and the server discards it)."""

import pytest
from django.core.mail import EmailMessage

from core.smtp_handover import EmailBackend, HandoverPoint, HandoverRefused, send_with_handover
from tests.integration.test_worker_kills_mail_and_resumes import StallingSMTPServer


@pytest.fixture
def smtp():
    server = StallingSMTPServer({})
    yield server
    server.close()


def send(smtp, check) -> HandoverPoint:
    backend = EmailBackend(host="127.0.0.1", port=smtp.port, use_tls=False, timeout=10, fail_silently=False)
    message = EmailMessage("Hello", ".a line that starts with a dot\nbye\n", "from@example.com", ["to@example.com"],
                           connection=backend)
    point = HandoverPoint(check)
    send_with_handover(point, message.send, backend)
    return point


def test_the_mail_goes_out_after_the_check_passes(smtp):
    calls = []
    point = send(smtp, lambda: calls.append("checked") or True)
    assert point.reached and calls == ["checked"]
    [mail] = smtp.mails["to@example.com"]
    assert b"Subject: Hello" in mail and b"\r\n..a line that starts with a dot" in mail  # dot-stuffed


def test_a_refused_check_leaves_the_server_without_the_mail(smtp):
    with pytest.raises(HandoverRefused):
        send(smtp, lambda: False)
    assert smtp.mails == {}


def test_backends_without_smtp_reach_the_point_before_sending(settings):
    from django.core import mail
    from django.core.mail import get_connection

    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    message = EmailMessage("Hi", "body", "from@example.com", ["to@example.com"], connection=connection)
    with pytest.raises(HandoverRefused):
        send_with_handover(HandoverPoint(lambda: False), message.send, connection)
    assert mail.outbox == []
    send_with_handover(HandoverPoint(lambda: True), message.send, connection)
    assert len(mail.outbox) == 1
