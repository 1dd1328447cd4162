"""Documents supplied but not enough: the applicant is asked again, with what is still missing."""

import pytest

from chinhquyen.dossiers.services import (
    dossier_supplement_accept,
    dossier_supplement_reject,
)
from chinhquyen.notifications.models import Channel, Notification, Preference
from tests.dossiers.factories import supplement_send, vn
from tests.notifications import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = h.reachable_world()
    Preference.objects.create(user=world.applicant.user, language="en")
    return world


def test_not_enough_sends_the_supplement_request_again_with_the_missing_items(world):
    dossier = h.supplement_requested(world)
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 9, 0))

    with h.committed():
        dossier_supplement_reject(
            by=world.specialist,
            dossier=dossier,
            items=["Bản sao Căn cước công dân có chứng thực"],
            reason="Bản sao chưa chứng thực",
            at=vn(2026, 3, 4, 10, 0),
        )
    assert h.run_queued() == ["sent", "sent"]

    email = Notification.objects.get(channel=Channel.EMAIL)
    assert (email.kind, email.event.action) == ("supplement_requested", "supplement_reject")
    assert email.subject == f"Dossier {dossier.code}: more documents are needed"
    assert "Reason: Bản sao chưa chứng thực\n" in email.body
    assert "- Bản sao Căn cước công dân có chứng thực\n" in email.body
    assert "- Giấy khai sinh" not in email.body


def test_acceptance_tells_the_due_date_moved_by_the_wait(world):
    dossier = h.supplement_requested(world)  # received Monday 2 March 08:00, due Monday 9 March 08:00
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 9, 0))  # asked on the 3rd at 09:00: a day's wait
    before = Notification.objects.count()

    with h.committed():
        dossier_supplement_accept(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 10, 0))
    assert h.run_queued() == ["sent", "sent"]

    assert Notification.objects.count() == before + 2
    email = Notification.objects.get(channel=Channel.EMAIL, kind="supplement_accepted")
    sms = Notification.objects.get(channel=Channel.SMS, kind="supplement_accepted")
    assert email.subject == f"Dossier {dossier.code}: documents accepted, new due date"
    body = email.body.splitlines()
    assert f"{world.agency.name} has accepted the documents you supplied and goes on processing your dossier." in body
    assert "The time your dossier waited for them is not counted: the result is now due on 10/03/2026 08:00." in body
    assert "Due date for the result: 10/03/2026 08:00" in body
    lookup = f"https://dichvucong.ninhbinh.gov.vn/tra-cuu-ho-so/?ma={dossier.code}&k={dossier.lookup_secret}"
    assert sms.body == f"Documents accepted; result now due on 10/03/2026. Details: {lookup}"


def test_acceptance_before_reception_tells_nothing(world):
    from chinhquyen.dossiers.services import dossier_request_supplement, dossier_supplement_provided
    from tests.dossiers.factories import online_offer

    online_offer(world)
    with h.committed():
        dossier = h.submitted(world)
    dossier = dossier_request_supplement(by=world.front_desk, dossier=dossier, items=["Giấy khai sinh"], reason="Thiếu")
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier)
    before = Notification.objects.count()

    with h.committed():
        dossier_supplement_accept(by=world.front_desk, dossier=dossier)

    assert Notification.objects.count() == before  # the receipt will give the due date
