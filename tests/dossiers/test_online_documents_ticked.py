"""Online, every upload counts as handed in until the front desk saves its ticks: then the ticks decide."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.dossiers import services
from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.selectors import documents_ticked, mandatory_documents_missing
from tests.catalog.factories import RequiredDocumentFactory
from tests.dossiers.factories import World, online_start, pdf_bytes

pytestmark = pytest.mark.django_db


def _submitted(world: World, rd):
    draft = online_start(world)
    upload = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    services.dossier_document_add(
        by=world.applicant.user, dossier=draft, upload=upload, name="Tờ khai", required_document=rd
    )
    return services.online_draft_submit(by=world.applicant.user, dossier=draft)


def test_an_upload_the_front_desk_unticks_is_missing_and_not_on_the_receipt():
    world = World()
    rd = RequiredDocumentFactory(procedure=world.procedure, name="Tờ khai ABC", mandatory=True)
    dossier = _submitted(world, rd)
    assert (documents_ticked(dossier=dossier), mandatory_documents_missing(dossier=dossier)) == (False, [])

    dossier = services.dossier_documents_mark_received(by=world.front_desk, dossier=dossier, required_document_ids=[])

    assert (documents_ticked(dossier=dossier), mandatory_documents_missing(dossier=dossier)) == (True, ["Tờ khai ABC"])
    dossier = services.dossier_receive(by=world.front_desk, dossier=dossier)
    assert slip_data_for(dossier=dossier, kind="01")["documents"] == []


def test_an_upload_the_front_desk_ticks_stays_on_the_receipt():
    world = World()
    rd = RequiredDocumentFactory(procedure=world.procedure, name="Tờ khai ABC", mandatory=True)
    dossier = _submitted(world, rd)

    dossier = services.dossier_documents_mark_received(
        by=world.front_desk, dossier=dossier, required_document_ids=[rd.pk]
    )
    dossier = services.dossier_receive(by=world.front_desk, dossier=dossier)

    assert mandatory_documents_missing(dossier=dossier) == []
    assert slip_data_for(dossier=dossier, kind="01")["documents"] == [
        {"name": "Tờ khai ABC", "originals": 1, "copies": 0}
    ]
