"""The front desk's scans are the office's: the applicant never lists them, and their timeline (portal and API) has
no row naming one; the applicant's own uploads stay on it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers.models import DossierEvent
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.dossiers.services import dossier_document_add, dossier_request_supplement
from tests.api.helpers import session_client
from tests.dossiers.factories import World, pdf_bytes, vn

pytestmark = pytest.mark.django_db


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_a_scan_is_on_the_offices_timeline_only_and_an_applicants_upload_on_both():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier_document_add(
        by=world.front_desk, dossier=dossier, upload=pdf("scan.pdf"), name="CCCD bản quét", kind="scan"
    )
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Giấy khai sinh"], reason="Thiếu giấy khai sinh"
    )
    dossier_document_add(by=world.applicant.user, dossier=dossier, upload=pdf("ks.pdf"), name="Giấy khai sinh")

    scan, upload = DossierEvent.objects.filter(action="document_add").order_by("pk")
    office = dossier_timeline(dossier=dossier)
    applicant = dossier_timeline(dossier=dossier, for_applicant=True)
    api = session_client(world.applicant.user).get(f"/api/v1/dossiers/{dossier.pk}/timeline").json()["items"]

    assert (scan.internal, upload.internal) == (True, False)
    assert (scan in office, upload in office) == (True, True)
    assert (scan in applicant, upload in applicant) == (False, True)
    assert [i["data"].get("name") for i in api if i["action"] == "document_add"] == ["Giấy khai sinh"]
