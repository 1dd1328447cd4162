"""The sub-states the status does not tell: digitisation (số hóa) of components and results."""

import pytest

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Digitisation, Dossier
from tests.office.helpers import pdf_upload

from .helpers import applicant_make

pytestmark = pytest.mark.django_db


def _received(office) -> Dossier:
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=applicant_make()
    )
    return services.dossier_receive(by=office.front_desk, dossier=dossier)


def test_a_new_dossier_is_not_digitised(office):
    assert _received(office).digitisation == Digitisation.NONE


def test_a_scan_attached_at_the_counter_digitises_the_dossier(office):
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=applicant_make()
    )

    services.dossier_document_add(
        by=office.front_desk, dossier=dossier, upload=pdf_upload(), name="Tờ khai", kind="scan"
    )

    dossier.refresh_from_db()
    assert dossier.digitisation == Digitisation.DIGITISED
    event = dossier.events.get(action="document_add")
    assert event.data["digitisation"] == "digitised"


def test_a_component_file_alone_does_not_digitise_the_dossier(office):
    dossier = _received(office)

    services.dossier_document_add(by=office.front_desk, dossier=dossier, upload=pdf_upload(), name="Bản chụp")

    dossier.refresh_from_db()
    assert dossier.digitisation == Digitisation.NONE


def test_a_result_issued_as_a_signed_pdf_digitises_the_dossier(office):
    dossier = services.dossier_forward(by=office.specialist, dossier=_received(office))

    services.dossier_issue_result(by=office.leader, dossier=dossier, upload=pdf_upload("ket-qua.pdf"))

    dossier.refresh_from_db()
    assert dossier.digitisation == Digitisation.DIGITISED
    event = dossier.events.get(action="issue_result")
    assert event.data["digitisation"] == "digitised"  # part of the issue's own change, event and audit entry
    entry = AuditEntry.objects.get(action="dossier.issue_result", target=f"dossier:{dossier.pk}")
    assert entry.data["digitisation"] == "digitised"


def test_a_result_issued_without_a_document_does_not_digitise(office):
    dossier = services.dossier_forward(by=office.specialist, dossier=_received(office))

    services.dossier_issue_result(by=office.leader, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.digitisation == Digitisation.NONE
