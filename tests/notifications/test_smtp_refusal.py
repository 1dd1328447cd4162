"""A mail server refusing a message: the application log names no address (personal data, docs/security.md),
the delivery log keeps the full text for the administrator, and a permanent (5xx) refusal is not retried."""

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from chinhquyen.notifications.models import Channel, Notification, State
from chinhquyen.notifications.services import BACKOFF_SECONDS
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db

ADDRESS = "nguyen.van.an@example.vn"


class FailingSmtp(BaseEmailBackend):
    """What Django's SMTP backend raises when the server says no: ``error(address)`` gives the exception."""

    error = staticmethod(lambda address: smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")}))

    def send_messages(self, messages):
        raise FailingSmtp.error(messages[0].to[0])


@pytest.fixture
def smtp(settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.FailingSmtp"
    return lambda error: monkeypatch.setattr(FailingSmtp, "error", staticmethod(error))


def delivered(caplog) -> tuple[Notification, list[str]]:
    world = h.reachable_world(email=ADDRESS)
    with h.committed():
        h.received(world)
    with caplog.at_level(logging.WARNING, logger="chinhquyen.notifications"):
        h.run_queued()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("chinhquyen.notifications")]
    return Notification.objects.get(channel=Channel.EMAIL), messages


def test_a_refused_address_is_kept_out_of_the_log_and_not_retried(smtp, caplog):
    email, messages = delivered(caplog)

    assert (email.state, email.attempts, email.next_attempt_at) == (State.FAILED, 1, None)
    assert email.last_error == f"SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'5.1.1 User unknown')}}"
    assert messages == [f"Notification {email.pk} failed after 1 attempts: SMTPRecipientsRefused 550"]
    assert h.queued_delays() == []


def test_a_temporary_refusal_is_retried_and_logged_without_the_address(smtp, caplog):
    smtp(lambda address: smtplib.SMTPRecipientsRefused({address: (450, b"4.2.1 Mailbox busy, try later")}))

    email, messages = delivered(caplog)

    assert (email.state, email.attempts) == (State.PENDING, 1)
    assert ADDRESS in email.last_error
    assert messages == [
        f"Notification {email.pk} attempt 1 failed (SMTPRecipientsRefused 450); retrying in {BACKOFF_SECONDS[0]}s."
    ]
    assert h.queued_delays() == [BACKOFF_SECONDS[0]]


@pytest.mark.parametrize(
    ("error", "state", "logged"),
    [
        pytest.param(
            lambda a: smtplib.SMTPDataError(554, f"5.7.1 Message to <{a}> rejected".encode()),
            State.FAILED,
            "SMTPDataError 554",
            id="data-554",
        ),
        pytest.param(
            lambda a: smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
            State.FAILED,
            "SMTPAuthenticationError 535",
            id="auth-535",
        ),
        pytest.param(
            lambda a: smtplib.SMTPSenderRefused(451, b"4.3.0 Try again", "noreply@chinhquyen.vn"),
            State.PENDING,
            "SMTPSenderRefused 451",
            id="sender-451",
        ),
        pytest.param(
            lambda a: smtplib.SMTPServerDisconnected(f"Connection lost while sending to {a}"),
            State.PENDING,
            "SMTPServerDisconnected",
            id="disconnected",
        ),
    ],
)
def test_other_smtp_errors_retry_only_when_temporary(smtp, caplog, error, state, logged):
    smtp(error)

    email, messages = delivered(caplog)

    assert (email.state, email.attempts) == (state, 1)
    assert len(messages) == 1
    assert f"({logged});" in messages[0] if state == State.PENDING else messages[0].endswith(f": {logged}")
    assert not [m for m in messages if ADDRESS in m]
