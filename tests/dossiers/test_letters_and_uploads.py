"""Apology/extension letters and uploads."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.errors import InvalidInput
from chinhquyen.dossiers.deadlines import letter_send_by
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import ApologyLetter, Dossier, LetterState
from chinhquyen.dossiers.selectors import apology_letter_send_by
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_document_add,
    dossier_documents_mark_received,
    dossier_request_supplement,
    dossier_supplement_provided,
)
from chinhquyen.dossiers.uploads import MAX_UPLOAD_BYTES
from chinhquyen.workcal.models import DateOverride, OverrideKind
from tests.catalog.factories import RequiredDocumentFactory
from tests.dossiers.factories import World, jpeg_bytes, pdf_bytes, png_bytes, vn

pytestmark = pytest.mark.django_db


def _letter(world, dossier, new_due=None, at=None):
    """A letter drafted for a dossier received on Monday 2 March 2026 08:00 (due Monday 9 March 08:00): by default
    at 09:00 that day, for Thursday 12 March 08:00."""
    return apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến",
        new_due_at=new_due or vn(2026, 3, 12, 8, 0),
        at=at or vn(2026, 3, 2, 9, 0),
    )


def test_letter_drafted_approved_by_head_and_sent_moves_due_date_once():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00
    letter = _letter(world, dossier)
    assert letter.agency == world.agency

    with pytest.raises(TransitionRefused) as info:
        apology_letter_approve(by=world.specialist, letter=letter, at=vn(2026, 3, 2, 10, 0))
    assert info.value.code == "role_required"
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 2, 10, 0))
    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 8, 0))

    dossier.refresh_from_db()
    assert (letter.state, dossier.due_at, dossier.original_due_at) == (
        LetterState.SENT,
        vn(2026, 3, 12, 8, 0),
        vn(2026, 3, 9, 8, 0),
    )
    assert dossier.steps.get(role="front_desk").due_at == vn(2026, 3, 12, 8, 0)
    with pytest.raises(TransitionRefused) as info:
        _letter(world, dossier, new_due=vn(2026, 3, 20, 8, 0), at=vn(2026, 3, 6, 9, 0))
    assert info.value.code == "second_extension"


def test_letter_sent_on_the_due_date_itself_is_refused():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00
    letter = apology_letter_approve(by=world.leader, letter=_letter(world, dossier), at=vn(2026, 3, 2, 10, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 9, 7, 30))
    with pytest.raises(TransitionRefused) as weekend:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 7, 10, 0))  # Saturday

    assert info.value.code == weekend.value.code == "letter_too_late"
    assert info.value.message == (
        "The letter must be sent at least one working day before the due date, 09/03/2026 08:00: "
        "by 06/03/2026 at the latest."
    )
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED


def test_letter_sent_on_the_last_working_day_before_the_due_date_is_accepted():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00
    letter = apology_letter_approve(by=world.leader, letter=_letter(world, dossier), at=vn(2026, 3, 2, 10, 0))

    # Friday 16:59 leaves less than 8 working hours, but the rule is one working day by date.
    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 16, 59))

    assert letter.state == LetterState.SENT
    assert letter_send_by(due_at=vn(2026, 3, 9, 8, 0)) == date(2026, 3, 6)
    assert letter_send_by(due_at=vn(2026, 2, 23, 8, 0)) == date(2026, 2, 13)  # over Tết 2026


def test_letter_needs_a_later_date_and_an_approval_before_sending():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(InvalidInput):
        _letter(world, dossier, new_due=vn(2026, 3, 9, 8, 0))
    letter = _letter(world, dossier)
    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 3, 8, 0))
    assert info.value.code == "letter_state"


def _paused_from_3_to_6_march(world, dossier):
    """A supplement asked on Tuesday 3 March 10:00 and supplied on Friday 6 March 10:00: due date + 24 h."""
    paused = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )
    return dossier_supplement_provided(by=world.front_desk, dossier=paused, at=vn(2026, 3, 6, 10, 0))


def test_letter_overtaken_by_a_supplement_pause_is_refused_at_sending_and_changes_nothing():
    # Given a letter for 10 March approved while the due date was 9 March 08:00,
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = _letter(world, dossier, new_due=vn(2026, 3, 10, 8, 0))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 2, 10, 0))
    # and a supplement pause that moved the due date to 12 March 08:00,
    dossier = _paused_from_3_to_6_march(world, dossier)
    assert dossier.due_at == vn(2026, 3, 12, 8, 0)
    steps_before = list(dossier.steps.order_by("order").values_list("due_at", flat=True))

    # when the letter is sent,
    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 10, 30))

    # then it is refused and neither the dossier, its steps nor the letter change.
    assert info.value.code == "letter_date_not_later"
    assert info.value.message == (
        "The due date has moved to 12/03/2026 08:00 since this letter was drafted, so the letter's new date, "
        "10/03/2026 08:00, is no longer later. Draft a new letter with a later date."
    )
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.due_at, after.extended_at, after.version) == (vn(2026, 3, 12, 8, 0), None, dossier.version)
    assert list(after.steps.order_by("order").values_list("due_at", flat=True)) == steps_before
    letter.refresh_from_db()
    assert (letter.state, letter.sent_at) == (LetterState.APPROVED, None)


def test_a_new_letter_later_than_the_moved_due_date_is_sent_and_keeps_the_date_it_replaced():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    first = _letter(world, dossier, new_due=vn(2026, 3, 10, 8, 0))
    apology_letter_approve(by=world.leader, letter=first, at=vn(2026, 3, 2, 10, 0))
    dossier = _paused_from_3_to_6_march(world, dossier)

    letter = _letter(world, dossier, new_due=vn(2026, 3, 13, 8, 0), at=vn(2026, 3, 6, 10, 10))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 6, 10, 20))
    letter = apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 10, 30))

    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extended_at) == (vn(2026, 3, 13, 8, 0), vn(2026, 3, 6, 10, 30))
    assert (letter.state, letter.old_due_at, letter.new_due_at) == (
        LetterState.SENT,
        vn(2026, 3, 12, 8, 0),
        vn(2026, 3, 13, 8, 0),
    )


@pytest.mark.parametrize(
    ("new_due", "message"),
    [
        pytest.param(
            vn(2026, 3, 15, 9, 0), "The new due date, 15/03/2026, is a day off: choose a working day.", id="sunday"
        ),
        pytest.param(
            vn(2026, 11, 24, 9, 0),
            "The new due date, 24/11/2026, is a day off: choose a working day.",
            id="culture-day-holiday",
        ),
        pytest.param(
            vn(2026, 3, 10, 20, 0),
            "The new due time, 20:00 on 10/03/2026, is outside working hours: choose a time within them.",
            id="evening",
        ),
        pytest.param(
            vn(2026, 3, 10, 12, 0),
            "The new due time, 12:00 on 10/03/2026, is outside working hours: choose a time within them.",
            id="lunch",
        ),
    ],
)
def test_letter_drafted_for_a_time_outside_working_time_is_refused(new_due, message):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(InvalidInput) as info:
        _letter(world, dossier, new_due=new_due)

    assert (info.value.code, info.value.field, info.value.message) == (
        "letter_date_not_working_time",
        "new_due_at",
        message,
    )
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 0


@pytest.mark.parametrize(
    ("hour", "minute"), [(7, 30), (11, 30), (13, 0), (17, 0)], ids=["opening", "noon", "afternoon", "closing"]
)
def test_letter_may_set_the_due_date_at_either_end_of_a_working_period(hour, minute):
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    letter = _letter(world, dossier, new_due=vn(2026, 3, 10, hour, minute))

    assert letter.new_due_at == vn(2026, 3, 10, hour, minute)


def test_letter_whose_date_became_a_day_off_after_drafting_is_refused_at_sending():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    # For Thursday 12 March 08:00
    letter = apology_letter_approve(by=world.leader, letter=_letter(world, dossier), at=vn(2026, 3, 2, 10, 0))
    DateOverride.objects.create(date=vn(2026, 3, 12).date(), kind=OverrideKind.DAY_OFF, reason="Quyết định 12/QĐ")

    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 4, 8, 0))

    assert (info.value.code, info.value.message) == (
        "letter_date_not_working_time",
        "The new due date, 12/03/2026, is a day off: choose a working day.",
    )
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.extended_at) == (vn(2026, 3, 9, 8, 0), None)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(pdf_bytes(), "application/pdf", id="pdf"),
        pytest.param(jpeg_bytes(), "image/jpeg", id="jpeg"),
        pytest.param(png_bytes(), "image/png", id="png"),
    ],
)
def test_upload_accepted_by_content(content, content_type):
    world = World()
    dossier = world.draft()

    document = dossier_document_add(
        by=world.front_desk, dossier=dossier, upload=SimpleUploadedFile("x.bin", content), name="Tờ khai"
    )

    assert (document.content_type, document.size, document.name) == (content_type, len(content), "Tờ khai")
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert document.file.read() == content


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(b"MZ\x90\x00 not a pdf", "file_type", id="exe-named-pdf"),
        pytest.param(b"", "file_empty", id="empty"),
        pytest.param(b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "file_too_large", id="too-large"),
    ],
)
def test_upload_refused(content, code):
    world = World()
    dossier = world.draft()

    with pytest.raises(InvalidInput) as info:
        dossier_document_add(
            by=world.front_desk, dossier=dossier, upload=SimpleUploadedFile("a.pdf", content), name="x"
        )

    assert info.value.code == code
    assert dossier.documents.count() == 0


def test_no_letter_is_sent_while_a_supplement_pauses_the_clock():
    # Given a letter for 13 March approved while the dossier was due on 9 March 08:00,
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    letter = _letter(world, dossier, new_due=vn(2026, 3, 13, 8, 0))
    letter = apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 2, 10, 0))
    # and a supplement asked for on Tuesday 3 March 10:00,
    dossier = dossier_request_supplement(
        by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu", at=vn(2026, 3, 3, 10, 0)
    )

    # the letter is refused, and no send-by day is shown, while the applicant has not supplied;
    assert apology_letter_send_by(letter=letter, dossier=dossier) is None
    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 4, 9, 0))
    assert info.value.code == "clock_paused"
    letter.refresh_from_db()
    assert (letter.state, Dossier.objects.get(pk=dossier.pk).extended_at) == ("approved", None)

    # once supplied on Friday 6 March 10:00 (due 12 March 08:00), it is sent against that due date.
    dossier = dossier_supplement_provided(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 6, 10, 0))
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 6, 10, 30))
    letter.refresh_from_db()
    after = Dossier.objects.get(pk=dossier.pk)
    assert (letter.state, letter.old_due_at) == ("sent", vn(2026, 3, 12, 8, 0))
    assert (after.due_at, after.extended_at) == (vn(2026, 3, 13, 8, 0), vn(2026, 3, 6, 10, 30))
    assert apology_letter_send_by(letter=letter, dossier=after) is None  # sent


def test_applicant_adds_to_own_dossier_only_while_a_supplement_is_awaited():
    world = World()
    dossier = world.draft()
    upload = SimpleUploadedFile("a.png", png_bytes())
    received = world.received(at=vn(2026, 3, 2, 8, 0))

    with pytest.raises(TransitionRefused) as counter_draft:
        dossier_document_add(by=world.applicant.user, dossier=dossier, upload=upload, name="Ảnh")
    dossier = dossier_request_supplement(by=world.front_desk, dossier=dossier, items=["Ảnh"], reason="Thiếu")
    dossier_document_add(by=world.applicant.user, dossier=dossier, upload=upload, name="Ảnh")
    with pytest.raises(TransitionRefused) as after_reception:
        dossier_document_add(by=world.applicant.user, dossier=received, upload=upload, name="Ảnh")
    with pytest.raises(TransitionRefused) as another:
        dossier_document_add(by=World().applicant.user, dossier=dossier, upload=upload, name="Ảnh")

    assert (counter_draft.value.code, after_reception.value.code, another.value.code) == (
        "no_supplement_requested",
        "role_required",  # only the front desk attaches to a received dossier
        "role_required",
    )
    assert list(dossier.documents.values_list("name", flat=True)) == ["Ảnh"]


def test_mark_required_documents_received():
    world = World()
    form, copy = RequiredDocumentFactory(procedure=world.procedure), RequiredDocumentFactory(procedure=world.procedure)
    dossier = world.draft()

    dossier_documents_mark_received(by=world.front_desk, dossier=dossier, required_document_ids=[form.pk, copy.pk])
    dossier_documents_mark_received(by=world.front_desk, dossier=dossier, required_document_ids=[form.pk])

    assert dict(dossier.documents.values_list("required_document_id", "received")) == {form.pk: True, copy.pk: False}
