"""The reception page refused for a stale version shows the dossier as it is now with the officer's entries kept;
an authorised person's details are never dropped silently, and their phone and e-mail are checked."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DocumentKind, Dossier

from .helpers import draft, pdf_upload

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this dossier while this page was open. The page now shows it as it is: "
    "check it, then confirm again if the action still applies."
)
KEPT = "What you entered is kept below: check the dossier as it is now, then confirm again."
FILE_LOST = "The file you chose could not be kept: choose it again before confirming."
NAME_REQUIRED = "Give the authorised person&#x27;s full name: the other details cannot be recorded without it."
PHONE_INVALID = "Enter a Vietnamese phone number such as 0912345678 or 02438251234."

AUTHORISED = {
    "name": "Phạm Văn Đức",
    "personal_id": "037090001111",
    "address": "12 Lê Lợi",
    "phone": "0912345678",
    "email": "duc@example.vn",
    "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
}


def _changed_meanwhile(office, dossier) -> int:
    """A colleague ticks a document in another tab: the version the open page carries is now stale."""
    seen = dossier.version
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=Dossier.objects.get(pk=dossier.pk), required_document_ids=[]
    )
    return seen


def _current_version(dossier) -> int:
    return Dossier.objects.get(pk=dossier.pk).version


def test_a_stale_authorised_person_keeps_what_was_typed_open_and_confirming_again_saves_it(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_authorised", args=[dossier.pk])
    seen = _changed_meanwhile(office, dossier)

    refused = client.post(url, {"expected_version": seen, **AUTHORISED})
    body = refused.content.decode()
    form = refused.context["authorised_form"]
    again = client.post(url, {name: form[name].value() for name in form.fields})

    assert refused.status_code == 409
    assert STALE in body
    assert KEPT in body
    assert FILE_LOST not in body
    assert "<details open>" in body  # the section the officer was filling in stays unfolded
    assert 'value="Phạm Văn Đức"' in body
    assert 'value="037090001111"' in body
    assert 'value="Giấy ủy quyền số 12/2026 ngày 20/11/2026"' in body
    assert form["expected_version"].value() == seen + 1
    assert again.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).applicant_snapshot["authorised"] == AUTHORISED


def test_stale_ticks_are_shown_as_posted_and_confirming_again_saves_them(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_documents", args=[dossier.pk])
    seen = _changed_meanwhile(office, dossier)
    ticked = [str(d.pk) for d in office.documents]

    refused = client.post(url, {"expected_version": seen, "required_documents": ticked})
    body = refused.content.decode()
    form = refused.context["documents_form"]
    again = client.post(url, {"expected_version": form["expected_version"].value(), "required_documents": ticked})

    assert refused.status_code == 409
    assert (STALE in body, KEPT in body) == (True, True)
    assert form["required_documents"].value() == ticked
    assert body.count('name="required_documents"') == 2
    assert body.count(" checked>") == 2
    assert form["expected_version"].value() == seen + 1
    assert again.status_code == 302
    assert set(
        Dossier.objects.get(pk=dossier.pk).documents.filter(received=True).values_list("required_document", flat=True)
    ) == {d.pk for d in office.documents}


def test_a_stale_scan_keeps_its_name_and_document_and_asks_for_the_file_again(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    seen = _changed_meanwhile(office, dossier)

    refused = client.post(
        reverse("office:reception_upload", args=[dossier.pk]),
        {
            "expected_version": seen,
            "upload": pdf_upload(),
            "name": "Giấy chứng sinh bản quét",
            "required_document": office.documents[1].pk,
        },
    )
    body = refused.content.decode()
    form = refused.context["upload_form"]

    assert refused.status_code == 409
    assert (STALE in body, KEPT in body, FILE_LOST in body) == (True, True, True)
    assert form["name"].value() == "Giấy chứng sinh bản quét"
    assert form["required_document"].value() == office.documents[1].pk
    assert f'<option value="{office.documents[1].pk}" selected>' in body
    assert form["expected_version"].value() == seen + 1
    assert not Dossier.objects.get(pk=dossier.pk).documents.filter(kind=DocumentKind.SCAN).exists()


# --- Details without a name; removal ----------------------------------------------------------------


def test_details_without_a_name_are_refused_at_the_name_and_kept(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_authorised", args=[dossier.pk]),
        {"expected_version": dossier.version, **AUTHORISED, "name": ""},
    )
    body = response.content.decode()

    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_authorised_name_errors"><li>{NAME_REQUIRED}</li></ul>' in body
    assert "<details open>" in body
    assert 'value="Giấy ủy quyền số 12/2026 ngày 20/11/2026"' in body
    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot
    assert _current_version(dossier) == dossier.version  # nothing saved, not even an event


def test_the_remove_button_removes_the_authorised_person(as_user, office):
    dossier = services.dossier_authorised_person_set(by=office.front_desk, dossier=draft(office), details=AUTHORISED)
    client = as_user(office.front_desk)
    url = reverse("office:reception_authorised", args=[dossier.pk])

    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()
    response = client.post(url, {"expected_version": dossier.version})

    assert "Remove the authorised person" in page
    assert response.status_code == 302
    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot


def test_a_phone_that_is_not_a_number_is_refused_at_the_phone(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_authorised", args=[dossier.pk]),
        {"expected_version": dossier.version, **AUTHORISED, "phone": "gọi sau"},
    )

    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_authorised_phone_errors"><li>{PHONE_INVALID}</li></ul>' in (
        response.content.decode()
    )
    assert "authorised" not in Dossier.objects.get(pk=dossier.pk).applicant_snapshot
