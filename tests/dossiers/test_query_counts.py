"""Exact SQL query counts of a whole lifecycle, transition by transition (the hot path of every dossier).

Each transition is: begin, lock the dossier with its active step (one SELECT ... FOR UPDATE), the actor's
roles (one query), what the transition itself reads and writes, the dossier's UPDATE, the event's INSERT,
the audit entry (lock the chain head, INSERT, move the head), commit. A count that grows is a regression.
"""

import pytest

from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_create_at_counter,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_return,
)
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

# begin + lock + roles + dossier + event + audit (3) + commit
TRANSITION = 9


def test_lifecycle_query_counts(django_assert_num_queries):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))  # builds the working calendar and the audit chain head
    fd, specialist, leader = world.front_desk, world.specialist, world.leader

    # roles + begin + insert + event + audit (3) + commit: no lock, no version check on a new dossier
    with django_assert_num_queries(8):
        dossier = dossier_create_at_counter(by=fd, procedure=world.procedure, applicant=world.applicant)
    # + the procedure's process template, the steps' bulk INSERT, the day's code counter (one upsert)
    with django_assert_num_queries(TRANSITION + 3):
        dossier = dossier_receive(by=fd, dossier=dossier)
    # + the next step, finishing the active step, starting the next one
    with django_assert_num_queries(TRANSITION + 3):
        dossier = dossier_forward(by=specialist, dossier=dossier)
    with django_assert_num_queries(TRANSITION + 3):
        dossier = dossier_approve(by=leader, dossier=dossier)
    with django_assert_num_queries(TRANSITION):
        dossier = dossier_issue_result(by=fd, dossier=dossier)
    # + finishing the front desk's step
    with django_assert_num_queries(TRANSITION + 1):
        dossier = dossier_return(by=fd, dossier=dossier, method="counter")

    assert dossier.status == 10


def test_forward_to_the_return_step_creates_it_in_one_insert(django_assert_num_queries):
    from tests.dossiers.factories import template_add

    world = World()
    template_add(world.procedure, [("Thẩm định", "specialist", None, "30"), ("Phê duyệt", "leader", None, "10")])
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=vn(2026, 3, 2, 8, 0)))

    # the next step (none), finishing the leader's step, inserting the front desk's
    with django_assert_num_queries(TRANSITION + 3):
        dossier = dossier_approve(by=world.leader, dossier=dossier)

    assert dossier.active_step.role == "front_desk"
