"""The whole lifecycle through the services, with due dates, events and audit entries."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.audit import audit_verify
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.documents import pdf_verify
from chinhquyen.dossiers.models import DocumentKind, Dossier, DossierEvent, DossierStatus, Outcome, StepState
from chinhquyen.dossiers.selectors import dossier_timeline
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result, dossier_return
from tests.dossiers.factories import AgencyFactory, World, officer, pdf_bytes, template_add, vn

pytestmark = pytest.mark.django_db


def test_counter_to_return_with_steps_events_and_audit():
    world = World(days=5)

    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # a Monday
    steps = list(dossier.steps.order_by("order"))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 5, 9, 0))
    pdf = SimpleUploadedFile("ket-qua.pdf", pdf_bytes(), content_type="application/pdf")
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, upload=pdf, at=vn(2026, 3, 5, 10, 0))
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 9, 8, 0))

    assert dossier.code.endswith("-260302-0001")
    assert dossier.due_at == vn(2026, 3, 9, 8, 0)  # 40 working hours
    # 70 % / 20 % / 10 % of 40 h, consecutive.
    assert [(s.role, s.due_at) for s in steps] == [
        ("specialist", vn(2026, 3, 5, 13, 30)),
        ("leader", vn(2026, 3, 6, 13, 30)),
        ("front_desk", vn(2026, 3, 9, 8, 0)),
    ]
    assert [(s.state, s.outcome) for s in dossier.steps.order_by("order")] == [
        (StepState.DONE, Outcome.EARLY),
        (StepState.DONE, Outcome.EARLY),
        (StepState.DONE, Outcome.EARLY),  # the front desk's: the result ready on 5 March, collected on 9 March
    ]
    # Judged by the result's issue on 5 March, before the due day, not by the hand-over on 9 March.
    assert (dossier.status, dossier.outcome, dossier.return_method) == (DossierStatus.RETURNED, "early", "counter")
    assert (dossier.resolved_at, dossier.returned_at) == (vn(2026, 3, 5, 10, 0), vn(2026, 3, 9, 8, 0))
    assert dossier.version == 5  # one bump per transition after the creation
    result = dossier.documents.get(kind=DocumentKind.RESULT)
    assert (result.content_type, result.signed) == ("application/pdf", True)
    assert pdf_verify(pdf=result.file.read()).valid
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", "from_status", "to_status"))
    assert actions == [
        ("create", None, 0),
        ("receive", 0, 2),
        ("forward", 2, 4),
        ("approve", 4, 4),
        ("issue_result", 4, 9),
        ("return", 9, 10),
    ]
    assert [e.action for e in dossier_timeline(dossier=dossier, for_applicant=True)] == [
        "create",
        "receive",
        "issue_result",
        "return",
    ]
    assert AuditEntry.objects.filter(target=f"dossier:{dossier.pk}").count() == 6
    assert audit_verify().ok


def _issued(world, *, issued_at):
    """A dossier received on Monday 2 March 08:00 (due 9 March 08:00) whose result is issued at ``issued_at``."""
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    return dossier_issue_result(by=world.front_desk, dossier=dossier, at=issued_at)


@pytest.mark.parametrize(
    ("issued_at", "returned_at", "outcome"),
    [
        pytest.param(vn(2026, 3, 5, 10, 0), vn(2026, 3, 10, 9, 0), Outcome.EARLY, id="collected-after-the-due-date"),
        pytest.param(vn(2026, 3, 9, 7, 45), vn(2026, 3, 12, 9, 0), Outcome.ON_TIME, id="issued-on-the-due-day"),
        pytest.param(vn(2026, 3, 9, 9, 0), vn(2026, 3, 9, 9, 30), Outcome.LATE, id="issued-after-the-due-instant"),
    ],
)
def test_outcome_is_judged_by_when_the_result_was_issued_not_when_it_was_collected(issued_at, returned_at, outcome):
    world = World(days=5)
    issued = _issued(world, issued_at=issued_at)
    assert (issued.status, issued.resolved_at, issued.outcome) == (DossierStatus.RESOLVED, issued_at, "")

    returned = dossier_return(by=world.front_desk, dossier=issued, method="counter", at=returned_at)

    returned.refresh_from_db()
    assert (returned.due_at, returned.resolved_at, returned.returned_at) == (
        vn(2026, 3, 9, 8, 0),
        issued_at,
        returned_at,
    )
    assert returned.outcome == outcome
    event = DossierEvent.objects.get(dossier=returned, action="return")
    assert event.data == {"method": "counter", "outcome": outcome.value}


def test_outcome_of_a_dossier_resolved_before_resolved_at_existed_is_judged_by_the_hand_over():
    world = World(days=5)
    issued = _issued(world, issued_at=vn(2026, 3, 5, 10, 0))
    Dossier.objects.filter(pk=issued.pk).update(resolved_at=None)

    returned = dossier_return(by=world.front_desk, dossier=issued.pk, method="counter", at=vn(2026, 3, 10, 9, 0))

    assert (returned.resolved_at, returned.outcome) == (None, Outcome.LATE)


def test_migration_fills_resolved_at_from_the_latest_issue_event():
    migration = importlib.import_module("chinhquyen.dossiers.migrations.0008_dossier_resolved_at")
    world = World(days=5)
    resolved = _issued(world, issued_at=vn(2026, 3, 5, 10, 0))
    returned = dossier_return(
        by=world.front_desk, dossier=_issued(world, issued_at=vn(2026, 3, 6, 9, 0)), method="counter"
    )
    processing = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    Dossier.objects.update(resolved_at=None)

    migration.fill_resolved_at(apps, None)

    filled = dict(Dossier.objects.filter(applicant=world.applicant).values_list("pk", "resolved_at"))
    assert filled == {
        resolved.pk: vn(2026, 3, 5, 10, 0),
        returned.pk: vn(2026, 3, 6, 9, 0),
        processing.pk: None,
    }


def test_template_steps_with_reception_step_done_at_reception():
    world = World(days=2)
    other = AgencyFactory()
    other_specialist = officer(other, "specialist")
    template_add(
        world.procedure,
        [
            ("Tiếp nhận", "front_desk", None, "2"),
            ("Thẩm định", "specialist", other, "10"),
            ("Phê duyệt", "leader", None, "4"),
        ],
    )

    dossier = world.received(at=vn(2026, 3, 2, 7, 30))

    steps = list(dossier.steps.order_by("order"))
    assert [(s.agency_id, s.role, s.state, s.due_at) for s in steps] == [
        (world.agency.pk, "front_desk", "done", vn(2026, 3, 2, 9, 30)),
        (other.pk, "specialist", "active", vn(2026, 3, 3, 11, 30)),
        (world.agency.pk, "leader", "pending", vn(2026, 3, 3, 17, 0)),
    ]
    assert dossier.active_step == steps[1]
    assert steps[0].outcome == "on_time"  # finished on its due day
    forwarded = dossier_forward(by=other_specialist, dossier=dossier, at=vn(2026, 3, 3, 8, 0))
    assert forwarded.active_step == steps[2]


def test_forward_query_count_stays_low(django_assert_max_num_queries):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    # lock, roles, next step, steps, dossier, event, audit (3), plus savepoint/transaction statements
    with django_assert_max_num_queries(12):
        dossier_forward(by=world.specialist, dossier=dossier)


def test_admin_is_read_only(rf):
    from django.contrib.admin.sites import site

    from chinhquyen.dossiers.models import Dossier

    model_admin = site._registry[Dossier]
    request = rf.get("/")
    request.user = World().leader

    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)
