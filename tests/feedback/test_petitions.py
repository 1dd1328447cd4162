"""Petitions (phản ánh, kiến nghị): anyone files one; the agency responsible answers; a leader publishes."""

import re
from datetime import datetime

import pytest
from django.utils import translation

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.errors import PetitionRefused
from chinhquyen.feedback.models import PetitionEvent, PetitionStatus
from chinhquyen.feedback.transitions import TRANSITIONS
from chinhquyen.workcal.engine import TZ
from tests.catalog.factories import ProcedureFactory
from tests.factories import AgencyFactory, UserFactory

from .helpers import agency_with_staff, answered, petition, province_admin, published, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(call, **kwargs) -> str:
    with pytest.raises(PetitionRefused) as info:
        call(**kwargs)
    return info.value.code


def invalid(**overrides) -> tuple[str, str, str]:
    with pytest.raises(InvalidInput) as info:
        petition(**overrides)
    return info.value.code, info.value.field, info.value.message


# --- Filing -------------------------------------------------------------------------------------------


def test_anyone_files_a_petition_and_gets_a_reference_code_and_a_due_date():
    staffed = agency_with_staff()

    filed = petition(about=staffed.agency, at=vn(2026, 3, 2, 9, 0))

    assert re.fullmatch(r"PAKN-260302-[A-HJ-NP-Z2-9]{6}", filed.code)
    assert (filed.status, filed.agency, filed.about_agency) == ("received", staffed.agency, staffed.agency)
    assert (filed.sender_user, filed.sender_phone, filed.sender_email) == (None, "0912345678", "an@example.vn")
    # Ten working days from Monday 2 March 2026, 9:00.
    assert filed.due_at.astimezone(TZ) == datetime(2026, 3, 16, 9, 0, tzinfo=TZ)
    event = PetitionEvent.objects.get(petition=filed)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("file", "", "received", None)
    entry = AuditEntry.objects.get(action="petition.file")
    assert entry.data == {"code": filed.code, "agency": staffed.agency.pk, "procedure": None}
    assert "Nguyễn" not in str(entry.data)


def test_a_petition_about_a_procedure_goes_to_its_only_agency_else_waits_for_routing():
    one = AgencyFactory()
    single = ProcedureFactory(agencies=[one])
    shared = ProcedureFactory(agencies=[one, AgencyFactory()])

    assert (
        services.petition_file(
            subject="S", content="Nội dung đủ dài.", sender_name="A", sender_phone="0912345678", procedure=single
        ).agency
        == one
    )
    assert (
        services.petition_file(
            subject="S", content="Nội dung đủ dài.", sender_name="A", sender_phone="0912345678", procedure=shared
        ).agency
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sender_name": "  "}, ("required", "sender_name", "Enter your name.")),
        (
            {"sender_address": "", "sender_phone": "", "sender_email": ""},
            (
                "contact_required",
                "sender_address",
                "Give an address, a phone number or an e-mail address, so that the agency can reach you.",
            ),
        ),
        ({"sender_phone": "12ab"}, ("invalid_phone", "sender_phone", "Enter a valid phone number.")),
        ({"sender_phone": "1234"}, ("invalid_phone", "sender_phone", "Enter a valid phone number.")),
        ({"sender_email": "an@"}, ("invalid_email", "sender_email", "Enter a valid e-mail address.")),
        ({"subject": ""}, ("required", "subject", "Enter a subject.")),
        (
            {"content": "Ngắn"},
            ("required", "content", "Describe your report or proposal in at least 10 characters."),
        ),
        ({"subject": "x" * 201}, ("too_long", "subject", "Please use at most 200 characters.")),
    ],
    ids=["no-name", "no-contact", "phone-letters", "phone-short", "bad-email", "no-subject", "short", "long-subject"],
)
def test_filing_checks_the_sender_and_the_text(overrides, expected):
    assert invalid(**overrides) == expected


def test_a_signed_in_sender_is_remembered():
    user = UserFactory()

    filed = petition(sender_user=user)

    assert filed.sender_user == user
    assert AuditEntry.objects.get(action="petition.file").actor == user


# --- Handling -----------------------------------------------------------------------------------------


def test_the_whole_flow_assign_answer_publish_writes_events_and_audit():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)

    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency, note="Giao bộ phận một cửa")
    services.petition_answer(petition=filed, by=staffed.specialist, answer="Đã tiếp thu.", note="Gọi lại")
    services.petition_publish(petition=filed, by=staffed.leader)

    filed.refresh_from_db()
    assert (filed.status, filed.version, filed.answer, filed.answered_by) == (
        "published",
        3,
        "Đã tiếp thu.",
        staffed.specialist,
    )
    assert filed.published_at is not None
    events = list(filed.events.values_list("action", "to_status", "note"))
    assert events == [
        ("file", "received", ""),
        ("assign", "assigned", "Giao bộ phận một cửa"),
        ("answer", "answered", "Gọi lại"),
        ("publish", "published", ""),
    ]
    actions = list(AuditEntry.objects.filter(target=f"petition:{filed.pk}").values_list("action", "actor"))
    assert actions == [
        ("petition.file", None),
        ("petition.assign", staffed.leader.pk),
        ("petition.answer", staffed.specialist.pk),
        ("petition.publish", staffed.leader.pk),
    ]


def test_province_administrator_routes_a_petition_no_agency_has_yet():
    staffed = agency_with_staff()
    admin = province_admin()
    filed = petition()
    assert filed.agency is None
    assert selectors.petition_inbox(officer=staffed.leader) == []
    assert selectors.petition_inbox(officer=admin) == [filed]

    services.petition_assign(petition=filed, by=admin, agency=staffed.agency)

    assert (filed.status, filed.agency) == ("assigned", staffed.agency)
    assert selectors.petition_inbox(officer=staffed.leader) == [filed]


def test_agency_staff_cannot_take_a_petition_no_agency_has_yet():
    staffed = agency_with_staff()
    filed = petition()

    assert (
        refused(services.petition_assign, petition=filed, by=staffed.leader, agency=staffed.agency) == "role_required"
    )


def test_an_agency_passes_its_petition_on_to_another_which_then_answers():
    first, second = agency_with_staff("a"), agency_with_staff("b")
    filed = petition(about=first.agency)

    services.petition_assign(petition=filed, by=first.front_desk, agency=second.agency)

    assert refused(services.petition_answer, petition=filed, by=first.specialist, answer="x") == "role_required"
    services.petition_answer(petition=filed, by=second.specialist, answer="Trả lời.")
    assert filed.status == "answered"


def test_officers_of_another_agency_can_do_nothing_with_the_petition():
    staffed, other = agency_with_staff("a"), agency_with_staff("b")
    filed = answered(staffed)

    assert refused(services.petition_publish, petition=filed, by=other.leader) == "role_required"
    assert refused(services.petition_close, petition=filed, by=other.leader, reason="x") == "role_required"
    assert refused(services.petition_note_add, petition=filed, by=other.front_desk, note="x") == "role_required"
    assert selectors.petition_inbox(officer=other.leader) == []
    with pytest.raises(Exception, match="No such petition"):
        selectors.petition_get_for_officer(officer=other.leader, pk=filed.pk)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("front_desk", False), ("specialist", False), ("agency_admin", False), ("supervisor", False), ("leader", True)],
)
def test_only_a_leader_of_the_agency_publishes(role, allowed):
    staffed = agency_with_staff()
    filed = answered(staffed)
    user = UserFactory(is_staff=True)
    staff_role_grant(user=user, agency=staffed.agency, role=role)

    if allowed:
        assert services.petition_publish(petition=filed, by=user).status == "published"
    else:
        assert refused(services.petition_publish, petition=filed, by=user) == "role_required"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("front_desk", True), ("specialist", True), ("leader", True), ("agency_admin", False), ("supervisor", False)],
)
def test_front_desk_specialist_or_leader_of_the_agency_answers(role, allowed):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)
    user = UserFactory(is_staff=True)
    staff_role_grant(user=user, agency=staffed.agency, role=role)

    if allowed:
        assert services.petition_answer(petition=filed, by=user, answer="Trả lời.").status == "answered"
    else:
        assert refused(services.petition_answer, petition=filed, by=user, answer="Trả lời.") == "role_required"


def test_actions_out_of_order_are_refused_with_the_status_in_words():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)

    with pytest.raises(PetitionRefused) as info:
        services.petition_publish(petition=filed, by=staffed.leader)
    assert info.value.code == "transition_not_allowed"
    assert info.value.message == "The action “publish the answer” is not allowed while the petition is “Received”."
    assert refused(services.petition_answer, petition=filed, by=staffed.specialist, answer="x") == (
        "transition_not_allowed"
    )
    done = published(agency_with_staff("b"))
    assert refused(
        services.petition_close, petition=done, by=done.agency.staff_roles.get(role="leader").user, reason="x"
    ) == ("transition_not_allowed")


def test_a_stale_form_is_refused_and_changes_nothing():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency, expected_version=0)

    code = refused(services.petition_note_add, petition=filed, by=staffed.leader, note="Ghi chú", expected_version=0)

    assert code == "stale_version"
    assert filed.events.count() == 2


def test_closing_needs_a_reason_and_keeps_the_petition_unpublished():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)

    with pytest.raises(InvalidInput) as info:
        services.petition_close(petition=filed, by=staffed.leader, reason=" ")
    services.petition_close(petition=filed, by=staffed.leader, reason="Trùng với PAKN trước.")

    assert (info.value.code, info.value.field) == ("required", "reason")
    assert (filed.status, filed.closed_reason, filed.published_at) == ("closed", "Trùng với PAKN trước.", None)
    assert selectors.petitions_published() == []


def test_notes_are_internal_and_change_no_status():
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)

    services.petition_note_add(petition=filed, by=staffed.specialist, note="Đã gọi điện cho người gửi.")

    assert filed.status == "received"
    assert filed.events.last().note == "Đã gọi điện cho người gửi."
    assert selectors.petition_actions_for(petition=filed, user=staffed.specialist) == ["note"]
    assert selectors.petition_actions_for(petition=filed, user=staffed.leader) == ["assign", "close", "note"]


def test_the_sender_says_once_whether_the_answer_satisfied_them():
    staffed = agency_with_staff()
    sender = UserFactory()
    filed = answered(staffed, sender_user=sender)

    assert refused(services.petition_answer_rate, petition=filed, by=UserFactory(), satisfied=True) == "role_required"
    services.petition_answer_rate(petition=filed, by=sender, satisfied=False)

    assert (filed.sender_satisfied, filed.status) == (False, "answered")
    assert refused(services.petition_answer_rate, petition=filed, by=sender, satisfied=True) == "already_rated"


def test_the_sender_cannot_rate_before_the_answer():
    sender = UserFactory()
    filed = petition(sender_user=sender)

    assert refused(services.petition_answer_rate, petition=filed, by=sender, satisfied=True) == "transition_not_allowed"


def test_the_transitions_table_has_one_door_per_action():
    assert sorted({row.action for row in TRANSITIONS}) == [
        "answer",
        "assign",
        "close",
        "note",
        "publish",
        "rate_answer",
        "unpublish",
    ]
    assert {row.target for row in TRANSITIONS if row.action == "publish"} == {PetitionStatus.PUBLISHED}
