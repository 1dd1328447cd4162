"""Access to "My dossiers": another applicant's supplement, and the officers' scans of one's own dossier."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import dossier_document_add, dossier_receive, dossier_request_supplement
from tests.portal.apply_world import OnlineWorld, pdf_upload
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db


def test_another_applicant_can_neither_attach_nor_send_a_supplement():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Giấy chứng sinh"], reason="Thiếu")
    dossier.refresh_from_db()
    events, documents = DossierEvent.objects.count(), DossierDocument.objects.count()
    other = OnlineWorld().client()

    attached = other.post(reverse("portal:supplement_upload", args=[dossier.pk]), {"upload": pdf_upload()})
    sent = other.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version})

    assert (attached.status_code, sent.status_code) == (404, 404)
    assert (DossierEvent.objects.count(), DossierDocument.objects.count()) == (events, documents)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUPPLEMENT_REQUESTED


def test_the_applicant_does_not_get_the_officers_scan_of_their_own_dossier():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    scan = dossier_document_add(
        by=world.front_desk, dossier=dossier, upload=pdf_upload("ban-quet.pdf"), name="Bản quét", kind="scan"
    )
    own = dossier.documents.filter(kind="component").first()
    client = world.client()

    assert client.get(reverse("portal:my_file", args=[dossier.pk, scan.pk])).status_code == 404
    assert client.get(reverse("portal:my_file", args=[dossier.pk, own.pk])).status_code == 200
