"""An agency merged into another (2025 reorganisation) hands its open work over to its successor: the steps held
or to come there, and the open dossiers it receives, each with an internal timeline row and an audit entry.
The province administrator runs it from the admin (an action on agencies) or the command line."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import Agency, StaffRole
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, DossierStep, StepState, Substatus
from chinhquyen.dossiers.selectors import dossier_inbox, dossier_timeline
from chinhquyen.dossiers.services import (
    HandOver,
    OpenWork,
    agency_open_work,
    agency_work_hand_over,
    dossier_claim,
    dossier_create_at_counter,
    dossier_receive,
    dossier_refuse,
    dossier_submit_online,
)
from chinhquyen.dossiers.services.handover import HANDOVER_ROW
from chinhquyen.dossiers.transitions import Context
from tests.dossiers.factories import (
    AgencyFactory,
    ProcedureFactory,
    UserFactory,
    World,
    officer,
    online_start,
    template_add,
    vn,
)
from tests.office.auth_helpers import officer_login

pytestmark = pytest.mark.django_db

REASON = "Sáp nhập theo Nghị quyết 1674/NQ-UBTVQH15"
RECEIVED = vn(2026, 3, 2, 8, 0)


@pytest.fixture(autouse=True)
def _site_in_english(settings):
    # The timeline row's words are a record, written in the site's language (as the steps' names are).
    settings.LANGUAGE_CODE = "en"


class Merger:
    """The world's agency (to be merged) with open and closed work, and its successor, staffed, handling the
    world's procedure."""

    def __init__(self) -> None:
        self.world = world = World()
        self.old = world.agency
        self.successor = AgencyFactory(name="UBND phường Hoa Lư")
        world.procedure.agencies.add(self.successor)
        self.front_desk = officer(self.successor, "front_desk")
        self.specialist = officer(self.successor, "specialist")
        self.admin = UserFactory(is_staff=True, is_superuser=True)
        # Received, its specialist's step claimed by the old agency's specialist.
        received = world.received(at=RECEIVED)
        self.processing = dossier_claim(by=world.specialist, dossier=received, at=vn(2026, 3, 2, 9, 0))
        # Submitted online, waiting at the old agency's front desk.
        self.submitted = dossier_submit_online(
            by=world.applicant.user,
            applicant=world.applicant,
            procedure=world.procedure,
            receiving_agency=self.old,
            form_data={},
        )
        # Closed: refused at reception.
        self.refused = dossier_refuse(by=world.front_desk, dossier=world.draft(), reasons=["Sai thủ tục"])
        # The applicant's own online draft: the portal moves it when it is submitted.
        self.online_draft = online_start(world)

    def hand_over(self, **kwargs) -> HandOver:
        values = {"agency": self.old, "successor": self.successor, "by": self.admin, "reason": REASON, **kwargs}
        return agency_work_hand_over(**values)


def _steps(dossier: Dossier) -> list[tuple]:
    steps = DossierStep.objects.filter(dossier=dossier).order_by("order")
    return list(steps.values_list("order", "agency_id", "assignee_id", "state", "due_at"))


def _inbox(user) -> set[int]:
    return {row.dossier.pk for row in dossier_inbox(officer=user)}


def _summary(merger: Merger) -> str:
    steps = merger.processing.steps.count()
    return (
        f"{merger.old.name} → {merger.successor.name}: dossiers handed over: 2 (as receiving agency: 2), "
        f"steps: {steps}."
    )


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


# --- The hand-over ---------------------------------------------------------------------------------


def test_open_steps_and_dossiers_at_the_front_desk_move_to_the_successor():
    merger = Merger()
    old, new = merger.old.pk, merger.successor.pk
    steps_before = _steps(merger.processing)
    assert {agency for _o, agency, *_rest in steps_before} == {old}
    assert steps_before[0][2:4] == (merger.world.specialist.pk, StepState.ACTIVE)

    result = merger.hand_over()

    assert result == HandOver(dossiers=2, received=2, steps=len(steps_before), deactivated=False)
    # Every step moves, unassigned, due when it was.
    assert _steps(merger.processing) == [(o, new, None, state, due) for o, _a, _u, state, due in steps_before]
    moved = {d.pk: d for d in Dossier.objects.filter(pk__in=[merger.processing.pk, merger.submitted.pk])}
    assert {pk: d.receiving_agency_id for pk, d in moved.items()} == {
        merger.processing.pk: new,
        merger.submitted.pk: new,
    }
    assert moved[merger.processing.pk].version == merger.processing.version + 1
    assert moved[merger.submitted.pk].version == merger.submitted.version + 1
    assert moved[merger.processing.pk].due_at == merger.processing.due_at
    # Closed dossiers and the applicant's online draft stay as they were.
    for untouched in (merger.refused, merger.online_draft):
        saved = _fresh(untouched)
        assert (saved.receiving_agency_id, saved.version) == (old, untouched.version)


def test_each_moved_dossier_gets_one_internal_timeline_row_and_one_audit_entry():
    merger = Merger()
    step = merger.processing.active_step

    merger.hand_over(at=vn(2026, 3, 3, 10, 0))

    events = DossierEvent.objects.filter(action="agency_handover").order_by("dossier_id")
    assert [e.dossier_id for e in events] == sorted([merger.processing.pk, merger.submitted.pk])
    event = events.get(dossier=merger.processing)
    reason = f"Open work handed over from {merger.old.name} to {merger.successor.name}: {REASON}"
    assert (event.actor, event.internal, event.at, event.reason) == (merger.admin, True, vn(2026, 3, 3, 10, 0), reason)
    assert (event.from_status, event.to_status) == (DossierStatus.RECEIVED, DossierStatus.RECEIVED)
    holders = {step.pk: merger.world.specialist.pk}
    steps = [
        {"step": s.pk, "from_user": holders.get(s.pk), "to_user": None}
        for s in merger.processing.steps.order_by("order")
    ]
    assert event.data == {
        "from_agency": merger.old.pk,
        "to_agency": merger.successor.pk,
        "receiving_agency": True,
        "steps": steps,
    }
    assert events.get(dossier=merger.submitted).data == {
        "from_agency": merger.old.pk,
        "to_agency": merger.successor.pk,
        "receiving_agency": True,
        "steps": [],
    }
    entries = AuditEntry.objects.filter(action="dossier.agency_handover").order_by("target")
    assert sorted(e.target for e in entries) == sorted(
        f"dossier:{pk}" for pk in (merger.processing.pk, merger.submitted.pk)
    )
    assert {e.actor_id for e in entries} == {merger.admin.pk}
    # Officials see it in the timeline, the applicant does not.
    assert "agency_handover" in [e.action for e in dossier_timeline(dossier=merger.processing)]
    assert "agency_handover" not in [e.action for e in dossier_timeline(dossier=merger.processing, for_applicant=True)]


def test_the_successors_officers_see_the_work_in_their_inbox_and_the_old_agencys_no_longer_do():
    merger = Merger()
    world = merger.world
    assert merger.processing.pk in _inbox(world.specialist)
    assert merger.submitted.pk in _inbox(world.front_desk)
    assert not _inbox(merger.specialist) & {merger.processing.pk, merger.submitted.pk}

    merger.hand_over()

    assert merger.processing.pk in _inbox(merger.specialist)
    assert merger.submitted.pk in _inbox(merger.front_desk)
    assert not _inbox(world.specialist) & {merger.processing.pk, merger.submitted.pk}
    assert not _inbox(world.front_desk) & {merger.processing.pk, merger.submitted.pk}


def test_the_successor_goes_on_with_the_work():
    merger = Merger()

    merger.hand_over(deactivate=True)

    claimed = dossier_claim(by=merger.specialist, dossier=_fresh(merger.processing))
    received = dossier_receive(by=merger.front_desk, dossier=_fresh(merger.submitted))
    assert claimed.active_step.assignee_id == merger.specialist.pk
    assert (received.status, received.code.startswith(merger.successor.code)) == (DossierStatus.RECEIVED, True)


def test_an_officer_who_holds_the_steps_role_at_the_successor_keeps_the_step():
    merger = Merger()
    world = merger.world
    StaffRole.objects.create(user=world.specialist, agency=merger.successor, role="specialist")
    step = merger.processing.active_step

    merger.hand_over()

    saved = DossierStep.objects.get(pk=step.pk)
    assert (saved.agency_id, saved.assignee_id, saved.state) == (merger.successor.pk, world.specialist.pk, step.state)
    event = DossierEvent.objects.get(dossier=merger.processing, action="agency_handover")
    assert event.data["steps"][0] == {"step": step.pk, "from_user": world.specialist.pk, "to_user": world.specialist.pk}
    # The step is theirs still: they go on with it at the successor.
    assert merger.processing.pk in _inbox(world.specialist)


@pytest.mark.parametrize(
    ("role", "active"),
    [
        pytest.param("front_desk", True, id="another-role-there"),
        pytest.param("specialist", False, id="account-deactivated"),
    ],
)
def test_an_officer_without_the_steps_role_at_the_successor_loses_the_step(role, active):
    merger = Merger()
    world = merger.world
    StaffRole.objects.create(user=world.specialist, agency=merger.successor, role=role)
    type(world.specialist).objects.filter(pk=world.specialist.pk).update(is_active=active)
    step = merger.processing.active_step

    merger.hand_over()

    saved = DossierStep.objects.get(pk=step.pk)
    assert (saved.agency_id, saved.assignee_id) == (merger.successor.pk, None)


def test_the_dossier_codes_already_issued_do_not_change():
    merger = Merger()
    code = merger.processing.code
    assert code.startswith(merger.old.code)

    merger.hand_over()

    assert _fresh(merger.processing).code == code
    assert _fresh(merger.submitted).code == merger.submitted.code


def test_steps_at_the_agency_move_while_the_dossier_stays_where_it_was_received():
    merger = Merger()
    receiving = AgencyFactory()
    desk = officer(receiving, "front_desk")
    procedure = ProcedureFactory(agencies=[receiving])  # not handled by the successor: no matter for a step
    template_add(procedure, [("Tiếp nhận", "front_desk", None, "4"), ("Thẩm định", "specialist", merger.old, "36")])
    draft = dossier_create_at_counter(by=desk, procedure=procedure, applicant=merger.world.applicant)
    dossier = dossier_receive(by=desk, dossier=draft, at=RECEIVED)

    result = merger.hand_over()

    saved = _fresh(dossier)
    assert (result.dossiers, result.received) == (3, 2)
    assert saved.receiving_agency_id == receiving.pk
    assert [agency for _o, agency, *_rest in _steps(dossier)] == [receiving.pk, merger.successor.pk]
    event = DossierEvent.objects.get(dossier=dossier, action="agency_handover")
    assert event.data["receiving_agency"] is False


def test_the_agency_is_made_inactive_in_the_same_transaction_when_asked():
    merger = Merger()

    result = merger.hand_over(deactivate=True)

    assert result.deactivated is True
    assert Agency.objects.get(pk=merger.old.pk).is_active is False
    assert agency_open_work(agency=merger.old) == OpenWork(dossiers=0, steps=0, step_dossiers=0)


def test_an_agency_already_inactive_hands_over_what_was_stuck_there():
    merger = Merger()
    Agency.objects.filter(pk=merger.old.pk).update(is_active=False)
    merger.old.refresh_from_db()

    result = merger.hand_over()

    assert (result.dossiers, result.deactivated) == (2, False)
    assert merger.processing.pk in _inbox(merger.specialist)


def test_handing_over_again_moves_nothing():
    merger = Merger()
    merger.hand_over()

    again = merger.hand_over()

    assert again == HandOver(dossiers=0, received=0, steps=0, deactivated=False)
    assert DossierEvent.objects.filter(action="agency_handover").count() == 2


def test_the_open_work_is_counted():
    merger = Merger()

    work = agency_open_work(agency=merger.old)

    assert work == OpenWork(dossiers=2, steps=merger.processing.steps.count(), step_dossiers=1)


# --- Refusals --------------------------------------------------------------------------------------


def _nothing_moved(merger: Merger) -> None:
    assert DossierEvent.objects.filter(action="agency_handover").count() == 0
    assert _fresh(merger.processing).receiving_agency_id == merger.old.pk
    assert set(DossierStep.objects.filter(dossier=merger.processing).values_list("agency_id", flat=True)) == {
        merger.old.pk
    }


def test_the_agency_itself_is_not_its_successor():
    merger = Merger()

    with pytest.raises(InvalidInput) as refused:
        merger.hand_over(successor=merger.old)

    assert (refused.value.code, refused.value.field) == ("same_agency", "successor")
    assert refused.value.message == "An agency cannot hand its work over to itself: choose its successor."
    _nothing_moved(merger)


def test_an_inactive_successor_is_refused():
    merger = Merger()
    Agency.objects.filter(pk=merger.successor.pk).update(is_active=False)
    merger.successor.refresh_from_db()

    with pytest.raises(InvalidInput) as refused:
        merger.hand_over()

    assert (refused.value.code, refused.value.field) == ("agency_inactive", "successor")
    assert refused.value.message == (
        f"{merger.successor.name} is no longer active: the work must go to an agency that is."
    )
    _nothing_moved(merger)


def test_a_successor_not_handling_a_moved_dossiers_procedure_is_refused_with_the_procedures_listed():
    merger = Merger()
    merger.world.procedure.agencies.remove(merger.successor)

    with pytest.raises(InvalidInput) as refused:
        merger.hand_over()

    procedure = merger.world.procedure
    assert (refused.value.code, refused.value.field) == ("agency_not_implementing", "successor")
    assert refused.value.message == (
        f"{merger.successor.name} does not handle these procedures of the dossiers to hand over: "
        f"{procedure.code} {procedure.name}. Assign them to it in the catalog first."
    )
    _nothing_moved(merger)


def test_a_reason_is_required():
    merger = Merger()

    with pytest.raises(InvalidInput) as refused:
        merger.hand_over(reason="  ")

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    _nothing_moved(merger)


def test_only_a_province_administrator_hands_work_over():
    merger = Merger()

    with pytest.raises(NotAllowed) as refused:
        merger.hand_over(by=merger.world.leader)

    assert refused.value.code == "role_required"
    _nothing_moved(merger)
    province = officer(AgencyFactory(), "province_admin")
    assert merger.hand_over(by=province).dossiers == 2


# --- The command line ------------------------------------------------------------------------------


def test_the_command_hands_over_and_deactivates():
    merger = Merger()
    out = StringIO()

    call_command("agency_hand_over", merger.old.code, merger.successor.code, reason=REASON, deactivate=True, stdout=out)

    assert out.getvalue() == f"{_summary(merger)} The agency is now inactive.\n"
    assert Agency.objects.get(pk=merger.old.pk).is_active is False
    assert merger.processing.pk in _inbox(merger.specialist)
    assert DossierEvent.objects.get(dossier=merger.processing, action="agency_handover").actor is None


def test_the_command_names_an_unknown_agency_and_a_refusal():
    merger = Merger()

    with pytest.raises(CommandError, match=re.escape("No agency has the code XYZ.")):
        call_command("agency_hand_over", "XYZ", merger.successor.code, reason=REASON)
    with pytest.raises(CommandError, match="cannot hand its work over to itself"):
        call_command("agency_hand_over", merger.old.code, merger.old.code, reason=REASON)
    _nothing_moved(merger)


# --- The admin -------------------------------------------------------------------------------------


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


CHANGELIST = "/admin/directory/agency/"


def test_the_admin_action_asks_for_the_successor_then_hands_over(english):
    merger = Merger()
    inactive = AgencyFactory(is_active=False)
    selection = {"action": "hand_over_open_work", "_selected_action": [merger.old.pk]}

    page = english.post(CHANGELIST, selection)

    assert page.status_code == 200
    form = page.context["form"]
    choices = set(form.fields["successor"].queryset)
    assert merger.successor in choices
    assert not choices & {merger.old, inactive}
    assert page.context["work"] == [
        (merger.old, OpenWork(dossiers=2, steps=merger.processing.steps.count(), step_dossiers=1))
    ]
    assert "Dossiers it receives" in page.content.decode()

    done = english.post(
        CHANGELIST,
        {**selection, "apply": "1", "successor": merger.successor.pk, "reason": REASON, "deactivate": "on"},
        follow=True,
    )

    assert done.redirect_chain[-1][1] == 302
    messages = [str(m) for m in done.context["messages"]]
    assert messages == [f"{_summary(merger)} The agency is now inactive."]
    assert Agency.objects.get(pk=merger.old.pk).is_active is False
    assert _fresh(merger.processing).receiving_agency_id == merger.successor.pk


def test_the_admin_action_shows_a_refusal_on_the_form(english):
    merger = Merger()
    merger.world.procedure.agencies.remove(merger.successor)
    selection = {"action": "hand_over_open_work", "_selected_action": [merger.old.pk]}

    page = english.post(CHANGELIST, {**selection, "apply": "1", "successor": merger.successor.pk, "reason": REASON})

    assert page.status_code == 200
    assert (
        page.context["form"]
        .errors["successor"][0]
        .startswith(f"{merger.successor.name} does not handle these procedures")
    )
    _nothing_moved(merger)
    assert Agency.objects.get(pk=merger.old.pk).is_active is True


def test_a_get_changes_nothing(english):
    merger = Merger()

    english.get(CHANGELIST, {"action": "hand_over_open_work", "_selected_action": merger.old.pk, "apply": "1"})

    _nothing_moved(merger)


@pytest.mark.parametrize(
    ("status", "substatus", "moves"),
    [
        pytest.param(DossierStatus.RESOLVED, Substatus.RESULT_READY, True, id="result-to-hand-over"),
        pytest.param(DossierStatus.RETURNED, Substatus.RESULT_READY, True, id="brought-back-by-the-post"),
        pytest.param(DossierStatus.RETURNED, Substatus.RESULT_AWAITING_CONFIRMATION, True, id="on-its-way-by-post"),
        pytest.param(DossierStatus.RETURNED, Substatus.RESULT_HANDED_OVER, False, id="handed-over"),
        pytest.param(DossierStatus.WITHDRAWN, Substatus.NONE, False, id="withdrawn"),
    ],
)
def test_a_result_still_at_the_agency_moves_and_a_closed_dossier_does_not(status, substatus, moves):
    merger = Merger()
    Dossier.objects.filter(pk=merger.submitted.pk).update(status=status, substatus=substatus)
    dossier = _fresh(merger.submitted)

    merger.hand_over()

    assert (_fresh(dossier).receiving_agency_id == merger.successor.pk) is moves
    # The transitions table's row says the same.
    refusal = HANDOVER_ROW.guard(Context(dossier=dossier, user=merger.admin, at=RECEIVED))
    assert (status in HANDOVER_ROW.sources and refusal is None) is moves


def test_the_admin_action_refuses_a_staff_user_who_is_not_a_province_administrator(client):
    merger = Merger()
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="directory", codename="change_agency"))
    officer_login(client, clerk)  # the OTP admin: a second factor verified
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    selection = {"action": "hand_over_open_work", "_selected_action": [merger.old.pk]}

    page = client.post(CHANGELIST, {**selection, "apply": "1", "successor": merger.successor.pk, "reason": REASON})

    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == [
        "Only a province administrator may hand an agency's work over to another."
    ]
    _nothing_moved(merger)
