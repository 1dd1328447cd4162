"""Apply online, have the post office bring the paper documents, then receive the electronic result online."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Channel, DossierStatus, ReturnMethod, Substatus
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
)
from chinhquyen.postal.models import PostalShipment, SimulatedPostalOrder
from chinhquyen.postal.services import postal_tracking_refresh
from chinhquyen.postal.simulator.orders import sim_order_advance
from tests.portal.apply_world import pdf_upload
from tests.portal.test_my_dossiers import submitted, text
from tests.portal.test_pickup_pages import place, world_with_address

pytestmark = pytest.mark.django_db


def test_an_online_application_whose_papers_came_by_post_gets_its_result_online():
    # Given an online application whose paper documents the post office brought to the agency
    world = world_with_address()
    client = world.client()
    dossier = submitted(world)
    client.post(reverse("portal:pickup_request", args=[dossier.pk]), place(dossier))
    shipment = PostalShipment.objects.get(dossier=dossier)
    order = SimulatedPostalOrder.objects.get(order_number=shipment.order_number)
    sim_order_advance(sim_order_advance(order))  # collected, then delivered to the agency
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.channel) == (
        DossierStatus.SUBMITTED,
        Substatus.PICKUP_ARRIVED,
        Channel.POSTAL,
    )
    # ... received, processed, and its result issued as an electronic document
    dossier = dossier_receive(by=world.front_desk, dossier=dossier)
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_forward(by=world.specialist, dossier=dossier)
    dossier_approve(by=world.leader, dossier=dossier)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, upload=pdf_upload("ket-qua.pdf"))
    result = dossier.documents.get(kind="result")
    detail = reverse("portal:my_dossier", args=[dossier.pk])

    # When the applicant receives it on the portal and downloads it
    ready = text(client.get(detail))
    received = client.post(reverse("portal:result_receive", args=[dossier.pk]))
    after = text(client.get(detail))
    download = client.get(reverse("portal:my_file", args=[dossier.pk, result.pk]))

    # Then it is handed over online, and the channel still says how the papers came
    assert "Your result is ready" in ready
    assert f'action="{reverse("portal:result_receive", args=[dossier.pk])}"' in ready
    assert "Processed: the result is ready for you." in ready
    assert received.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method, dossier.channel) == (
        DossierStatus.RETURNED,
        ReturnMethod.ONLINE,
        Channel.POSTAL,
    )
    assert dossier.events.get(action="return").actor == world.applicant.user
    assert "Your paper documents reached the agency by post" in after
    assert "You received the result online" in after
    assert "Completed: the result has been handed over to you." in after
    assert "Receive the result" not in after
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_counter_dossier_offers_no_online_hand_over_to_its_applicant():
    world = world_with_address()
    dossier = world.received()
    dossier_forward(by=world.specialist, dossier=dossier)
    dossier_approve(by=world.leader, dossier=dossier)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, upload=pdf_upload("ket-qua.pdf"))
    client = world.client()

    page = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))
    refused = client.post(reverse("portal:result_receive", args=[dossier.pk]))
    after = text(client.get(refused["Location"]))

    assert "Processed: the result is ready for you." in page
    assert "Receive the result" not in page
    assert "This result is handed over at the counter or by post, not online." in after
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
