"""The title typed when issuing the result names the uploaded result document, as it names a written one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DocumentKind
from tests.dossiers.factories import OwnedCitizenFactory

from .helpers import pdf_upload

pytestmark = pytest.mark.django_db


def _at_leader(office):
    """A dossier at the leader's step, lodged by an applicant with an account (who sees its result)."""
    dossier = services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=OwnedCitizenFactory()
    )
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[d.pk for d in office.documents]
    )
    dossier = services.dossier_receive(by=office.front_desk, dossier=dossier)
    return services.dossier_forward(by=office.specialist, dossier=dossier)


def _issue(client, dossier, **data):
    url = reverse("office:dossier_action", args=[dossier.pk, "issue_result"])
    return client.post(url, {"expected_version": dossier.version, "upload": pdf_upload("scan-0042.pdf"), **data})


def _result(dossier):
    return dossier.documents.get(kind=DocumentKind.RESULT)


def test_the_typed_title_names_the_uploaded_result_for_the_office_and_the_applicant(as_user, office):
    # Given the leader uploads the signed result and types its title
    dossier = _at_leader(office)
    client = as_user(office.leader)

    issued = _issue(client, dossier, title="  Trích lục   khai sinh ")

    # Then the uploaded document is named after the title, not the scan's file name
    assert issued.status_code == 302
    result = _result(dossier)
    assert (result.name, result.signed) == ("Trích lục khai sinh.pdf", True)
    office_page = client.get(reverse("office:dossier", args=[dossier.pk])).content.decode()
    office_link = reverse("office:document", args=[dossier.pk, result.pk])
    assert f'<a href="{office_link}">Trích lục khai sinh.pdf</a>' in office_page
    assert "scan-0042" not in office_page
    # ... and the applicant downloads it under that name once it is handed over
    services.dossier_return(by=office.front_desk, dossier=dossier, method="counter")
    applicant = Client(headers={"accept-language": "en"})
    applicant.force_login(dossier.applicant.user)
    portal_page = re.sub(r"\s+", " ", applicant.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode())
    portal_link = reverse("portal:my_file", args=[dossier.pk, result.pk])
    assert f'<a href="{portal_link}" download>Download Trích lục khai sinh.pdf</a>' in portal_page


def test_an_upload_without_a_title_keeps_its_file_name(as_user, office):
    dossier = _at_leader(office)

    issued = _issue(as_user(office.leader), dossier, title="")

    assert issued.status_code == 302
    assert _result(dossier).name == "scan-0042.pdf"


def test_the_title_field_offers_the_procedures_result_and_says_it_names_an_upload_too(as_user, office):
    dossier = _at_leader(office)
    from chinhquyen.dossiers.documents import result_title_for

    page = as_user(office.leader).get(reverse("office:dossier_action", args=[dossier.pk, "issue_result"]))

    body = page.content.decode()
    assert f'name="title" value="{result_title_for(dossier)}"' in body
    assert 'id="id_title_helptext"' in body
