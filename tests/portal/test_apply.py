"""Apply online: start, e-form with prefill and checks, documents, review, submission once."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.models import Channel, Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.selectors import dossier_inbox
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def start(world: OnlineWorld, client: Client, key: str = "k-1") -> Dossier:
    response = client.post(
        reverse("portal:apply", args=[world.procedure.code]), {"agency": world.agency.pk, "key": key}
    )
    assert response.status_code == 302
    return Dossier.objects.get(applicant=world.applicant, client_key=key)


def fill(world: OnlineWorld, client: Client, dossier: Dossier, **changes) -> object:
    data = {**FORM, "applicant_id": world.applicant.personal_id, "next": "1", **changes}
    return client.post(reverse("portal:apply_form", args=[dossier.pk]), data)


def attach_all(world: OnlineWorld, client: Client, dossier: Dossier) -> None:
    for rd in (world.declaration, world.certificate):
        response = client.post(
            reverse("portal:apply_documents", args=[dossier.pk]), {"required_document": rd.pk, "upload": pdf_upload()}
        )
        assert response.status_code == 302


def test_anonymous_visitor_is_sent_to_sign_in():
    world = OnlineWorld()

    response = Client().get(reverse("portal:apply", args=[world.procedure.code]))

    assert response.status_code == 302
    assert "next=/nop-truc-tuyen/" in response["Location"]


def test_start_offers_the_implementing_agencies_and_opens_one_draft_per_key():
    world = OnlineWorld()
    client = world.client()

    page = client.get(reverse("portal:apply", args=[world.procedure.code]))
    first = start(world, client, key="same")
    again = start(world, client, key="same")  # a double click sends the same key twice

    assert world.agency.name in text(page)
    assert first.pk == again.pk
    assert Dossier.objects.filter(applicant=world.applicant).count() == 1
    assert (first.status, first.channel, first.receiving_agency_id) == (
        DossierStatus.DRAFT,
        Channel.ONLINE,
        world.agency.pk,
    )


def test_returning_to_apply_resumes_the_draft():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)

    response = client.get(reverse("portal:apply", args=[world.procedure.code]))

    assert response["Location"] == reverse("portal:apply_form", args=[draft.pk])


def test_the_form_is_prefilled_from_the_profile():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)

    html = text(client.get(reverse("portal:apply_form", args=[draft.pk])))

    assert f'name="applicant_id" value="{world.applicant.personal_id}"' in html
    assert 'name="applicant_phone" value="0912345678"' in html
    assert "Full name of the child" in html  # English titles from x-en


def test_bad_values_get_messages_and_the_good_ones_are_saved():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)

    response = fill(world, client, draft, applicant_phone="12345", child_name="")

    assert response.status_code == 400
    html = text(response)
    assert "Phone number: Enter the value in the format shown." in html
    assert "Full name of the child: This field is required." in html
    draft.refresh_from_db()
    assert draft.form_data["mother_name"] == "Trần Thị Bích"
    assert "applicant_phone" not in draft.form_data


def test_messages_are_in_vietnamese_by_default():
    world = OnlineWorld()
    client = world.client(language="vi")
    draft = start(world, client)

    html = text(fill(world, client, draft, child_name=""))

    assert "Họ, chữ đệm, tên người được khai sinh: Trường này là bắt buộc." in html


def test_uploads_are_checked_by_content():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = client.post(
        reverse("portal:apply_documents", args=[draft.pk]), {"required_document": world.declaration.pk, "upload": fake}
    )

    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG files are accepted; this file is none of them." in text(response)
    assert draft.documents.count() == 0


def test_a_file_can_be_removed_from_the_draft():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)
    attach_all(world, client, draft)
    document = draft.documents.first()

    response = client.post(reverse("portal:apply_documents", args=[draft.pk]), {"remove": document.pk})

    assert response.status_code == 302
    assert draft.documents.count() == 1


def test_submission_needs_the_form_and_the_mandatory_documents():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)
    fill(world, client, draft)

    response = client.post(reverse("portal:apply_review", args=[draft.pk]), {"key": draft.client_key})

    assert response.status_code == 400
    assert "Attach the required documents: Tờ khai đăng ký khai sinh; Giấy chứng sinh." in text(response)
    draft.refresh_from_db()
    assert draft.status == DossierStatus.DRAFT


def test_submit_once_even_when_clicked_twice_and_it_reaches_the_front_desk():
    world = OnlineWorld()
    client = world.client()
    draft = start(world, client)
    assert world.agency.pk not in {row.dossier.receiving_agency_id for row in dossier_inbox(officer=world.front_desk)}
    fill(world, client, draft)
    attach_all(world, client, draft)

    first = client.post(reverse("portal:apply_review", args=[draft.pk]), {"key": draft.client_key})
    second = client.post(reverse("portal:apply_review", args=[draft.pk]), {"key": draft.client_key})

    assert first["Location"] == second["Location"] == reverse("portal:apply_submitted", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == DossierStatus.SUBMITTED
    assert draft.submitted_at is not None
    assert DossierEvent.objects.filter(dossier=draft, action="submit").count() == 1
    assert [row.dossier.pk for row in dossier_inbox(officer=world.front_desk)] == [draft.pk]
    confirmation = text(client.get(first["Location"]))
    assert f"Your application has been sent to {world.agency.name}." in confirmation


def test_officials_cannot_see_or_receive_a_draft():
    from chinhquyen.dossiers.errors import DossierNotFound, TransitionRefused
    from chinhquyen.dossiers.selectors import dossier_get_for_officer
    from chinhquyen.dossiers.services import dossier_receive

    world = OnlineWorld()
    draft = start(world, world.client())

    with pytest.raises(DossierNotFound):
        dossier_get_for_officer(officer=world.front_desk, code_or_pk=draft.pk)
    with pytest.raises(TransitionRefused) as refused:
        dossier_receive(by=world.front_desk, dossier=draft)
    assert refused.value.code == "role_required"


def test_the_review_page_gives_the_time_limit_of_applying_online():
    from chinhquyen.catalog.models import ProcedureChannel

    world = OnlineWorld()  # 3 working days, as the procedure publishes (at the counter)
    client = world.client()
    draft = start(world, client)
    before = text(client.get(reverse("portal:apply_review", args=[draft.pk])))
    ProcedureChannel.objects.create(
        procedure=world.procedure,
        channel="online",
        time_limit_text="2 Ngày làm việc",
        time_limit_value=2,
        time_limit_unit="working_days",
    )

    after = text(client.get(reverse("portal:apply_review", args=[draft.pk])))

    assert "3 working days, counted from when the agency receives your complete application." in before
    assert "2 working days, counted from when the agency receives your complete application." in after


def test_another_applicant_cannot_reach_the_draft():
    world = OnlineWorld()
    draft = start(world, world.client())
    other = OnlineWorld()

    for name in ("portal:apply_form", "portal:apply_documents", "portal:apply_review", "portal:my_dossier"):
        assert other.client().get(reverse(name, args=[draft.pk])).status_code == 404
    assert other.client().post(reverse("portal:apply_review", args=[draft.pk]), {"key": "x"}).status_code == 404


def test_an_officials_session_is_not_an_applicants():
    from chinhquyen.directory.models import StaffRole

    world = OnlineWorld()
    StaffRole.objects.create(user=world.applicant.user, agency=world.agency, role="specialist")

    response = world.client().get(reverse("portal:my_dossiers"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
