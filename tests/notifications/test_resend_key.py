"""An SMS resent by an administrator is a new message at the gateway; the retries of one send stay one message."""

import pytest

from chinhquyen.notifications.models import Channel, Notification, State
from chinhquyen.notifications.services import delivery, notification_resend
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db


class DeduplicatingGateway:
    """A gateway that deduplicates on the key, as the backend's contract allows (sms/base.py); it fails the
    attempts listed in ``failing`` (counted from 1) with a temporary error."""

    def __init__(self, failing: tuple[int, ...] = ()) -> None:
        self.calls: list[tuple[str, str]] = []
        self.seen: dict[str, str] = {}
        self.failing = failing

    def send(self, *, phone: str, message: str, ref: str) -> str:
        self.calls.append((phone, ref))
        if len(self.calls) in self.failing:
            raise delivery.SmsError("Gateway busy (HTTP 503).")
        if ref not in self.seen:  # a key seen before: the first message's id, nothing sent
            self.seen[ref] = f"gw-{len(self.seen) + 1}"
        return self.seen[ref]


@pytest.fixture
def gateway(monkeypatch):
    gateway = DeduplicatingGateway(failing=(1,))
    monkeypatch.setattr(delivery, "sms_backend", lambda: gateway)
    return gateway


def sms_sent(world) -> Notification:
    with h.committed():
        h.received(world)
    h.run_queued()
    h.make_due()
    h.run_queued()  # the retry of the SMS, after the first attempt failed
    return Notification.objects.get(channel=Channel.SMS)


def resent(sms: Notification, world) -> Notification:
    with h.committed():
        notification_resend(notification=sms, by=world.front_desk)
    h.run_queued()
    sms.refresh_from_db()
    return sms


def test_the_retries_of_one_send_keep_the_first_key(gateway):
    sms = sms_sent(h.reachable_world())

    assert gateway.calls == [(h.PHONE, f"notification-{sms.pk}"), (h.PHONE, f"notification-{sms.pk}")]
    assert (sms.state, sms.attempts, sms.resends, sms.provider_ref) == (State.SENT, 2, 0, "gw-1")


def test_a_resend_to_a_corrected_number_is_a_new_message_at_the_gateway(gateway):
    world = h.reachable_world()
    sms = sms_sent(world)
    world.applicant.user.phone = "0987654321"  # the applicant never got it: wrong number, corrected
    world.applicant.user.save(update_fields=["phone"])

    sms = resent(sms, world)

    assert gateway.calls[2:] == [("0987654321", f"notification-{sms.pk}-1")]
    assert (sms.state, sms.attempts, sms.resends, sms.provider_ref) == (State.SENT, 1, 1, "gw-2")


def test_each_resend_has_its_own_key(gateway):
    world = h.reachable_world()
    sms = resent(resent(sms_sent(world), world), world)

    assert [ref for _phone, ref in gateway.calls] == [
        f"notification-{sms.pk}",
        f"notification-{sms.pk}",
        f"notification-{sms.pk}-1",
        f"notification-{sms.pk}-2",
    ]
    assert (sms.resends, sms.provider_ref, len(gateway.seen)) == (2, "gw-3", 3)
