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


def test_acceptance_sends_nothing(world):
    dossier = h.supplement_requested(world)
    dossier = supplement_send(world, dossier, at=vn(2026, 3, 4, 9, 0))
    before = Notification.objects.count()

    with h.committed():
        dossier_supplement_accept(by=world.specialist, dossier=dossier)

    assert Notification.objects.count() == before
