"""Form 06 names who received each hand-off as it was then: a later reassignment does not rewrite earlier rows."""

import pytest

from chinhquyen.dossiers.documents import slip_data_for
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_forward,
    dossier_reassign,
    dossier_send_back,
)
from tests.dossiers.factories import AgencyFactory, World, officer, template_add, vn

pytestmark = pytest.mark.django_db


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def _receivers(dossier):
    rows = slip_data_for(dossier=Dossier.objects.get(pk=dossier.pk), kind="06")["handoffs"]
    return [(r["from_person"], r["to_person"], r["note"]) for r in rows]


@pytest.fixture
def world():
    world = World(days=5)
    _named(world.front_desk, "An", "Nguyễn Văn")
    _named(world.specialist, "Xuân", "Trần Thị")
    _named(world.leader, "Bình", "Phạm Văn")
    return world


def test_the_officer_who_claimed_the_step_stays_its_receiver_after_a_reassignment(world):
    other = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    before = _receivers(dossier)

    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=other, at=vn(2026, 3, 3, 8, 0))

    assert before == [("Nguyễn Văn An", "Trần Thị Xuân", "")]
    assert _receivers(dossier) == before
    # The new officer forwards: the file left the step in her hands, and the reception row still names Xuân.
    dossier = dossier_forward(by=other, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    assert _receivers(dossier) == [("Nguyễn Văn An", "Trần Thị Xuân", ""), ("Lê Thị Yến", "", "")]


def test_a_step_nobody_claimed_is_received_by_the_first_officer_assigned_it(world):
    deputy = _named(officer(world.agency, "leader"), "Cường", "Đỗ Văn")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))

    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=deputy, at=vn(2026, 3, 2, 10, 0))
    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=world.leader, at=vn(2026, 3, 2, 11, 0))

    assert _receivers(dossier) == [
        ("Nguyễn Văn An", "Trần Thị Xuân", ""),  # who forwarded it had it, though she never claimed it
        ("Trần Thị Xuân", "Đỗ Văn Cường", ""),  # the first assigned, not the leader holding it now
    ]


def test_the_officer_named_by_the_forward_receives_it(world):
    template_add(world.procedure, [("Kiểm tra", "specialist", None, "8"), ("Thẩm định", "specialist", None, "24")])
    examiner = _named(officer(world.agency, "specialist"), "Hà", "Vũ Thu")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    dossier = dossier_forward(by=world.specialist, dossier=dossier, to_user=examiner, at=vn(2026, 3, 2, 9, 0))

    assert _receivers(dossier) == [("Nguyễn Văn An", "Trần Thị Xuân", ""), ("Trần Thị Xuân", "Vũ Thu Hà", "")]


def test_a_dossier_sent_back_returns_to_the_officer_of_the_earlier_step_whatever_happens_next(world):
    other = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
    dossier = dossier_send_back(by=world.leader, dossier=dossier, reason="Bổ sung lý do", at=vn(2026, 3, 2, 10, 0))
    rows = [
        ("Nguyễn Văn An", "Trần Thị Xuân", ""),
        ("Trần Thị Xuân", "Phạm Văn Bình", ""),  # the leader sent it back: he had it
        ("Phạm Văn Bình", "Trần Thị Xuân", "Bổ sung lý do"),
    ]
    assert _receivers(dossier) == rows

    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=other, at=vn(2026, 3, 3, 8, 0))
    dossier = dossier_forward(by=other, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 3, 10, 0))

    assert _receivers(dossier) == [
        *rows,
        ("Lê Thị Yến", "Phạm Văn Bình", ""),
        ("Phạm Văn Bình", "", ""),  # the step returning the result: nobody has taken it yet
    ]


def test_a_consultations_answer_goes_back_to_the_officer_who_asked(world):
    partner = AgencyFactory()
    answering = _named(officer(partner, "specialist"), "Dũng", "Hoàng Văn")
    officer(partner, "leader")
    other = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_consult_agency(
        by=world.specialist, dossier=dossier, agency=partner, question="Ý kiến?", at=vn(2026, 3, 2, 9, 0)
    )
    dossier = dossier_forward(by=answering, dossier=dossier, note="Đồng ý", at=vn(2026, 3, 2, 14, 0))

    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=other, at=vn(2026, 3, 3, 8, 0))

    assert _receivers(dossier) == [
        ("Nguyễn Văn An", "Trần Thị Xuân", ""),
        ("Trần Thị Xuân", "Hoàng Văn Dũng", "Ý kiến?"),
        ("Hoàng Văn Dũng", "Trần Thị Xuân", "Đồng ý"),
    ]


def test_the_receivers_are_read_in_few_queries(world, django_assert_num_queries):
    other = _named(officer(world.agency, "specialist"), "Yến", "Lê Thị")
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_claim(by=world.specialist, dossier=dossier, at=vn(2026, 3, 2, 8, 30))
    dossier = dossier_reassign(by=world.leader, dossier=dossier, to_user=other, at=vn(2026, 3, 3, 8, 0))
    dossier = Dossier.objects.select_related("receiving_agency", "applicant", "procedure").get(pk=dossier.pk)

    with django_assert_num_queries(5):  # steps, the lead agency (its steps, then it), events, officers assigned
        slip_data_for(dossier=dossier, kind="06", lookup_url="https://x.test/")
