"""The receiving agency of a draft can be changed when the procedure has several, keeping what was typed."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import online_draft_start
from tests.dossiers.factories import AgencyFactory
from tests.portal.apply_world import FORM, OnlineWorld

pytestmark = pytest.mark.django_db

CHANGE_BUTTON = '<button type="submit" name="change_agency" value="1"'


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def two_agencies() -> tuple[OnlineWorld, object, Dossier]:
    world = OnlineWorld()
    other = AgencyFactory(name="UBND phường Tây Hoa Lư")
    world.procedure.agencies.add(other)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    return world, other, draft


def test_the_form_offers_the_change_after_its_main_buttons():
    world, _other, draft = two_agencies()

    html = text(world.client().get(reverse("portal:apply_form", args=[draft.pk])))

    assert f"Your application goes to {world.agency.name}." in html
    # Enter in a field presses the first submit button: it must stay "Save and continue".
    assert html.index('name="next"') < html.index(CHANGE_BUTTON)
    assert f'<a href="{reverse("portal:apply_agency", args=[draft.pk])}">Where to apply</a>' in html


def test_with_one_agency_there_is_nothing_to_change():
    world = OnlineWorld()
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )

    html = text(world.client().get(reverse("portal:apply_form", args=[draft.pk])))

    assert CHANGE_BUTTON not in html
    assert reverse("portal:apply_agency", args=[draft.pk]) not in html


def test_what_was_typed_is_saved_before_going_to_the_agency_step_and_kept_after_the_change():
    world, other, draft = two_agencies()
    client = world.client()
    typed = {"child_name": "Nguyễn Minh Khang", "mother_name": "Trần Thị Bích"}  # other required fields empty

    leave = client.post(reverse("portal:apply_form", args=[draft.pk]), {**typed, "change_agency": "1"})
    page = client.get(leave["Location"])
    draft.refresh_from_db()
    change = client.post(leave["Location"], {"agency": other.pk, "version": draft.version})
    form = client.get(change["Location"])

    saved = Dossier.objects.get(pk=draft.pk)
    assert leave["Location"] == reverse("portal:apply_agency", args=[draft.pk])
    assert re.search(rf'value="{world.agency.pk}" id="id_agency_\d" required checked>', text(page))
    assert change.status_code == 302
    assert change["Location"] == reverse("portal:apply_form", args=[draft.pk])
    assert saved.receiving_agency_id == other.pk
    assert saved.form_data == typed
    assert f"Your application will be sent to {other.name}. What you filled in and attached is kept." in text(form)
    assert 'name="child_name" value="Nguyễn Minh Khang"' in text(form)


def test_a_wrong_value_typed_is_shown_instead_of_leaving_the_page():
    world, _other, draft = two_agencies()

    response = world.client().post(
        reverse("portal:apply_form", args=[draft.pk]), {**FORM, "applicant_phone": "12345", "change_agency": "1"}
    )

    assert response.status_code == 400
    assert "Phone number: Enter the value in the format shown." in text(response)


def test_an_agency_not_offered_is_refused():
    world, _other, draft = two_agencies()

    response = world.client().post(
        reverse("portal:apply_agency", args=[draft.pk]), {"agency": AgencyFactory().pk, "version": draft.version}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["agency"]
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == world.agency.pk


def test_a_change_on_a_draft_saved_meanwhile_is_refused():
    world, other, draft = two_agencies()
    client = world.client()
    client.post(reverse("portal:apply_form", args=[draft.pk]), {"child_name": "An", "save": "1"})

    response = client.post(reverse("portal:apply_agency", args=[draft.pk]), {"agency": other.pk, "version": "0"})

    assert response.status_code == 400
    assert "This dossier changed while this page was open. The page now shows it as it is" in text(response)
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == world.agency.pk


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_applicant_cannot_reach_or_change_the_draft(method):
    from tests.dossiers.factories import OwnedCitizenFactory

    world, other, draft = two_agencies()
    client = world.client()
    client.force_login(OwnedCitizenFactory().user)

    response = getattr(client, method)(
        reverse("portal:apply_agency", args=[draft.pk]), {"agency": other.pk, "version": draft.version}
    )

    assert response.status_code == 404
    assert Dossier.objects.get(pk=draft.pk).receiving_agency_id == world.agency.pk
