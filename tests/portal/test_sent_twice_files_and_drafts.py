"""More of the applicant's forms sent twice: a file attached twice, a start page sent again, Back to a discarded
draft, and the message of a double click shown once.

The browser shows the answer to the last sending only: it tells what the first did, and the officials find one copy
of a file, not two.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_receive,
    online_draft_save,
    online_draft_start,
)
from tests.dossiers.factories import AgencyFactory, png_bytes
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload
from tests.portal.test_mine_supplement_rules import asked
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

ATTACHED_SUPPLEMENT = "The file was attached. Send the supplement when everything is there."
ATTACHED = "The file was attached."
DISCARDED = "Your draft application has been discarded."


def shown(client: Client, response) -> list[str]:
    """The messages the page the response leads to shows."""
    return [str(m) for m in get_messages(client.get(response["Location"]).wsgi_request)]


def png_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("ban-sao.png", png_bytes(), content_type="image/png")


def files_of(dossier: Dossier) -> list[tuple[str, int | None]]:
    """The dossier's files as (name, required document), in the order attached."""
    return list(dossier.documents.order_by("pk").values_list("name", "required_document_id"))


def a_draft(world: OnlineWorld, key: str = "k") -> Dossier:
    return online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key=key
    )


# --- A supplement's file sent twice -----------------------------------------------------------------


@pytest.mark.parametrize("required", [True, False], ids=["required-document", "other-document"])
def test_a_supplement_file_sent_twice_is_attached_once(required):
    world = OnlineWorld()
    dossier = asked(world)
    before = files_of(dossier)
    client = world.client()
    url = reverse("portal:supplement_upload", args=[dossier.pk])
    data = {"required_document": world.certificate.pk if required else ""}

    first = client.post(url, {**data, "upload": pdf_upload()})
    second = client.post(url, {**data, "upload": pdf_upload()})  # a double click: the first answer never shown

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == reverse("portal:my_dossier", args=[dossier.pk])
    assert shown(client, second) == [ATTACHED_SUPPLEMENT]
    added = (world.certificate.name, world.certificate.pk) if required else ("giay-chung-sinh.pdf", None)
    assert files_of(dossier) == [*before, added]
    assert DossierEvent.objects.filter(dossier=dossier, action="document_add").count() == len(before) + 1


def test_another_file_for_the_same_document_is_attached_too():
    world = OnlineWorld()
    dossier = asked(world)
    before = files_of(dossier)
    client = world.client()
    url = reverse("portal:supplement_upload", args=[dossier.pk])

    client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload()})
    client.post(url, {"required_document": world.certificate.pk, "upload": png_upload()})

    certificate = (world.certificate.name, world.certificate.pk)
    assert files_of(dossier) == [*before, certificate, certificate]


def test_the_same_file_for_another_document_is_attached_too():
    world = OnlineWorld()
    dossier = asked(world)
    before = files_of(dossier)
    client = world.client()
    url = reverse("portal:supplement_upload", args=[dossier.pk])

    client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload()})
    client.post(url, {"required_document": world.declaration.pk, "upload": pdf_upload()})

    assert files_of(dossier) == [
        *before,
        (world.certificate.name, world.certificate.pk),
        (world.declaration.name, world.declaration.pk),
    ]


def test_the_same_file_sent_again_after_another_is_no_longer_the_first_sent_twice():
    world = OnlineWorld()
    dossier = asked(world)
    before = files_of(dossier)
    client = world.client()
    url = reverse("portal:supplement_upload", args=[dossier.pk])

    client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload()})
    client.post(url, {"required_document": world.declaration.pk, "upload": png_upload()})
    client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload()})

    certificate = (world.certificate.name, world.certificate.pk)
    assert files_of(dossier) == [*before, certificate, (world.declaration.name, world.declaration.pk), certificate]


# --- A draft's file sent twice ----------------------------------------------------------------------


def test_a_draft_file_sent_twice_is_attached_once_and_thanked_for():
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    url = reverse("portal:apply_documents", args=[draft.pk])
    seen = draft.version

    first = client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload(), "version": seen})
    second = client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload(), "version": seen})

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == url
    assert shown(client, second) == [ATTACHED]
    assert files_of(draft) == [(world.certificate.name, world.certificate.pk)]


def test_a_draft_file_removed_then_attached_again_is_attached():
    world = OnlineWorld()
    draft = a_draft(world)
    first = dossier_document_add(
        by=world.applicant.user,
        dossier=draft,
        upload=pdf_upload(),
        name=world.certificate.name,
        required_document=world.certificate,
    )
    client = world.client()
    url = reverse("portal:apply_documents", args=[draft.pk])
    client.get(client.post(url, {"remove": first.pk, "version": draft.version})["Location"])
    draft.refresh_from_db()

    again = client.post(
        url, {"required_document": world.certificate.pk, "upload": pdf_upload(), "version": draft.version}
    )

    assert shown(client, again) == [ATTACHED]
    assert list(draft.documents.values_list("required_document_id", flat=True)) == [world.certificate.pk]
    assert not DossierDocument.objects.filter(pk=first.pk).exists()


def test_a_draft_page_left_open_while_another_file_was_attached_still_asks_to_send_again():
    world = OnlineWorld()
    draft = a_draft(world)
    seen = draft.version
    dossier_document_add(
        by=world.applicant.user,
        dossier=draft,
        upload=png_upload(),
        name=world.declaration.name,
        required_document=world.declaration,
    )

    response = world.client().post(
        reverse("portal:apply_documents", args=[draft.pk]),
        {"required_document": world.certificate.pk, "upload": pdf_upload(), "version": seen},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
    ]
    assert files_of(draft) == [(world.declaration.name, world.declaration.pk)]


# --- A start page sent again ------------------------------------------------------------------------


def start(client: Client, world: OnlineWorld, *, key: str, agency=None):
    return client.post(
        reverse("portal:apply", args=[world.procedure.code]), {"agency": (agency or world.agency).pk, "key": key}
    )


def test_a_start_page_sent_again_with_a_new_key_continues_the_untouched_draft():
    world = OnlineWorld()
    client = world.client()
    first = start(client, world, key="first")

    again = start(client, world, key="second")  # the page shown again (another tab, Back), with a new key

    draft = Dossier.objects.get(applicant=world.applicant)
    assert first["Location"] == again["Location"] == reverse("portal:apply_form", args=[draft.pk])
    assert draft.client_key == "first"


def test_a_start_page_sent_again_with_another_agency_moves_the_untouched_draft_there():
    world = OnlineWorld()
    other = AgencyFactory(name="UBND phường Tây Hoa Lư")
    world.procedure.agencies.add(other)
    client = world.client()
    start(client, world, key="first")

    again = start(client, world, key="second", agency=other)

    draft = Dossier.objects.get(applicant=world.applicant)
    assert again["Location"] == reverse("portal:apply_form", args=[draft.pk])
    assert draft.receiving_agency_id == other.pk


@pytest.mark.parametrize("touched", ["form", "file"])
def test_a_start_page_sent_while_a_draft_has_content_opens_a_second_application(touched):
    world = OnlineWorld()
    user = world.applicant.user
    draft = a_draft(world, key="first")
    if touched == "form":
        online_draft_save(by=user, dossier=draft, form_data={**FORM, "applicant_id": world.applicant.personal_id})
    else:
        dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name=world.certificate.name)

    response = start(world.client(), world, key="second")

    second = Dossier.objects.get(applicant=world.applicant, client_key="second")
    assert response["Location"] == reverse("portal:apply_form", args=[second.pk])
    assert Dossier.objects.filter(applicant=world.applicant).count() == 2


# --- Back to a discarded draft ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("apply_form", "get"),
        ("apply_form", "post"),
        ("apply_documents", "get"),
        ("apply_documents", "post"),
        ("apply_agency", "get"),
        ("apply_review", "get"),
        ("apply_review", "post"),
    ],
)
def test_a_step_of_a_discarded_draft_reached_again_leads_to_my_dossiers(name, method):
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    client.get(client.post(reverse("portal:apply_discard", args=[draft.pk]))["Location"])

    response = getattr(client, method)(reverse(f"portal:{name}", args=[draft.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossiers")
    assert shown(client, response) == [DISCARDED]


@pytest.mark.parametrize("name", ["apply_form", "apply_documents", "apply_review"])
def test_another_applicant_finds_nothing_at_a_step_of_a_discarded_draft(name):
    world = OnlineWorld()
    draft = a_draft(world)
    world.client().post(reverse("portal:apply_discard", args=[draft.pk]))

    assert OnlineWorld().client().get(reverse(f"portal:{name}", args=[draft.pk])).status_code == 404


def test_a_step_of_a_draft_that_never_was_is_not_found():
    world = OnlineWorld()

    assert world.client().get(reverse("portal:apply_form", args=[999_999])).status_code == 404


# --- A message of a double click --------------------------------------------------------------------


def test_a_double_click_shows_its_message_once():
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    url = reverse("portal:apply_form", args=[draft.pk])
    data = {**FORM, "applicant_id": world.applicant.personal_id}

    client.post(url, data)
    second = client.post(url, data)  # the first answer's message never shown

    assert shown(client, second) == ["Your draft is saved. You can come back to it from “My dossiers”."]


def test_two_different_messages_waiting_are_both_shown():
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    url = reverse("portal:apply_documents", args=[draft.pk])

    client.post(url, {"required_document": world.certificate.pk, "upload": pdf_upload()})
    second = client.post(
        reverse("portal:apply_form", args=[draft.pk]), {**FORM, "applicant_id": world.applicant.personal_id}
    )

    assert shown(client, second) == [ATTACHED, "Your draft is saved. You can come back to it from “My dossiers”."]


def test_a_withdrawal_sent_twice_shows_its_message_once_without_the_first_page_seen():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    client = world.client()
    data = {"reason": "Tôi đã nộp hồ sơ tại Bộ phận một cửa khác", "confirm": "on", "version": dossier.version}
    url = reverse("portal:dossier_withdraw", args=[dossier.pk])

    client.post(url, data)
    second = client.post(url, data)

    assert shown(client, second) == ["Your dossier has been withdrawn. The agency will not process it further."]
