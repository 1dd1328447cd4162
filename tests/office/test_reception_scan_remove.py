"""The reception page (in English) offers the removal of a scan from a draft, asks to confirm it, removes it once."""

import pytest
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent

from .helpers import draft, pdf_upload

pytestmark = pytest.mark.django_db

CONFIRM = (
    "The scan is taken off the draft and deleted: the receipt (01) no longer lists it. The list of documents "
    "handed in stays as you saved it. Do this only for a file attached by mistake; once the dossier is received, "
    "its scans are part of it."
)


def scanned(office, dossier: Dossier, name: str = "Giấy tờ khác nhầm", required=None) -> DossierDocument:
    return services.dossier_document_add(
        by=office.front_desk,
        dossier=dossier,
        upload=pdf_upload(),
        name=name,
        kind="scan",
        required_document=required,
    )


def url_of(dossier: Dossier, document: DossierDocument) -> str:
    return reverse("office:reception_scan_remove", args=[dossier.pk, document.pk])


def version_of(dossier: Dossier) -> int:
    return Dossier.objects.get(pk=dossier.pk).version


def test_the_reception_page_of_a_draft_offers_the_removal_of_its_scans_and_a_received_ones_does_not(as_user, office):
    dossier = draft(office)
    wrong = scanned(office, dossier)
    client = as_user(office.front_desk)

    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()
    done = services.dossier_receive(by=office.front_desk, dossier=Dossier.objects.get(pk=dossier.pk))
    received_page = client.get(reverse("office:reception_dossier", args=[done.pk])).content.decode()

    assert url_of(dossier, wrong) in page
    assert "Remove Giấy tờ khác nhầm" in page
    assert url_of(dossier, wrong) not in received_page


def test_confirming_removes_the_scan_and_goes_back_to_the_reception(as_user, office):
    dossier = draft(office)
    wrong = scanned(office, dossier)
    client = as_user(office.front_desk)

    confirm = client.get(url_of(dossier, wrong))
    response = client.post(url_of(dossier, wrong), {"expected_version": version_of(dossier)}, follow=True)

    assert confirm.status_code == 200
    assert CONFIRM in confirm.content.decode()
    assert response.redirect_chain == [(reverse("office:reception_dossier", args=[dossier.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Scan Giấy tờ khác nhầm removed."]
    assert not DossierDocument.objects.filter(pk=wrong.pk).exists()
    assert url_of(dossier, wrong) not in response.content.decode()
    assert AuditEntry.objects.filter(action="dossier.document_remove", target=f"dossier:{dossier.pk}").count() == 1


def test_the_removal_confirmed_twice_removes_once_and_says_so_once(as_user, office):
    dossier = draft(office)
    wrong = scanned(office, dossier)
    client = as_user(office.front_desk)
    seen = version_of(dossier)
    client.post(url_of(dossier, wrong), {"expected_version": seen})

    again = client.post(url_of(dossier, wrong), {"expected_version": seen}, follow=True)

    assert again.redirect_chain == [(reverse("office:reception_dossier", args=[dossier.pk]), 302)]
    assert [str(m) for m in again.context["messages"]] == ["Scan Giấy tờ khác nhầm removed."]
    assert DossierEvent.objects.filter(dossier=dossier, action="document_remove").count() == 1


def test_the_ticks_saved_on_the_page_stay_ticked_after_their_scan_is_removed(as_user, office):
    dossier = draft(office)
    declaration, certificate = office.documents
    wrong = scanned(office, dossier, "Tờ khai nhầm trang", declaration)
    client = as_user(office.front_desk)
    client.post(
        reverse("office:reception_documents", args=[dossier.pk]),
        {"expected_version": version_of(dossier), "required_documents": [str(declaration.pk)]},
    )

    client.post(url_of(dossier, wrong), {"expected_version": version_of(dossier)})
    page = client.get(reverse("office:reception_dossier", args=[dossier.pk]))

    assert page.context["documents_form"].initial["required_documents"] == [str(declaration.pk)]
    assert page.context["removable_scans"] == []


def test_a_removal_refused_because_the_draft_was_received_meanwhile_says_why(as_user, office):
    dossier = draft(office)
    wrong = scanned(office, dossier)
    client = as_user(office.front_desk)
    seen = version_of(dossier)
    services.dossier_receive(by=office.front_desk, dossier=Dossier.objects.get(pk=dossier.pk))

    response = client.post(url_of(dossier, wrong), {"expected_version": seen})

    assert response.status_code == 409
    assert "Someone else changed this dossier while this page was open." in response.content.decode()
    assert "This action is not open to you on this dossier now." in response.content.decode()
    assert CONFIRM not in response.content.decode()
    assert DossierDocument.objects.filter(pk=wrong.pk).exists()


def test_a_tick_row_has_no_removal_page(as_user, office):
    dossier = draft(office)
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[office.documents[0].pk]
    )
    tick = DossierDocument.objects.get(dossier=dossier)
    client = as_user(office.front_desk)

    page = client.get(url_of(dossier, tick))
    response = client.post(url_of(dossier, tick), {"expected_version": version_of(dossier)})

    assert "This action is not open to you on this dossier now." in page.content.decode()
    assert response.status_code == 409
    assert "This file is not a scan of this dossier." in response.content.decode()
    assert DossierDocument.objects.filter(pk=tick.pk).exists()


def test_a_specialist_and_another_agencys_front_desk_cannot_remove(as_user, office, other_office):
    dossier = draft(office)
    wrong = scanned(office, dossier)
    version = version_of(dossier)

    by_specialist = as_user(office.specialist).post(url_of(dossier, wrong), {"expected_version": version})
    by_other_desk = as_user(other_office.front_desk).post(url_of(dossier, wrong), {"expected_version": version})

    assert (by_specialist.status_code, by_other_desk.status_code) == (403, 404)
    assert DossierDocument.objects.filter(pk=wrong.pk).exists()
    assert version_of(dossier) == version
