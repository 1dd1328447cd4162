"""Migration 0008: dossiers resolved before ``resolved_at`` existed get it from their events, and returned
ones are judged again by when their result was ready."""

import importlib

import pytest
from django.apps import apps

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_approve, dossier_forward, dossier_issue_result, dossier_return
from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

migration = importlib.import_module("chinhquyen.dossiers.migrations.0008_dossier_resolved_at")


def _returned(world: World, *, issued, collected) -> Dossier:
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))  # due 9 March 08:00 (five working days)
    dossier = dossier_forward(by=world.specialist, dossier=dossier, at=vn(2026, 3, 3, 9, 0))
    dossier = dossier_approve(by=world.leader, dossier=dossier, at=vn(2026, 3, 4, 9, 0))
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier, at=issued, text="Kết quả")
    return dossier_return(by=world.front_desk, dossier=dossier, method="counter", at=collected)


def test_the_migration_fills_resolved_at_and_judges_returned_dossiers_again():
    world = World(days=5)
    collected_late = _returned(world, issued=vn(2026, 3, 5, 10, 0), collected=vn(2026, 3, 10, 9, 0))
    resolved_late = _returned(world, issued=vn(2026, 3, 9, 9, 0), collected=vn(2026, 3, 9, 10, 0))
    # As the code before 0008 left them: no resolved_at, the outcome judged at the hand-over.
    Dossier.objects.update(resolved_at=None, outcome="late")

    migration.fill_resolved_at(apps, None)

    rows = Dossier.objects.order_by("pk").values_list("pk", "resolved_at", "outcome")
    assert list(rows) == [
        (collected_late.pk, vn(2026, 3, 5, 10, 0), "early"),
        (resolved_late.pk, vn(2026, 3, 9, 9, 0), "late"),
    ]
