"""Online drafts: a withdrawn procedure is refused, and what JSON cannot hold never reaches the database."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import online_draft_save, online_draft_submit
from tests.dossiers.factories import World, online_start, online_world

pytestmark = pytest.mark.django_db

WITHDRAWN = "This procedure has been withdrawn from the catalog: applications for it are no longer accepted."
UNSTORABLE = "This value cannot be stored: a number too large or not a number, or a forbidden character."


def withdraw(world: World) -> None:
    world.procedure.is_active = False
    world.procedure.save(update_fields=["is_active"])


def test_a_withdrawn_procedure_cannot_be_applied_for():
    world = online_world()
    withdraw(world)

    with pytest.raises(InvalidInput) as refused:
        online_start(world)

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "procedure_withdrawn",
        "procedure",
        WITHDRAWN,
    )
    assert Dossier.objects.count() == 0


def test_a_draft_whose_procedure_was_withdrawn_cannot_be_submitted():
    world = online_world()
    draft = online_start(world)
    withdraw(world)

    with pytest.raises(InvalidInput) as refused:
        online_draft_submit(by=world.applicant.user, dossier=Dossier.objects.get(pk=draft.pk), client_key="k")

    draft.refresh_from_db()
    assert (refused.value.code, refused.value.field) == ("procedure_withdrawn", "procedure")
    assert (draft.status, draft.version, draft.submitted_at) == (DossierStatus.DRAFT, 0, None)
    assert not DossierEvent.objects.filter(dossier=draft, action="submit").exists()


def test_the_same_draft_is_submitted_once_the_procedure_is_back():
    world = online_world()
    draft = online_start(world)
    withdraw(world)
    world.procedure.is_active = True
    world.procedure.save(update_fields=["is_active"])

    submitted = online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")

    assert submitted.status == DossierStatus.SUBMITTED


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="infinity"),
        pytest.param(float("-inf"), id="minus-infinity"),
        pytest.param("Nguyễn\x00An", id="nul-character"),
        pytest.param("\ud800", id="lone-surrogate"),
        pytest.param({"rooms": [1, float("nan")]}, id="nested-nan"),
        pytest.param({"\x00": 1}, id="nul-in-a-key"),
    ],
)
def test_form_data_json_cannot_hold_is_refused_on_its_field(value):
    world = online_world()
    draft = online_start(world)

    with pytest.raises(InvalidInput) as refused:
        online_draft_save(by=world.applicant.user, dossier=draft, form_data={"ok": "Có", "area": value})

    draft.refresh_from_db()
    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "form_data_invalid",
        "area",
        UNSTORABLE,
    )
    assert (draft.form_data, draft.version) == ({}, 0)


def test_large_finite_numbers_and_any_unicode_text_are_stored_as_they_are():
    world = online_world()
    draft = online_start(world)
    # 1e22 is exact as a float: PostgreSQL gives large numbers back as integers, equal to it.
    data = {"area": 1e22, "tiny": 5e-324, "count": 10**30, "name": "Nguyễn Thị Ánh 😀", "flag": True, "none": None}

    online_draft_save(by=world.applicant.user, dossier=draft, form_data=data)

    assert Dossier.objects.get(pk=draft.pk).form_data == data
