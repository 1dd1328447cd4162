"""Dossier codes, their daily reset, optimistic concurrency and concurrent receptions."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.errors import TransitionRefused
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_create_at_counter, dossier_forward, dossier_receive
from tests.dossiers.factories import World, vn


@pytest.mark.django_db
def test_code_format_sequence_and_daily_reset_in_vietnam_time():
    world = World()
    Agency.objects.filter(pk=world.agency.pk).update(code="000.00.01.H37")
    world.agency.refresh_from_db()

    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 2, 16, 0))
    # 23:30 UTC on 2 March is already 3 March in Vietnam: a new day, a new sequence.
    next_day = world.received(at=vn(2026, 3, 3, 6, 30))

    assert [first.code, second.code, next_day.code] == [
        "000.00.01.H37-260302-0001",
        "000.00.01.H37-260302-0002",
        "000.00.01.H37-260303-0001",
    ]


@pytest.mark.django_db
def test_code_grows_past_four_digits():
    from chinhquyen.dossiers.models import DossierCodeSequence

    world = World()
    DossierCodeSequence.objects.create(agency=world.agency, day=vn(2026, 3, 2).date(), last=9999)

    dossier = world.received(at=vn(2026, 3, 2, 8, 0))

    assert dossier.code == f"{world.agency.code}-260302-10000"


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_changes():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    stale = Dossier.objects.get(pk=dossier.pk)
    dossier_forward(by=world.specialist, dossier=dossier, expected_version=dossier.version)

    with pytest.raises(TransitionRefused) as info:
        dossier_forward(by=world.leader, dossier=stale, expected_version=stale.version)

    assert info.value.code == "stale_version"
    assert Dossier.objects.get(pk=dossier.pk).version == 2
    assert dossier.events.count() == 3


@pytest.mark.django_db
def test_refused_transition_rolls_back_everything():
    world = World()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier = dossier_forward(by=world.specialist, dossier=dossier)
    leader_step = dossier.active_step

    with pytest.raises(TransitionRefused):
        dossier_forward(by=world.leader, dossier=dossier, to_user=world.specialist)  # wrong role for the next step

    leader_step.refresh_from_db()
    assert leader_step.state == "active"
    assert Dossier.objects.get(pk=dossier.pk).version == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: SQLite serialises writers anyway")
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_receptions_get_distinct_gap_free_codes():
    world = World()
    drafts = [
        dossier_create_at_counter(by=world.front_desk, procedure=world.procedure, applicant=world.applicant)
        for _ in range(32)
    ]
    barrier = threading.Barrier(32)
    errors: list[BaseException] = []

    def receive(dossier: Dossier) -> None:
        try:
            barrier.wait()
            dossier_receive(by=world.front_desk, dossier=dossier, at=vn(2026, 3, 2, 9, 0))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=receive, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert codes == [f"{world.agency.code}-260302-{n:04d}" for n in range(1, 33)]
