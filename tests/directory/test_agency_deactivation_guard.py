"""An agency is not made inactive in the admin while open work is still there: its dossiers and steps would be
stuck. The directory asks the apps above it (dossiers) through its own signal; it never imports them."""

import pytest
from django.utils import translation

from chinhquyen.directory.models import Agency
from chinhquyen.directory.signals import agency_deactivating, agency_deactivation_refusals
from chinhquyen.dossiers.services import agency_work_hand_over, dossier_submit_online
from tests.dossiers.factories import AgencyFactory, UserFactory, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def _form(agency: Agency, **changes) -> dict:
    data = {
        "code": agency.code,
        "name": agency.name,
        "name_en": agency.name_en,
        "kind": agency.kind,
        "parent": "",
        "division_code": agency.division_code,
        "address": agency.address,
        "address_division_code": agency.address_division_code,
        "phone": agency.phone,
        "email": agency.email,
    }
    if agency.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _deactivate(client, agency: Agency):
    return client.post(f"/admin/directory/agency/{agency.pk}/change/", _form(agency, is_active=None))


def _with_open_work() -> World:
    world = World()
    world.received()  # the specialist's step and the leader's, at the agency
    dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    return world


def _refusal(world: World) -> str:
    steps = world.agency.received_dossiers.get(code__gt="").steps.count()
    return (
        f"This agency still has open work: dossiers it receives: 2; steps in progress or to come there: {steps} "
        "(dossiers: 1). Hand them over to the successor agency first, with the action “Hand over open work to "
        "another agency…” in the list of agencies."
    )


def test_an_agency_with_open_work_is_not_made_inactive(english):
    world = _with_open_work()

    response = _deactivate(english, world.agency)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_active"] == [_refusal(world)]
    assert Agency.objects.get(pk=world.agency.pk).is_active is True


def test_once_handed_over_the_agency_is_made_inactive(english):
    world = _with_open_work()
    successor = AgencyFactory()
    world.procedure.agencies.add(successor)
    agency_work_hand_over(
        agency=world.agency, successor=successor, by=UserFactory(is_superuser=True), reason="Sáp nhập"
    )

    response = _deactivate(english, world.agency)

    assert response.status_code == 302
    assert Agency.objects.get(pk=world.agency.pk).is_active is False


def test_an_agency_without_open_work_is_made_inactive_and_other_edits_are_not_checked(english):
    world = _with_open_work()
    idle = AgencyFactory()

    assert _deactivate(english, idle).status_code == 302
    renamed = english.post(
        f"/admin/directory/agency/{world.agency.pk}/change/", _form(world.agency, name="UBND xã mới")
    )

    assert renamed.status_code == 302
    assert Agency.objects.get(pk=idle.pk).is_active is False
    assert Agency.objects.get(pk=world.agency.pk).name == "UBND xã mới"


def test_the_refusal_is_in_the_users_language(admin_client):
    world = _with_open_work()
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"

    response = _deactivate(admin_client, world.agency)

    [message] = response.context["adminform"].form.errors["is_active"]
    with translation.override("vi"):
        assert message == str(agency_deactivation_refusals(agency=world.agency)[0])


def test_every_app_listening_may_refuse():
    agency = AgencyFactory()

    def refuse(sender, agency, **kwargs):
        return f"Busy: {agency.code}"

    agency_deactivating.connect(refuse, dispatch_uid="test_refuse")
    try:
        refusals = agency_deactivation_refusals(agency=agency)
    finally:
        agency_deactivating.disconnect(dispatch_uid="test_refuse")

    assert refusals == [f"Busy: {agency.code}"]
