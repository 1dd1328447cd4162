"""Concurrent lifecycles on PostgreSQL: every transition's last statement appends to the one audit chain."""

import threading

import pytest
from django.db import connection, connections

from chinhquyen.core.audit import audit_record, audit_verify
from chinhquyen.core.models import AuditEntry
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_return,
)
from tests.dossiers.factories import World

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: SQLite serialises writers"),
    pytest.mark.django_db(transaction=True),
]


def _run_together(jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_lifecycles_and_other_entries_keep_one_chain():
    world = World()
    drafts = [world.draft() for _ in range(6)]
    entries_before = AuditEntry.objects.count()

    def lifecycle(dossier: Dossier):
        def job() -> None:
            d = dossier_receive(by=world.front_desk, dossier=dossier)
            d = dossier_forward(by=world.specialist, dossier=d)
            d = dossier_approve(by=world.leader, dossier=d)
            d = dossier_issue_result(by=world.front_desk, dossier=d)
            dossier_return(by=world.front_desk, dossier=d, method="counter")

        return job

    def other_writer() -> None:
        for n in range(10):
            audit_record(actor=None, action="test.other", target=f"other:{n}", data={"n": n})

    errors = _run_together([*(lifecycle(d) for d in drafts), other_writer, other_writer])

    assert errors == []
    assert sorted(Dossier.objects.values_list("status", flat=True)) == [10] * 6
    assert DossierEvent.objects.filter(action="return").count() == 6
    total = entries_before + 6 * 5 + 2 * 10
    result = audit_verify()
    assert (result.ok, result.count) == (True, total)
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total


def test_concurrent_forwards_of_one_dossier_apply_once():
    world = World()
    dossier = world.received()
    version = dossier.version

    def forward() -> None:
        mine = Dossier.objects.get(pk=dossier.pk)  # each request reads its own copy
        dossier_forward(by=world.specialist, dossier=mine, expected_version=version)

    errors = _run_together([forward] * 4)

    assert sorted(getattr(e, "code", repr(e)) for e in errors) == ["stale_version"] * 3
    assert DossierEvent.objects.filter(dossier=dossier, action="forward").count() == 1
    assert audit_verify().ok is True
