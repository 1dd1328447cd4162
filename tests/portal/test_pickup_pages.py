"""The applicant has the post office collect the paper documents: offered, pre-filled, ordered, followed."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_receive,
    dossier_request_supplement,
    dossier_supplement_reject,
    online_draft_save,
    online_draft_start,
)
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.dossiers.factories import supplement_send
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

# Xã Gia Viễn, Ninh Bình (2025 divisions): the demo province is Ninh Bình (37).
COMMUNE = "14464"
OFFER = "Have the post office collect my paper documents"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def world_with_address() -> OnlineWorld:
    world = OnlineWorld()
    world.applicant.address, world.applicant.division_code = "Số 5, thôn Đông", COMMUNE
    world.applicant.save()
    return world


def place(dossier, **overrides) -> dict:
    return {
        "pickup_name": "Nguyễn Văn An",
        "pickup_phone": "0912345678",
        "pickup_address": "Số 5, thôn Đông",
        "pickup_division_code": COMMUNE,
        "version": dossier.version,
        **overrides,
    }


def test_a_submitted_online_application_offers_the_pickup_with_the_address_from_the_profile():
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()

    detail = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))
    form = client.get(reverse("portal:pickup_request", args=[dossier.pk]))

    assert f'href="{reverse("portal:pickup_request", args=[dossier.pk])}"' in detail
    assert OFFER in detail
    assert form.status_code == 200
    assert form.context["form"].initial == {
        "pickup_name": "Nguyễn Văn An",
        "pickup_phone": "0912345678",
        "pickup_address": "Số 5, thôn Đông",
        "pickup_division_code": COMMUNE,
        "version": dossier.version,
    }
    assert '<option value="14464" selected>Xã Gia Viễn</option>' in form.content.decode()


def test_a_stale_order_page_is_shown_again_at_the_current_version_and_sending_again_orders():
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()
    url = reverse("portal:pickup_request", args=[dossier.pk])

    stale = client.post(url, place(dossier, version=dossier.version - 1, pickup_name="Trần Văn Bình"))
    again = client.post(url, {name: stale.context["form"][name].value() for name in stale.context["form"].fields})

    assert stale.status_code == 409
    assert stale.context["form"].non_field_errors() == [
        "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
    ]
    assert stale.context["form"]["pickup_name"].value() == "Trần Văn Bình"
    assert str(stale.context["form"]["version"].value()) == str(dossier.version)
    assert again.status_code == 302
    assert PostalShipment.objects.filter(dossier=dossier).count() == 1


def test_ordering_creates_the_order_and_the_page_follows_it():
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()

    response = client.post(reverse("portal:pickup_request", args=[dossier.pk]), place(dossier))
    detail = text(client.get(response["Location"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossier", args=[dossier.pk])
    assert (
        "The post office will collect your paper documents and bring them to "
        f"{world.agency.name}: item EB000000014VN." in detail
    )
    assert "Item EB000000014VN: Order created." in detail
    assert "Collected at: Số 5, thôn Đông, Xã Gia Viễn, Ninh Bình" in detail
    assert "You asked the post office to collect your paper documents" in detail
    assert OFFER not in detail
    assert SimulatedPostalOrder.objects.get().payload["sender"]["phone"] == "0912345678"
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.PICKUP_REQUESTED


def ordered_from_the_page():
    """An applicant's submitted application whose pickup was ordered on the portal, and their browser."""
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()
    client.post(reverse("portal:pickup_request", args=[dossier.pk]), place(dossier))
    dossier.refresh_from_db()
    return world, dossier, client


def test_the_applicant_calls_the_collection_off_from_the_page_and_may_order_again():
    world, dossier, client = ordered_from_the_page()
    url = reverse("portal:pickup_cancel", args=[dossier.pk])

    offered = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))
    confirm = text(client.get(url))
    response = client.post(url, {"version": dossier.version})
    detail = text(client.get(response["Location"]))
    after = client.get(url)

    assert f'href="{url}"' in offered
    assert "The postman will not come to Số 5, thôn Đông for item EB000000014VN." in confirm
    assert response.status_code == 302
    assert (
        f"The collection is called off: bring the paper documents to {world.agency.name}, "
        "or ask the post office again." in detail
    )
    assert "Item EB000000014VN: Cancelled." in detail
    assert "You called off the collection of your paper documents by post" in detail
    assert OFFER in detail
    assert f'href="{url}"' not in detail
    assert after.status_code == 302  # nothing left to call off
    assert SimulatedPostalOrder.objects.get().state == "cancelled"
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.NONE


def test_another_applicant_cannot_see_or_call_off_the_collection():
    _world, dossier, _client = ordered_from_the_page()
    other = world_with_address().client()
    url = reverse("portal:pickup_cancel", args=[dossier.pk])

    statuses = [other.get(url).status_code, other.post(url, {"version": dossier.version}).status_code]

    assert statuses == [404, 404]
    assert SimulatedPostalOrder.objects.get().state == "created"
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.PICKUP_REQUESTED


def test_a_collection_already_made_is_not_called_off_and_the_page_says_why():
    _world, dossier, client = ordered_from_the_page()
    sim_order_advance(SimulatedPostalOrder.objects.get(), to="")  # the postman has them

    response = client.post(reverse("portal:pickup_cancel", args=[dossier.pk]), {"version": dossier.version})
    detail = text(client.get(response["Location"]))

    assert "The postman has collected the documents already: the pickup can no longer be called off." in detail
    dossier.refresh_from_db()
    assert dossier.substatus == Substatus.PICKUP_REQUESTED


def test_a_missing_commune_and_a_refused_phone_are_shown_at_their_fields():
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()
    url = reverse("portal:pickup_request", args=[dossier.pk])

    missing = client.post(url, place(dossier, pickup_division_code=""))
    refused = client.post(url, place(dossier, pickup_phone="0912340000"))

    assert missing.status_code == 400
    assert missing.context["form"].errors == {"pickup_division_code": ["This field is required."]}
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "pickup_phone": ["The postal partner does not collect from this phone number; give another one."]
    }
    assert PostalShipment.objects.count() == 0


def test_the_review_page_offers_the_pickup_and_leads_to_it_after_submitting():
    world = world_with_address()
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="k")
    online_draft_save(by=user, dossier=draft, form_data={**FORM, "applicant_id": world.applicant.personal_id})
    for rd in (world.declaration, world.certificate):
        dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name=rd.name, required_document=rd)
    client = world.client()
    url = reverse("portal:apply_review", args=[draft.pk])

    review = text(client.get(url))
    response = client.post(url, {"key": "k", "pickup": "1"})

    assert '<input type="checkbox" name="pickup" value="1" id="id_pickup"' in review
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:pickup_request", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == DossierStatus.SUBMITTED


def test_no_offer_once_received_or_without_a_postal_partner(settings):
    world = world_with_address()
    received = dossier_receive(by=world.front_desk, dossier=submitted(world))
    client = world.client()

    detail = text(client.get(reverse("portal:my_dossier", args=[received.pk])))
    page = client.get(reverse("portal:pickup_request", args=[received.pk]))
    settings.POSTAL_BACKEND = ""
    other = world_with_address()
    waiting = submitted(other)
    without = text(other.client().get(reverse("portal:my_dossier", args=[waiting.pk])))

    assert OFFER not in detail
    assert page.status_code == 302
    assert page["Location"] == reverse("portal:my_dossier", args=[received.pk])
    assert "The post office cannot collect the documents of this dossier now." in text(client.get(page["Location"]))
    assert OFFER not in without


def test_after_an_insufficient_supply_the_applicant_sees_what_is_still_missing():
    world = world_with_address()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")
    dossier = supplement_send(world, dossier)
    dossier_supplement_reject(
        by=world.specialist, dossier=dossier, items=["Bản sao CCCD có chứng thực"], reason="Bản sao chưa chứng thực"
    )

    detail = text(world.client().get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert "The agency needs more documents" in detail
    assert "<li>Bản sao CCCD có chứng thực</li>" in detail
    assert "<p>Bản sao chưa chứng thực</p>" in detail
    assert "The documents supplied are not enough: the agency asked again: Bản sao chưa chứng thực" in detail
