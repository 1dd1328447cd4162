"""My dossiers: the list, the timeline without internal notes, answering a supplement request, the result."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from chinhquyen.dossiers.models import Channel, DossierStatus, ReturnMethod
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_document_add,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_request_supplement,
    online_draft_save,
    online_draft_start,
    online_draft_submit,
)
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def submitted(world: OnlineWorld):
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="k")
    online_draft_save(by=user, dossier=draft, form_data={**FORM, "applicant_id": world.applicant.personal_id})
    for rd in (world.declaration, world.certificate):
        dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name=rd.name, required_document=rd)
    return online_draft_submit(by=user, dossier=draft, client_key="k")


def resolved(world: OnlineWorld):
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_forward(by=world.specialist, dossier=dossier)
    dossier_approve(by=world.leader, dossier=dossier)
    return dossier_issue_result(by=world.front_desk, dossier=dossier, upload=pdf_upload("ket-qua.pdf"))


def test_the_list_shows_drafts_and_submitted_dossiers_in_plain_words():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="d"
    )

    html = text(world.client().get(reverse("portal:my_dossiers")))

    assert "Applications not submitted yet" in html
    assert dossier.code in html
    assert "Received by the agency; processing will start shortly." in html


def test_the_timeline_hides_internal_events():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)

    html = text(world.client().get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert "You submitted the application online" in html
    assert "Received by the agency" in html
    assert "claim" not in html.lower()
    assert "Receipt and appointment slip (PDF)" in html


def test_the_applicant_answers_a_supplement_request_online_and_the_clock_resumes():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["Bản sao giấy đăng ký kết hôn"], reason="Thiếu giấy tờ"
    )
    client = world.client()

    page = text(client.get(reverse("portal:my_dossier", args=[dossier.pk])))
    upload = client.post(
        reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": "", "upload": pdf_upload()}
    )
    dossier.refresh_from_db()
    sent = client.post(
        reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": "Đã bổ sung"}
    )

    assert "The agency needs more documents" in page
    assert "Bản sao giấy đăng ký kết hôn" in page
    assert upload.status_code == sent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED  # back to the status before the request
    assert dossier.paused_at is None
    assert dossier.documents.filter(name="giay-chung-sinh.pdf").count() == 1
    slip = client.get(reverse("portal:my_slip", args=[dossier.pk, "02"]))
    slip_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(slip.content)).pages)
    assert dossier.code in slip_text
    assert "Bản sao giấy đăng ký kết hôn" in slip_text


def test_the_result_is_received_online_then_downloaded():
    world = OnlineWorld()
    dossier = resolved(world)
    client = world.client()
    result = dossier.documents.get(kind="result")

    before = client.get(reverse("portal:my_file", args=[dossier.pk, result.pk]))
    received = client.post(reverse("portal:result_receive", args=[dossier.pk]))
    download = client.get(reverse("portal:my_file", args=[dossier.pk, result.pk]))

    assert before.status_code == 404  # not handed over yet
    assert received.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method, dossier.channel) == (
        DossierStatus.RETURNED,
        ReturnMethod.ONLINE,
        Channel.ONLINE,
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Disposition"].startswith("attachment;")


def test_officials_slip_06_is_not_offered_to_the_applicant():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))

    response = world.client().get(reverse("portal:my_slip", args=[dossier.pk, "06"]))

    assert response.status_code == 404


def test_another_applicant_gets_404_for_every_page_and_file():
    world = OnlineWorld()
    dossier = resolved(world)
    result = dossier.documents.get(kind="result")
    other = OnlineWorld().client()

    assert other.get(reverse("portal:my_dossier", args=[dossier.pk])).status_code == 404
    assert other.get(reverse("portal:my_file", args=[dossier.pk, result.pk])).status_code == 404
    assert other.get(reverse("portal:my_slip", args=[dossier.pk, "01"])).status_code == 404
    assert other.post(reverse("portal:result_receive", args=[dossier.pk])).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_the_applicants_copy_of_a_slip_is_signed_by_the_agency():
    from chinhquyen.dossiers.documents import pdf_verify

    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))

    response = world.client().get(reverse("portal:my_slip", args=[dossier.pk, "01"]))

    check = pdf_verify(pdf=response.content)
    assert (response.status_code, check.valid, check.timestamped) == (200, True, True)
    assert check.signers == (world.agency.name,)


def test_a_slip_that_cannot_be_signed_now_is_given_unsigned(monkeypatch, caplog):
    from chinhquyen.dossiers.documents import issue, pdf_verify

    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))

    def key_store_down(**_kwargs):
        raise OSError("key store unavailable")

    monkeypatch.setattr(issue, "pdf_sign", key_store_down)
    response = world.client().get(reverse("portal:my_slip", args=[dossier.pk, "01"]))

    assert response.status_code == 200
    assert dossier.code in "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert (pdf_verify(pdf=response.content).signed, pdf_verify(pdf=response.content).summary) == (False, "unsigned")
    assert f"Slip 01 of dossier {dossier.pk} could not be signed; given unsigned." in caplog.text
