"""Actions sent twice (a double click, an API call without a version): applied once, the second not an error.

The races run on PostgreSQL (SQLite serialises writers); the stale copies a request holds are tested on both.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from chinhquyen.core.audit import audit_verify
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import ApologyLetter, Dossier, DossierEvent, DossierStatus, LetterState
from chinhquyen.dossiers.services import (
    apology_letter_approve,
    apology_letter_draft,
    apology_letter_send,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    online_draft_submit,
    online_result_downloaded,
)
from tests.dossiers.factories import World, online_start, online_world, vn

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: SQLite serialises")
concurrent = pytest.mark.django_db(transaction=True)


def _run_together(jobs: list[tuple[Callable[[], Any], Callable[[Any], Any]]]) -> list[BaseException | None]:
    """Run each (read, act) pair in its own thread: every read first, then the acts released together."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException | None] = [None] * len(jobs)

    def run(n: int, read: Callable[[], Any], act: Callable[[Any], Any]) -> None:
        try:
            mine = read()  # each request reads its own copy before acting
            barrier.wait()
            act(mine)
        except BaseException as exc:  # reported by the main thread
            errors[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, *job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _codes(errors: list[BaseException | None]) -> list[str]:
    return sorted(getattr(e, "code", repr(e)) for e in errors if e is not None)


def _drafted_letter() -> tuple[World, Dossier, ApologyLetter]:
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due Monday 9 March 08:00
    letter = apology_letter_draft(
        by=world.specialist,
        dossier=dossier,
        reason="Chờ ý kiến",
        new_due_at=vn(2026, 3, 12, 8, 0),
        at=vn(2026, 3, 3, 9, 0),
    )
    return world, dossier, letter


def _result_issued() -> tuple[World, Dossier]:
    world = online_world()
    d = online_draft_submit(by=world.applicant.user, dossier=online_start(world), client_key="k")
    d = dossier_forward(by=world.specialist, dossier=dossier_receive(by=world.front_desk, dossier=d))
    return world, dossier_issue_result(by=world.leader, dossier=d, text="Kết quả giải quyết.")


# --- Apology letters: the guards judge the letter as it is under the dossier's lock -------------------------


@pytest.mark.django_db
def test_a_letter_approved_again_from_a_stale_copy_is_refused_and_approved_once():
    world, dossier, letter = _drafted_letter()
    stale = ApologyLetter.objects.get(pk=letter.pk)  # a second request read the draft
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 4, 8, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_approve(by=world.leader, letter=stale, at=vn(2026, 3, 4, 8, 1))

    assert info.value.code == "letter_state"
    assert DossierEvent.objects.filter(dossier=dossier, action="letter_approve").count() == 1
    letter.refresh_from_db()
    assert (letter.state, letter.approved_by) == (LetterState.APPROVED, world.leader)


@pytest.mark.django_db
def test_a_letter_sent_again_from_a_stale_copy_is_refused_and_moves_the_due_date_once():
    world, dossier, letter = _drafted_letter()
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 4, 8, 0))
    stale = ApologyLetter.objects.get(pk=letter.pk)
    apology_letter_send(by=world.leader, letter=letter, at=vn(2026, 3, 4, 9, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_send(by=world.leader, letter=stale, at=vn(2026, 3, 4, 9, 1))

    assert info.value.code == "second_extension"
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.original_due_at) == (vn(2026, 3, 12, 8, 0), vn(2026, 3, 9, 8, 0))
    assert DossierEvent.objects.filter(dossier=dossier, action="letter_send").count() == 1


@pytest.mark.django_db
def test_a_stale_approval_after_the_letter_was_sent_does_not_undo_the_send():
    world, dossier, letter = _drafted_letter()
    stale = ApologyLetter.objects.get(pk=letter.pk)
    apology_letter_approve(by=world.leader, letter=ApologyLetter.objects.get(pk=letter.pk), at=vn(2026, 3, 4, 8, 0))
    apology_letter_send(by=world.leader, letter=ApologyLetter.objects.get(pk=letter.pk), at=vn(2026, 3, 4, 9, 0))

    with pytest.raises(TransitionRefused) as info:
        apology_letter_approve(by=world.leader, letter=stale, at=vn(2026, 3, 4, 10, 0))

    assert info.value.code == "second_extension"
    letter.refresh_from_db()
    assert (letter.state, letter.sent_at) == (LetterState.SENT, vn(2026, 3, 4, 9, 0))


@postgres_only
@concurrent
def test_a_letter_approved_twice_at_once_is_approved_once():
    world, dossier, letter = _drafted_letter()

    def approve(mine: ApologyLetter) -> None:
        apology_letter_approve(by=world.leader, letter=mine, at=vn(2026, 3, 4, 8, 0))

    errors = _run_together([(lambda: ApologyLetter.objects.get(pk=letter.pk), approve)] * 2)

    assert _codes(errors) == ["letter_state"]
    assert DossierEvent.objects.filter(dossier=dossier, action="letter_approve").count() == 1
    assert audit_verify().ok is True


@postgres_only
@concurrent
def test_a_letter_sent_twice_at_once_moves_the_due_date_once():
    world, dossier, letter = _drafted_letter()
    apology_letter_approve(by=world.leader, letter=letter, at=vn(2026, 3, 4, 8, 0))

    def send(mine: ApologyLetter) -> None:
        apology_letter_send(by=world.leader, letter=mine, at=vn(2026, 3, 4, 9, 0))

    errors = _run_together([(lambda: ApologyLetter.objects.get(pk=letter.pk), send)] * 2)

    assert _codes(errors) == ["second_extension"]
    assert DossierEvent.objects.filter(dossier=dossier, action="letter_send").count() == 1
    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.original_due_at) == (vn(2026, 3, 12, 8, 0), vn(2026, 3, 9, 8, 0))


# --- The portal's Submit clicked twice --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_submit_from_the_review_page_after_the_first_went_through_returns_the_submitted_dossier():
    world = online_world()
    draft = online_start(world)  # client_key "k"
    page = Dossier.objects.get(pk=draft.pk)  # the second click's request read the draft
    online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k", expected_version=page.version)

    again = online_draft_submit(by=world.applicant.user, dossier=page, client_key="k", expected_version=page.version)

    assert (again.pk, again.status, again.version) == (draft.pk, DossierStatus.SUBMITTED, page.version + 1)
    assert DossierEvent.objects.filter(dossier=draft, action="submit").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "other"], ids=["no-key", "another-key"])
def test_a_second_submit_without_the_drafts_key_is_still_refused(key):
    world = online_world()
    draft = online_start(world)
    online_draft_submit(by=world.applicant.user, dossier=draft, client_key="k")

    with pytest.raises(TransitionRefused) as info:
        online_draft_submit(by=world.applicant.user, dossier=draft, client_key=key)

    assert info.value.code == "transition_not_allowed"


@postgres_only
@concurrent
def test_a_double_click_on_submit_submits_once_and_confirms_both():
    world = online_world()
    draft = online_start(world)
    version = draft.version

    def submit(mine: Dossier) -> None:
        online_draft_submit(by=world.applicant.user, dossier=mine, client_key="k", expected_version=version)

    errors = _run_together([(lambda: Dossier.objects.get(pk=draft.pk), submit)] * 2)

    assert _codes(errors) == []
    assert DossierEvent.objects.filter(dossier=draft, action="submit").count() == 1
    assert Dossier.objects.get(pk=draft.pk).status == DossierStatus.SUBMITTED
    assert audit_verify().ok is True


# --- "Receive the result" clicked twice -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_result_received_again_from_a_stale_page_returns_the_dossier_as_handed_over():
    world, issued = _result_issued()
    page = Dossier.objects.get(pk=issued.pk)  # status 9 when the second request read it
    online_result_downloaded(by=world.applicant.user, dossier=issued)

    again = online_result_downloaded(by=world.applicant.user, dossier=page)

    assert (again.status, again.return_method, again.version) == (DossierStatus.RETURNED, "online", page.version + 1)
    assert DossierEvent.objects.filter(dossier=issued, action="return").count() == 1


@pytest.mark.django_db
def test_a_result_handed_over_at_the_counter_meanwhile_is_still_refused_online():
    from chinhquyen.dossiers.services import dossier_return

    world, issued = _result_issued()
    page = Dossier.objects.get(pk=issued.pk)
    dossier_return(by=world.front_desk, dossier=issued, method="counter")

    with pytest.raises(TransitionRefused) as info:
        online_result_downloaded(by=world.applicant.user, dossier=page)

    assert info.value.code == "already_returned"


@postgres_only
@concurrent
def test_the_result_received_twice_at_once_is_handed_over_once_without_an_error():
    world, issued = _result_issued()

    def receive(mine: Dossier) -> None:
        online_result_downloaded(by=world.applicant.user, dossier=mine)

    errors = _run_together([(lambda: Dossier.objects.get(pk=issued.pk), receive)] * 2)

    assert _codes(errors) == []
    assert DossierEvent.objects.filter(dossier=issued, action="return").count() == 1
    assert Dossier.objects.get(pk=issued.pk).status == DossierStatus.RETURNED
