"""Online applications only for procedures the catalog offers online, whatever calls the service."""

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.models import Channel, Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import dossier_submit_online, online_draft_submit
from tests.dossiers.factories import World, online_start, online_world

pytestmark = pytest.mark.django_db

NOT_ONLINE = "This procedure cannot be done online: apply at the counter of the agency that receives it."


def level_set(world: World, level: str) -> None:
    world.procedure.online_level = level
    world.procedure.save(update_fields=["online_level"])


@pytest.mark.parametrize("level", [pytest.param("none", id="not-online"), pytest.param("", id="unknown")])
def test_a_draft_of_a_procedure_not_offered_online_is_refused(level):
    world = online_world()
    level_set(world, level)

    with pytest.raises(InvalidInput) as refused:
        online_start(world)

    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "procedure_not_online",
        "procedure",
        NOT_ONLINE,
    )
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("level", [pytest.param("full", id="full"), pytest.param("partial", id="partial")])
def test_a_draft_of_a_procedure_offered_online_is_opened(level):
    world = online_world()
    level_set(world, level)

    draft = online_start(world)

    assert (draft.status, draft.channel, draft.procedure_id) == (
        DossierStatus.DRAFT,
        Channel.ONLINE,
        world.procedure.pk,
    )


def test_a_draft_whose_procedure_stopped_being_offered_online_cannot_be_submitted():
    world = online_world()
    draft = online_start(world)
    level_set(world, "none")

    with pytest.raises(InvalidInput) as refused:
        online_draft_submit(by=world.applicant.user, dossier=Dossier.objects.get(pk=draft.pk), client_key="k")

    draft.refresh_from_db()
    assert (refused.value.code, refused.value.field) == ("procedure_not_online", "procedure")
    assert (draft.status, draft.version, draft.submitted_at) == (DossierStatus.DRAFT, 0, None)
    assert not DossierEvent.objects.filter(dossier=draft, action="submit").exists()


def test_a_withdrawn_procedure_is_refused_as_withdrawn_whatever_its_level():
    world = online_world()
    level_set(world, "none")
    world.procedure.is_active = False
    world.procedure.save(update_fields=["is_active"])

    with pytest.raises(InvalidInput) as refused:
        online_start(world)

    assert refused.value.code == "procedure_withdrawn"


def _submit_at_once(world: World, form_data: dict) -> Dossier:
    return dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data=form_data,
    )


def test_the_one_call_submission_checks_the_level_the_agency_and_the_form_as_the_draft_does():
    world = online_world()
    level_set(world, "none")
    with pytest.raises(InvalidInput) as not_online:
        _submit_at_once(world, {})
    level_set(world, "full")
    world.procedure.agencies.clear()
    with pytest.raises(InvalidInput) as not_handled:
        _submit_at_once(world, {})
    world.procedure.agencies.add(world.agency)
    world.procedure.eform_schema = {
        "type": "object",
        "properties": {"child_name": {"type": "string", "title": "Họ tên"}},
        "required": ["child_name"],
    }
    world.procedure.save(update_fields=["eform_schema"])
    with pytest.raises(InvalidInput) as incomplete:
        _submit_at_once(world, {})

    assert [(e.code, e.field) for e in (not_online.value, not_handled.value, incomplete.value)] == [
        ("procedure_not_online", "procedure"),
        ("agency_not_implementing", "agency"),
        ("form_incomplete", "child_name"),
    ]
    assert Dossier.objects.count() == 0
    assert _submit_at_once(world, {"child_name": "Nguyễn Minh Khang"}).status == DossierStatus.SUBMITTED
