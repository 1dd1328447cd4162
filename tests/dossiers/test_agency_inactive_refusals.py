"""An agency deactivated (a commune merger) or unlinked from a procedure receives no new dossiers of it.

An online draft is not submitted to it (the draft stays, to be moved), and a process template naming an
inactive agency for a step stops reception before anything is written.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.models import Dossier, DossierStatus, DossierStep
from chinhquyen.dossiers.services import (
    dossier_document_add,
    dossier_receive,
    online_draft_agency_set,
    online_draft_start,
    online_draft_submit,
)
from tests.dossiers.factories import AgencyFactory, World, online_start, online_world, pdf_bytes, template_add, vn
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload

pytestmark = pytest.mark.django_db


def attach_required(world: World, draft: Dossier) -> None:
    RequiredDocument.objects.create(procedure=world.procedure, position=1, name="Tờ khai", mandatory=True)
    for rd in world.procedure.documents.all():
        upload = SimpleUploadedFile("a.pdf", pdf_bytes(), content_type="application/pdf")
        dossier_document_add(by=world.applicant.user, dossier=draft, name=rd.name, required_document=rd, upload=upload)


def deactivate(world: World) -> None:
    Agency.objects.filter(pk=world.agency.pk).update(is_active=False)


def unlink(world: World) -> None:
    world.procedure.agencies.remove(world.agency)


# --- Online submission ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        pytest.param(
            deactivate,
            "agency_inactive",
            "This agency no longer receives applications: choose another agency that handles this procedure.",
            id="agency-deactivated",
        ),
        pytest.param(
            unlink,
            "agency_not_implementing",
            "This agency does not handle this procedure; choose one of those listed.",
            id="agency-unlinked",
        ),
    ],
)
def test_a_draft_whose_agency_stopped_receiving_the_procedure_is_not_submitted(change, code, message):
    world = online_world()
    draft = online_start(world)
    attach_required(world, draft)
    version = Dossier.objects.get(pk=draft.pk).version
    change(world)

    with pytest.raises(InvalidInput) as refused:
        online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")

    saved = Dossier.objects.get(pk=draft.pk)
    assert (refused.value.code, refused.value.field, refused.value.message) == (code, "agency", message)
    assert (saved.status, saved.version, saved.submitted_at) == (DossierStatus.DRAFT, version, None)
    assert saved.documents.count() == 1


def test_a_draft_moved_to_an_active_agency_is_submitted():
    world = online_world()
    other = AgencyFactory()
    world.procedure.agencies.add(other)
    draft = online_start(world)
    attach_required(world, draft)
    deactivate(world)

    online_draft_agency_set(by=world.applicant.user, dossier=draft, receiving_agency=other)
    submitted = online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")

    assert (submitted.status, submitted.receiving_agency_id) == (DossierStatus.SUBMITTED, other.pk)


def test_an_inactive_agency_is_refused_when_a_draft_starts_or_moves_there():
    world = online_world()
    draft = online_start(world)
    closed = AgencyFactory(is_active=False)
    world.procedure.agencies.add(closed)

    with pytest.raises(InvalidInput) as started:
        online_draft_start(by=world.applicant.user, procedure=world.procedure, receiving_agency=closed, client_key="k2")
    with pytest.raises(InvalidInput) as moved:
        online_draft_agency_set(by=world.applicant.user, dossier=draft, receiving_agency=closed)

    assert (started.value.code, moved.value.code) == ("agency_inactive", "agency_inactive")
    assert list(Dossier.objects.values_list("pk", "receiving_agency_id")) == [(draft.pk, world.agency.pk)]


# --- Portal ---------------------------------------------------------------------------------------


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_portal_says_why_and_offers_to_move_the_draft_when_its_agency_was_deactivated():
    world = OnlineWorld()
    other = AgencyFactory(name="UBND phường Tây Hoa Lư")
    world.procedure.agencies.add(other)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
    client = world.client()
    client.post(reverse("portal:apply_form", args=[draft.pk]), {**FORM, "applicant_id": world.applicant.personal_id})
    for rd in (world.declaration, world.certificate):
        draft.refresh_from_db()
        client.post(
            reverse("portal:apply_documents", args=[draft.pk]),
            {"required_document": rd.pk, "upload": pdf_upload(), "version": draft.version},
        )
    deactivate(world)  # only the other agency is listed now
    draft.refresh_from_db()

    response = client.post(reverse("portal:apply_review", args=[draft.pk]), {"key": "k", "version": draft.version})

    html = text(response)
    assert response.status_code == 400
    assert "This agency no longer receives applications: choose another agency that handles this procedure." in html
    assert f'<a href="{reverse("portal:apply_agency", args=[draft.pk])}">Change the receiving agency</a>' in html
    assert Dossier.objects.get(pk=draft.pk).status == DossierStatus.DRAFT


# --- Reception ------------------------------------------------------------------------------------


def _template_with_a_step_at(world: World, agency: Agency) -> None:
    template_add(world.procedure, [("Thẩm định", "specialist", agency, "30"), ("Phê duyệt", "leader", None, "10")])


def test_a_dossier_is_not_received_when_the_process_names_an_inactive_agency():
    world = World()
    elsewhere = AgencyFactory(name="Sở Tư pháp cũ")
    _template_with_a_step_at(world, elsewhere)
    draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    version = draft.version
    Agency.objects.filter(pk=elsewhere.pk).update(is_active=False)

    with pytest.raises(InvalidInput) as refused:
        dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 9, 0))

    saved = Dossier.objects.get(pk=draft.pk)
    assert refused.value.code == "agency_inactive"
    assert refused.value.message == (
        "The procedure's process names an agency that is no longer active: Sở Tư pháp cũ; "
        "the catalog administrator must update it."
    )
    assert (saved.status, saved.version, saved.code, saved.received_at) == (DossierStatus.DRAFT, version, "", None)
    assert DossierStep.objects.filter(dossier=saved).count() == 0


def test_an_online_dossier_is_not_received_when_the_process_names_an_inactive_agency():
    world = online_world()
    elsewhere = AgencyFactory(name="Sở Tư pháp cũ")
    _template_with_a_step_at(world, elsewhere)
    draft = online_start(world)
    submitted = online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")
    Agency.objects.filter(pk=elsewhere.pk).update(is_active=False)

    with pytest.raises(InvalidInput) as refused:
        dossier_receive(by=world.front_desk, dossier=submitted, at=vn(2026, 3, 2, 9, 0))

    saved = Dossier.objects.get(pk=draft.pk)
    assert refused.value.code == "agency_inactive"
    assert (saved.status, saved.code) == (DossierStatus.SUBMITTED, "")
    assert DossierStep.objects.filter(dossier=saved).count() == 0


def test_a_process_naming_active_agencies_is_received_as_before():
    world = World()
    elsewhere = AgencyFactory()
    _template_with_a_step_at(world, elsewhere)

    dossier = dossier_receive(by=world.front_desk, dossier=world.draft(), at=vn(2026, 3, 2, 9, 0))

    assert dossier.status == DossierStatus.RECEIVED
    assert list(dossier.steps.order_by("order").values_list("agency_id", flat=True)) == [elsewhere.pk, world.agency.pk]
