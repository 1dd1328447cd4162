"""The front desk's queue of applications not yet received (no due date) comes first-come first-served: an
online application by when it was submitted, not by when its applicant started the draft, and a counter draft by
when it was opened; the same order on SQLite and PostgreSQL."""

import pytest

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.selectors import dossier_inbox
from chinhquyen.dossiers.services import dossier_submit_online
from tests.dossiers.factories import OwnedCitizenFactory, online_world, vn

pytestmark = pytest.mark.django_db


def _submitted(world, *, started, submitted) -> Dossier:
    dossier = dossier_submit_online(
        by=(applicant := OwnedCitizenFactory()).user,
        applicant=applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    Dossier.objects.filter(pk=dossier.pk).update(created_at=started, submitted_at=submitted)
    return dossier


def test_applications_waiting_for_reception_come_in_the_order_they_reached_the_front_desk():
    world = online_world()
    # Started first, but kept as a draft for a week and submitted last.
    late = _submitted(world, started=vn(2026, 3, 2, 8, 0), submitted=vn(2026, 3, 9, 10, 0))
    early = _submitted(world, started=vn(2026, 3, 3, 8, 0), submitted=vn(2026, 3, 3, 9, 0))
    counter = world.draft()
    Dossier.objects.filter(pk=counter.pk).update(created_at=vn(2026, 3, 5, 8, 0))

    rows = dossier_inbox(officer=world.front_desk, now=vn(2026, 3, 9, 11, 0))

    assert [row.dossier.pk for row in rows] == [early.pk, counter.pk, late.pk]
