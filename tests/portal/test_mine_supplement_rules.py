"""My dossiers: a supplement is sent with a file attached, and files are attached only when the agency asked."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierEvent, DossierStatus
from chinhquyen.dossiers.services import dossier_claim, dossier_receive, dossier_request_supplement
from tests.portal.apply_world import OnlineWorld, pdf_upload
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

EMPTY = "Attach the documents the agency asked for before sending the supplement."
NOT_ASKED = "Files can be added to this dossier only while the agency waits for documents it asked you for."


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def asked(world: OnlineWorld):
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    return dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao CCCD"], reason="Thiếu")


def test_sending_the_supplement_with_nothing_attached_is_refused_on_the_page():
    world = OnlineWorld()
    dossier = asked(world)
    client = world.client()

    sent = client.post(
        reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": "Đã bổ sung"}
    )
    page = client.get(sent["Location"])

    dossier.refresh_from_db()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("portal:my_dossier", args=[dossier.pk])
    assert f'<li class="message message-error">{EMPTY}</li>' in text(page)
    assert "The agency needs more documents" in text(page)  # the box to attach the file is still there
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert not DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").exists()


def test_attaching_to_a_submitted_dossier_nobody_asked_documents_for_is_refused():
    world = OnlineWorld()
    dossier = submitted(world)
    client = world.client()
    names, version = sorted(dossier.documents.values_list("name", flat=True)), dossier.version

    response = client.post(
        reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": "", "upload": pdf_upload()}
    )
    page = client.get(response["Location"])

    dossier.refresh_from_db()
    assert response.status_code == 302
    assert f'<li class="message message-error">{NOT_ASKED}</li>' in text(page)
    assert sorted(dossier.documents.values_list("name", flat=True)) == names
    assert (dossier.status, dossier.version) == (DossierStatus.SUBMITTED, version)
