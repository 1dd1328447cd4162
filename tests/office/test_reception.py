"""Reception at the counter: find or register the applicant, open the dossier, check it, decide."""

import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from chinhquyen.directory.models import Applicant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.office.views.reception import APPLICANT_REF_SALT
from tests.catalog.factories import ProcedureFactory
from tests.factories import CitizenFactory

from .helpers import applicant_ref, draft, office_make, pdf_upload, reception_params

pytestmark = pytest.mark.django_db


def test_reception_page_shows_the_lookup_form(as_user, office):
    client = as_user(office.front_desk)

    response = client.get(reverse("office:reception"))

    assert response.status_code == 200
    assert 'name="identifier"' in response.content.decode()


def test_lookup_of_a_known_applicant_leads_to_the_procedures_of_the_agency(as_user, office):
    applicant = CitizenFactory(personal_id="037090001234")
    foreign = ProcedureFactory(name="Thủ tục của nơi khác")
    client = as_user(office.front_desk)

    response = client.post(reverse("office:applicant_lookup"), {"identifier": "037090001234"}, follow=True)

    body = response.content.decode()
    assert reception_params(response.redirect_chain[-1][0], office.front_desk) == {"applicant": applicant.pk}
    assert applicant.name in body
    assert office.procedure.name in body
    assert foreign.name not in body


def test_lookup_of_an_unknown_number_offers_to_register_with_it_prefilled(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(reverse("office:applicant_lookup"), {"identifier": "037090009999"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "No applicant has the number 037090009999" in body
    assert 'value="037090009999"' in body


def test_registering_a_citizen_with_a_bad_id_shows_the_error_next_to_the_field(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:applicant_create"),
        {"kind": "citizen", "citizen-name": "Lê Văn Cường", "citizen-personal_id": "99"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_citizen-personal_id_errors"' in body
    assert 'aria-invalid="true"' in body
    assert Applicant.objects.count() == 0


def test_registering_a_citizen_leads_to_the_procedures(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:applicant_create"),
        {"kind": "citizen", "citizen-name": "Lê Văn Cường", "citizen-personal_id": "037090001234"},
    )

    applicant = Applicant.objects.get()
    assert response.status_code == 302
    assert reception_params(response["Location"], office.front_desk) == {"applicant": applicant.pk}
    assert applicant.name == "Lê Văn Cường"


def test_opening_a_dossier_creates_a_draft_and_shows_its_reception_page(as_user, office):
    applicant = CitizenFactory()
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {"applicant": applicant_ref(office.front_desk, applicant), "procedure": office.procedure.pk},
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("office:reception_dossier", args=[dossier.pk])
    assert dossier.status == DossierStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "Tờ khai đăng ký khai sinh" in page
    assert "Giấy chứng sinh" in page


def test_a_procedure_of_another_agency_cannot_be_chosen(as_user, office):
    applicant = CitizenFactory()
    foreign = ProcedureFactory()
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_start"),
        {"applicant": applicant_ref(office.front_desk, applicant), "procedure": foreign.pk},
        follow=True,
    )

    # The service refuses it; the officer is back at the procedures with the applicant and the reason.
    [(url, status)] = response.redirect_chain
    assert (reception_params(url, office.front_desk), status) == (
        {"applicant": applicant.pk, "agency": str(office.agency.pk)},
        302,
    )
    assert "This agency does not handle this procedure; choose one of those listed." in response.content.decode()
    assert Dossier.objects.count() == 0


def test_ticking_documents_saves_them(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_documents", args=[dossier.pk]),
        {"expected_version": dossier.version, "required_documents": [str(office.documents[0].pk)]},
    )

    assert response.status_code == 302
    assert list(dossier.documents.filter(received=True).values_list("required_document_id", flat=True)) == [
        office.documents[0].pk
    ]


def test_optional_documents_are_marked_in_the_officers_language(as_user, office):
    office.documents[1].mandatory = False
    office.documents[1].save()
    dossier = draft(office)
    client = as_user(office.front_desk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"

    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()

    assert "Tờ khai đăng ký khai sinh</label>" in page
    assert "Giấy chứng sinh (không bắt buộc)</label>" in page


def test_a_stale_form_is_refused_and_changes_nothing(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_documents", args=[dossier.pk]),
        {"expected_version": dossier.version + 5, "required_documents": [str(office.documents[0].pk)]},
    )

    assert response.status_code == 409
    assert "nothing was changed" in response.content.decode()
    assert dossier.documents.count() == 0


def test_uploading_a_scan_attaches_it(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_upload", args=[dossier.pk]),
        {"expected_version": dossier.version, "upload": pdf_upload(), "required_document": office.documents[1].pk},
    )

    assert response.status_code == 302
    document = dossier.documents.get()
    assert (document.kind, document.name, document.content_type) == ("scan", "Giấy chứng sinh", "application/pdf")


def test_uploading_a_file_that_is_not_a_pdf_or_image_shows_the_error_at_the_field(as_user, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:reception_upload", args=[dossier.pk]),
        {"expected_version": dossier.version, "upload": SimpleUploadedFile("x.pdf", b"MZ not a pdf")},
    )

    assert response.status_code == 400
    assert 'id="id_upload_errors"' in response.content.decode()
    assert dossier.documents.count() == 0


def test_receiving_asks_for_confirmation_first(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:dossier_action", args=[dossier.pk, "receive"]))

    assert response.status_code == 200
    assert "Confirm: Receive" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_the_receive_confirmation_warns_of_mandatory_documents_not_ticked(as_user, office):
    office.documents[1].mandatory = False
    office.documents[1].save()
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:dossier_action", args=[dossier.pk, "receive"])

    warned = client.get(url).content.decode()
    services.dossier_documents_mark_received(
        by=office.front_desk, dossier=dossier, required_document_ids=[office.documents[0].pk]
    )
    complete = client.get(url).content.decode()

    assert "Mandatory documents not recorded as handed in:" in warned
    assert "<li>Tờ khai đăng ký khai sinh</li>" in warned
    assert "<li>Giấy chứng sinh</li>" not in warned  # optional
    assert "Mandatory documents not recorded" not in complete
    assert "Confirm: Receive" in complete


def test_receiving_gives_the_code_due_date_and_receipt_link(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "receive"]), {"expected_version": dossier.version}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("office:reception_outcome", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    body = client.get(response["Location"]).content.decode()
    assert dossier.code in body
    assert reverse("office:slip", args=[dossier.pk, "01"]) in body


def test_refusing_needs_reasons_and_gives_the_refusal_slip(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:dossier_action", args=[dossier.pk, "refuse"])

    empty = client.post(url, {"expected_version": dossier.version, "reasons": ""})
    response = client.post(url, {"expected_version": dossier.version, "reasons": "Ngoài thẩm quyền\nThiếu tờ khai"})

    assert empty.status_code == 400
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    body = client.get(response["Location"]).content.decode()
    assert reverse("office:slip", args=[dossier.pk, "03"]) in body


def test_asking_for_a_supplement_gives_the_supplement_slip(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "request_supplement"]),
        {"expected_version": dossier.version, "items": "Giấy chứng sinh bản chính", "reason": "Thiếu bản chính"},
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    body = client.get(response["Location"]).content.decode()
    assert reverse("office:slip", args=[dossier.pk, "02"]) in body


def test_get_never_changes_a_dossier(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    version = dossier.version

    for name in ("receive", "refuse", "request_supplement", "withdraw"):
        client.get(reverse("office:dossier_action", args=[dossier.pk, name]))
    client.get(reverse("office:reception_dossier", args=[dossier.pk]))

    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (DossierStatus.DRAFT, version)


@pytest.mark.parametrize("name", ["reception_documents", "reception_upload"])
def test_state_changing_urls_refuse_get(as_user, office, name):
    dossier = draft(office)
    client = as_user(office.front_desk)

    assert client.get(reverse(f"office:{name}", args=[dossier.pk])).status_code == 405


def test_lookup_without_a_number_is_refused_at_the_field(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(reverse("office:applicant_lookup"), {"identifier": ""})

    assert response.status_code == 400
    assert 'id="id_identifier_errors"' in response.content.decode()


def test_registering_an_organisation_with_a_bad_tax_code_shows_the_error(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:applicant_create"), {"kind": "organisation", "org-name": "Công ty A", "org-tax_code": "123"}
    )

    assert response.status_code == 400
    assert 'id="id_org-tax_code_errors"' in response.content.decode()
    assert Applicant.objects.count() == 0


def test_registering_a_citizen_twice_is_refused_with_a_message(as_user, office):
    CitizenFactory(personal_id="037090001234")
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:applicant_create"),
        {"kind": "citizen", "citizen-name": "Lê Văn Cường", "citizen-personal_id": "037090001234"},
    )

    assert response.status_code == 400
    assert Applicant.objects.count() == 1
    assert 'class="errorlist' in response.content.decode()


def test_reception_page_of_a_received_dossier_offers_no_decision(as_user, office):
    from .helpers import received

    dossier = received(office)
    client = as_user(office.front_desk)

    body = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()

    assert "The list can be changed only before the dossier is received." in body
    assert reverse("office:dossier_action", args=[dossier.pk, "receive"]) not in body


def test_the_front_desk_records_a_person_lodging_under_a_power_of_attorney(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    url = reverse("office:reception_authorised", args=[dossier.pk])
    details = {
        "name": "Lê Văn Cường",
        "personal_id": "037090005678",
        "address": "Số 5 đường Lê Lợi",
        "phone": "0987654321",
        "email": "",
        "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
    }

    bad = client.post(url, {**details, "personal_id": "123", "expected_version": dossier.version})
    saved = client.post(url, {**details, "expected_version": dossier.version})
    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()

    assert bad.status_code == 400
    assert 'id="id_authorised_personal_id_errors"' in bad.content.decode()  # ids of its own on the page
    assert saved.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_snapshot["authorised"]["name"] == "Lê Văn Cường"
    assert "Lê Văn Cường, under Giấy ủy quyền số 12/2026 ngày 20/11/2026: printed on the receipt." in page


def test_refusing_while_a_supplement_asked_at_the_counter_is_awaited_gives_the_refusal_slip(as_user, office):
    dossier = services.dossier_request_supplement(
        by=office.front_desk, dossier=draft(office), items=["Giấy chứng sinh"], reason="Thiếu"
    )
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "refuse"]),
        {"expected_version": dossier.version, "reasons": "Người nộp không bổ sung"},
    )

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("office:reception_outcome", args=[dossier.pk]),
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus) == (DossierStatus.REFUSED, "")
    assert reverse("office:slip", args=[dossier.pk, "03"]) in client.get(response["Location"]).content.decode()


def test_the_applicant_is_reached_only_through_a_reference_signed_for_this_officer(as_user, office):
    # Given: another front desk's reference, a bare number, a forged one, one from yesterday.
    applicant = CitizenFactory(name="Phạm Thị Lan", personal_id="037090004321")
    colleague = office_make(prefix="b").front_desk
    client = as_user(office.front_desk)
    mine = applicant_ref(office.front_desk, applicant)
    yesterday = signing.TimestampSigner(salt=f"{APPLICANT_REF_SALT}:{office.front_desk.pk}")
    with mock.patch("time.time", return_value=time.time() - 11 * 3600):
        stale = yesterday.sign_object(applicant.pk)

    forged = mine[:-1] + ("A" if mine[-1] != "A" else "B")

    for ref in (applicant_ref(colleague, applicant), str(applicant.pk), forged, stale):
        body = client.get(reverse("office:reception"), {"applicant": ref}).content.decode()
        assert "Phạm Thị Lan" not in body, ref
        assert "037090004321" not in body
        assert "Look the applicant up again: the link to them has expired." in body
        response = client.post(
            reverse("office:dossier_start"), {"applicant": ref, "procedure": office.procedure.pk}, follow=True
        )
        assert response.redirect_chain == [(reverse("office:reception"), 302)]
        assert "Look the applicant up again: the link to them has expired." in response.content.decode()
    assert Dossier.objects.count() == 0
    assert "Phạm Thị Lan" in client.get(reverse("office:reception"), {"applicant": mine}).content.decode()


@pytest.mark.parametrize(("verified", "warned"), [(False, True), (True, False)])
def test_a_record_registered_online_with_an_unverified_number_is_pointed_out(as_user, office, verified, warned):
    from tests.factories import UserFactory

    CitizenFactory(personal_id="037090005555", user=UserFactory(), verified=verified)
    client = as_user(office.front_desk)

    response = client.post(reverse("office:applicant_lookup"), {"identifier": "037090005555"}, follow=True)

    assert ("the national identity has not verified" in response.content.decode()) is warned


def test_a_number_typed_in_groups_finds_the_applicant_or_prefills_it_whole(as_user, office):
    applicant = CitizenFactory(personal_id="037090001234")
    client = as_user(office.front_desk)

    found = client.post(reverse("office:applicant_lookup"), {"identifier": " 037 090 001 234 "}, follow=True)
    unknown = client.post(reverse("office:applicant_lookup"), {"identifier": "037 090 009 999"})

    assert reception_params(found.redirect_chain[-1][0], office.front_desk) == {"applicant": applicant.pk}
    assert 'value="037090009999"' in unknown.content.decode()
