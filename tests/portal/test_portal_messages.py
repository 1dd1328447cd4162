"""What the portal tells applicants: no internal action codes, the rating once the result is handed over,
the language switch from a page shown after a POST, the catalog pager within its limit."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chinhquyen.catalog.models import Procedure
from chinhquyen.dossiers.models import DossierStatus
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_receive,
    dossier_request_supplement,
    online_draft_start,
)
from chinhquyen.feedback.criteria import CRITERIA, Overall
from chinhquyen.feedback.models import Rating
from chinhquyen.postal.models import OrderState
from chinhquyen.postal.services import postal_tracking_refresh
from tests.catalog.factories import ProcedureFactory
from tests.portal.apply_world import OnlineWorld, pdf_upload
from tests.portal.test_mine_result_by_post import advance, sent_by_post
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

PASSED_BY = "This dossier is no longer waiting for this: the page now shows it as it is."


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_sending_a_supplement_twice_says_so_without_an_action_code():
    world = OnlineWorld()
    client = world.client()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["x"], reason="y")
    client.post(
        reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": "", "upload": pdf_upload()}
    )
    client.post(reverse("portal:supplement_send", args=[dossier.pk]), {})

    response = client.post(reverse("portal:supplement_send", args=[dossier.pk]), {})

    # The first sending answered the request: the second, all the browser shows, says what the first did.
    assert messages_of(response)[-1] == "Thank you: the agency has been told and your dossier is being processed again."


def test_a_supplement_upload_to_a_dossier_not_waiting_for_one_is_refused():
    world = OnlineWorld()
    client = world.client()
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )

    response = client.post(
        reverse("portal:supplement_upload", args=[draft.pk]), {"required_document": "", "upload": pdf_upload()}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:apply_documents", args=[draft.pk])
    assert messages_of(response) == [
        "Files can be added to this dossier only while the agency waits for documents it asked you for."
    ]
    assert draft.documents.count() == 0


def test_a_result_the_post_brought_back_cannot_be_rated_yet():
    world, dossier, shipment = sent_by_post()
    advance()
    advance(OrderState.RETURNED_TO_SENDER)
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    scores = {c.key: str(c.options[0][0]) for c in CRITERIA}

    detail = client.get(reverse("portal:my_dossier", args=[dossier.pk]))
    response = client.post(reverse("portal:dossier_rate", args=[dossier.pk]), {**scores, "overall": Overall.values[0]})

    assert dossier.status == DossierStatus.RETURNED
    assert "Rate this service" not in detail.content.decode()
    assert response.status_code == 409
    assert Rating.objects.filter(dossier=dossier).count() == 0


def test_the_language_form_on_a_refused_upload_returns_to_the_dossier_page():
    world = OnlineWorld()
    client = world.client()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["x"], reason="y")

    response = client.post(reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": ""})

    assert response.status_code == 400
    assert f'<input type="hidden" name="next" value="/ho-so-cua-toi/{dossier.pk}/">' in response.content.decode()


def test_the_catalog_pager_stops_at_its_last_page_and_says_so():
    field = ProcedureFactory().field
    rows = []
    for i in range(2100):
        procedure = ProcedureFactory.build(field=field)
        procedure.code = f"9.{100000 + i}"
        rows.append(procedure)
    Procedure.objects.bulk_create(rows)

    html = re.sub(r"\s+", " ", Client(headers={"accept-language": "en"}).get("/thu-tuc/?page=100").content.decode())

    assert max(int(n) for n in re.findall(r'page=(\d+)"', html)) == 100
    assert 'rel="next"' not in html
    assert "Only the first 100 pages of results can be shown." in html
