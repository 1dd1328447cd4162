"""Exact SQL query counts of a whole lifecycle, transition by transition (the hot path of every dossier).

A transition is one read and one write. On PostgreSQL: begin, lock the dossier with its active step and
the actor's roles (one SELECT ... FOR UPDATE), what the transition itself reads, one statement writing
the steps, the dossier, the event and the audit entry (a WITH of data-modifying statements), commit.
On SQLite, whose statements cost no round trip, each write is its own statement and the audit entry
takes three (move the head, store its hash, insert). A count that grows is a regression.
"""

import pytest
from django.db import connection, transaction

from chinhquyen.core.audit import audit_verify
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_create_at_counter,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_return,
)
from chinhquyen.dossiers.services.base import NEXT_STEP, dossier_lock
from chinhquyen.dossiers.transitions import step_after
from tests.dossiers.factories import World, template_add, vn

pytestmark = pytest.mark.django_db

# The last statement: on PostgreSQL one for the event, the audit entry and every row UPDATE; on SQLite the
# event's INSERT and three for the audit entry, and one more per row UPDATE (the dossier's included).
WRITE = {"postgresql": 1, "sqlite": 4}
ROW = {"postgresql": 0, "sqlite": 1}
# begin + lock + the write (with the dossier's UPDATE) + commit
BASE = {vendor: 3 + WRITE[vendor] + ROW[vendor] for vendor in WRITE}


def _counts() -> dict[str, int]:
    base, row = BASE[connection.vendor], ROW[connection.vendor]
    return {
        # the actor's roles, whether the agency handles the procedure, the dossier's INSERT, the write (no
        # lock: the dossier is new). Creation takes no savepoint inside a caller's transaction (this test's):
        # alone it adds BEGIN and COMMIT.
        "create": 3 + WRITE[connection.vendor],
        # + the limit of the dossier's channel, the procedure's process template, the steps' bulk INSERT, the
        # day's code counter (one upsert)
        "receive": base + 4,
        # the next pending step comes with the lock; finishing the active step and starting the next are
        # two row UPDATEs
        "forward": base + 2 * row,
        "approve": base + 2 * row,
        "issue_result": base,
        # finishing the front desk's step is a row UPDATE
        "return": base + row,
    }


def test_lifecycle_query_counts(django_assert_num_queries):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))  # builds the working calendar and the audit chain head
    fd, specialist, leader = world.front_desk, world.specialist, world.leader
    expected = _counts()

    with django_assert_num_queries(expected["create"]):
        dossier = dossier_create_at_counter(by=fd, procedure=world.procedure, applicant=world.applicant)
    with django_assert_num_queries(expected["receive"]):
        dossier = dossier_receive(by=fd, dossier=dossier)
    with django_assert_num_queries(expected["forward"]):
        dossier = dossier_forward(by=specialist, dossier=dossier)
    with django_assert_num_queries(expected["approve"]):
        dossier = dossier_approve(by=leader, dossier=dossier)
    with django_assert_num_queries(expected["issue_result"]):
        dossier = dossier_issue_result(by=fd, dossier=dossier)
    with django_assert_num_queries(expected["return"]):
        dossier = dossier_return(by=fd, dossier=dossier, method="counter")

    assert dossier.status == 10
    # 30 and 58 in production, where creation's transaction adds its BEGIN and COMMIT
    assert sum(expected.values()) == {"postgresql": 28, "sqlite": 56}[connection.vendor]
    assert audit_verify().ok is True
    assert audit_verify().count == 12 + 2  # two lifecycles' transitions, the second without its last four


def test_claim_costs_one_read_and_one_write(django_assert_num_queries):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with django_assert_num_queries(BASE[connection.vendor] + ROW[connection.vendor]):
        dossier = dossier_claim(by=world.specialist, dossier=dossier)

    dossier.active_step.refresh_from_db()
    assert dossier.active_step.assignee_id == world.specialist.pk


def test_forward_to_the_return_step_creates_it_in_one_insert(django_assert_num_queries):
    world = World()
    template_add(world.procedure, [("Thẩm định", "specialist", None, "30"), ("Phê duyệt", "leader", None, "10")])
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    base, row = BASE[connection.vendor], ROW[connection.vendor]

    # no next step (read with the lock), inserting the front desk's (now: the dossier points at it),
    # finishing the leader's
    with django_assert_num_queries(base + 1 + row):
        dossier = dossier_approve(by=world.leader, dossier=dossier)

    assert dossier.active_step.role == "front_desk"
    assert dossier.active_step.state == "active"


@pytest.mark.parametrize(
    ("other_agency", "agency_query"),
    [pytest.param(False, 0, id="steps-in-the-receiving-agency"), pytest.param(True, 1, id="a-step-elsewhere")],
)
def test_receive_reads_the_template_in_one_query_and_named_agencies_in_one_more(
    django_assert_num_queries, other_agency, agency_query
):
    from tests.dossiers.factories import AgencyFactory

    world = World()
    elsewhere = AgencyFactory() if other_agency else None
    template_add(world.procedure, [("Thẩm định", "specialist", elsewhere, "30"), ("Phê duyệt", "leader", None, "10")])
    draft = world.draft(at=vn(2026, 3, 2, 8, 0))
    world.received(at=vn(2026, 3, 2, 8, 0))  # builds the working calendar

    with django_assert_num_queries(BASE[connection.vendor] + 4 + agency_query):
        dossier = dossier_receive(by=world.front_desk, dossier=draft, at=vn(2026, 3, 2, 9, 0))

    steps = list(dossier.steps.order_by("order").values_list("name", "agency_id", "state"))
    assert steps == [
        ("Thẩm định", elsewhere.pk if elsewhere else world.agency.pk, "active"),
        ("Phê duyệt", world.agency.pk, "pending"),
    ]


def test_the_next_step_read_with_the_lock_is_the_first_pending_one_after_the_active_step(django_assert_num_queries):
    world = World()
    template_add(
        world.procedure,
        [("Thẩm định", "specialist", None, "20"), ("Kiểm tra", "specialist", None, "10"), ("Ký", "leader", None, "10")],
    )
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))
    assert dossier.active_step.name == "Kiểm tra"

    with transaction.atomic():
        locked = dossier_lock(dossier=dossier.pk, related=(NEXT_STEP,))
        last = dossier_lock(
            dossier=dossier_approve(by=world.leader, dossier=dossier_forward(by=world.specialist, dossier=dossier)).pk,
            related=(NEXT_STEP,),
        )

    with django_assert_num_queries(0):
        assert (step_after(locked).name, step_after(locked).state) == ("Ký", "pending")
        assert last.active_step.role == "front_desk"
        assert step_after(last) is None
