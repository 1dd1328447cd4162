"""A merger that moves a dossier's receiving agency writes, beside the officials' internal row, one row its
applicant sees (and the notifications app tells them of): the new agency and the old, nothing of the
administrator's reason or of the officers; a counter draft, which no applicant sees, and a hand-over of steps
alone get none."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.dossiers.services import agency_work_hand_over, dossier_create_at_counter, dossier_receive
from chinhquyen.dossiers.services.handover import RECEIVING_AGENCY_CHANGE
from tests.dossiers.factories import AgencyFactory, ProcedureFactory, UserFactory, World, officer, template_add, vn
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

REASON = "Sáp nhập theo Nghị quyết 1674/NQ-UBTVQH15"
AT = vn(2026, 3, 3, 10, 0)


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # the rows' words are a record, written in the site's language


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def merged(world: World):
    successor = AgencyFactory(name="UBND phường Hoa Lư")
    world.procedure.agencies.add(successor)
    admin = UserFactory(is_staff=True, is_superuser=True)
    agency_work_hand_over(agency=world.agency, successor=successor, by=admin, reason=REASON, at=AT)
    return successor, admin


def test_a_dossier_whose_receiving_agency_changes_gets_one_row_its_applicant_sees():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    draft = world.draft()  # at the counter, never received: its applicant does not see it
    old = world.agency

    successor, admin = merged(world)

    row = DossierEvent.objects.get(action=RECEIVING_AGENCY_CHANGE)
    assert row.dossier_id == dossier.pk
    assert (row.actor, row.at, row.internal) == (admin, AT, False)
    assert (row.from_status, row.to_status) == (DossierStatus.RECEIVED, DossierStatus.RECEIVED)
    assert row.reason == f"{successor.name} receives it from now on, in place of {old.name}."
    assert row.data == {"from_agency": old.pk, "to_agency": successor.pk}
    assert [e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)][-1] == RECEIVING_AGENCY_CHANGE
    # The draft moved too, with its internal row only.
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == successor.pk
    assert list(DossierEvent.objects.filter(dossier=draft, at=AT).values_list("action", flat=True)) == [
        "agency_handover"
    ]
    entries = AuditEntry.objects.filter(action=f"dossier.{RECEIVING_AGENCY_CHANGE}")
    assert [(e.target, e.actor_id) for e in entries] == [(f"dossier:{dossier.pk}", admin.pk)]
    assert Dossier.objects.get(pk=dossier.pk).version == dossier.version + 1  # once for both rows


def test_handing_over_again_writes_no_second_row():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    successor, admin = merged(world)

    agency_work_hand_over(agency=world.agency, successor=successor, by=admin, reason=REASON)

    assert DossierEvent.objects.filter(dossier=dossier, action=RECEIVING_AGENCY_CHANGE).count() == 1


def test_a_hand_over_of_steps_alone_writes_no_row_for_the_applicant():
    world = World()
    receiving = AgencyFactory()
    desk = officer(receiving, "front_desk")
    procedure = ProcedureFactory(agencies=[receiving])
    template_add(procedure, [("Tiếp nhận", "front_desk", None, "4"), ("Thẩm định", "specialist", world.agency, "36")])
    draft = dossier_create_at_counter(by=desk, procedure=procedure, applicant=world.applicant)
    dossier = dossier_receive(by=desk, dossier=draft, at=vn(2026, 3, 2, 8, 0))

    merged(world)

    assert list(DossierEvent.objects.filter(dossier=dossier, at=AT).values_list("action", "internal")) == [
        ("agency_handover", True)
    ]


def test_the_applicant_reads_the_change_on_their_timeline_in_words():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    old = world.agency.name
    successor, _admin = merged(world)
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)

    html = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert (
        '<time datetime="2026-03-03T10:00:00+07:00">03/03/2026 10:00</time> — The agency receiving your dossier '
        f"changed: {successor.name} receives it from now on, in place of {old}.</li>"
    ) in html
    assert REASON not in html  # the administrator's reason stays on the officials' row


def test_officials_read_the_row_in_words_too():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    successor, _admin = merged(world)
    client = Client()
    officer_login(client, officer(successor, "front_desk"))

    html = text(client.get(reverse("office:dossier", args=[dossier.pk]), headers={"accept-language": "en"}))

    assert "Receiving agency changed (agencies merged)" in html
    assert RECEIVING_AGENCY_CHANGE not in html


def test_the_row_is_read_in_the_readers_language_though_recorded_in_the_sites(settings):
    settings.LANGUAGE_CODE = "vi"  # recorded in Vietnamese
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    old = world.agency
    old.name_en = "Dong Son Commune Committee"
    old.save(update_fields=["name_en"])
    successor, _admin = merged(world)
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)

    html = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert f"changed: {successor.name} receives it from now on, in place of {old.name_en}.</li>" in html
    assert "tiếp nhận hồ sơ từ nay" not in html
