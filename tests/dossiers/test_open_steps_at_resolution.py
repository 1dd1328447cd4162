"""A dossier resolved or returned has no processing step left to do.

With a front desk's step in the middle of the process (the commune's front desk sending the dossier on to the
district, which decides it), the guards of ``approve`` and ``issue_result`` once read a front desk's step next as
the last one: the commune's leader approved, the commune's front desk issued and handed the result over, and the
dossier was returned (status 10) with the district's steps still pending. Whether a step is pending after the next
one now comes with the dossier's lock (``transitions.steps_after_next``), so no query is added.
"""

import pytest

from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import DossierStatus, DossierStep
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result, dossier_return
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db


def _at_the_communes_leader():
    world = World()
    district = AgencyFactory()
    world.district_specialist, world.district_leader = officer(district, "specialist"), officer(district, "leader")
    template_add(
        world.procedure,
        [
            ("Thụ lý xã", "specialist", None, "12"),
            ("Xác nhận xã", "leader", None, "4"),
            ("Chuyển hồ sơ lên huyện", "front_desk", None, "4"),
            ("Thụ lý huyện", "specialist", district, "12"),
            ("Phê duyệt huyện", "leader", district, "8"),
        ],
    )
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    return world, dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))


@pytest.mark.parametrize(
    ("call", "code"),
    [(dossier_approve, "leader_step_later"), (dossier_issue_result, "steps_remaining")],
    ids=["approve", "issue_result"],
)
def test_the_communes_leader_neither_approves_nor_issues_while_the_districts_steps_remain(call, code):
    world, dossier = _at_the_communes_leader()

    with pytest.raises(TransitionRefused) as refusal:
        call(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))

    assert refusal.value.code == code


def test_the_dossier_goes_on_to_the_district_decides_it_and_is_returned_with_every_step_done():
    world, dossier = _at_the_communes_leader()

    dossier = dossier_forward(by=world.leader, dossier=dossier, at=vn(2026, 3, 2, 10, 0))
    dossier = dossier_forward(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 11, 0))
    dossier = dossier_forward(by=world.district_specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.district_leader, dossier=dossier, at=vn(2026, 3, 3, 10, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, text="Kết quả", at=vn(2026, 3, 3, 11, 0))
    dossier = dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=vn(2026, 3, 3, 14, 0))

    steps = DossierStep.objects.filter(dossier=dossier, consultation=False).order_by("order")
    assert dossier.status == DossierStatus.RETURNED
    assert [(s.name, s.state) for s in steps] == [
        ("Thụ lý xã", "done"),
        ("Xác nhận xã", "done"),
        ("Chuyển hồ sơ lên huyện", "done"),
        ("Thụ lý huyện", "done"),
        ("Phê duyệt huyện", "done"),
        ("Trả kết quả", "done"),
    ]
