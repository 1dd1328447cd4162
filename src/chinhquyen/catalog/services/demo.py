"""The demo catalog: build the shipped fixture from the national files, and load it into a database."""

import lzma
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput

from ..models import (
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureChannel,
    ProcedureResult,
    RequiredDocument,
    time_limit_in_working_hours,
)
from .importer import ImportReport, catalog_import

FIXTURE_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "national_catalog.json.xz"
DEMO_LEVELS = ("tỉnh", "xã")
# Parents before children: the order rows can be inserted in.
FIXTURE_MODELS: tuple[type[models.Model], ...] = (
    Field,
    Procedure,
    ProcedureChannel,
    Fee,
    RequiredDocument,
    ProcedureResult,
    LegalBasis,
)


@dataclass(frozen=True)
class FixtureBuild:
    report: ImportReport
    counts: dict[str, int]
    size: int


def catalog_build_fixture(
    *, main: str, details: str | None, output: Path, levels: Iterable[str] = DEMO_LEVELS
) -> FixtureBuild:
    """Import the national files into this (empty) catalog, write the fixture, then roll back."""
    with transaction.atomic():
        if Procedure.objects.exists() or Field.objects.exists():
            raise InvalidInput(
                _(
                    "The catalog of this database is not empty; build the fixture in an empty database "
                    "(e.g. DATABASE_URL=sqlite://:memory:)."
                )
            )
        report = catalog_import(data=main, details=details, format="national", levels=levels)
        if report.refused:
            transaction.set_rollback(True)
            return FixtureBuild(report, {}, 0)
        counts = {**catalog_fixture_write(path=output), **_coverage()}
        # The fixture is the product; leave the database as it was.
        transaction.set_rollback(True)
    return FixtureBuild(report, counts, output.stat().st_size)


def _coverage() -> dict[str, int]:
    """How many procedures have each kind of value the platform computes with."""
    procedures = Procedure.objects.all()
    return {
        _("procedures at province level"): procedures.filter(level_province=True).count(),
        _("procedures at commune level"): procedures.filter(level_commune=True).count(),
        _("procedures with a readable time limit"): procedures.exclude(time_limit_unit="").count(),
        _("procedures with a limit in working hours"): procedures.filter(time_limit_hours__isnull=False).count(),
        _("procedures with at least one fee amount above zero"): procedures.filter(fees__amount__gt=0)
        .distinct()
        .count(),
        # One filter() call, so both conditions apply to the same fee row.
        _("procedures with a fee amount left empty"): procedures.filter(fees__isnull=False, fees__amount__isnull=True)
        .distinct()
        .count(),
        _("procedures with documents"): procedures.filter(documents__isnull=False).distinct().count(),
    }


def catalog_fixture_write(*, path: Path) -> dict[str, int]:
    """Write the catalog tables (not agencies, not process templates) as an xz-compressed JSON fixture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    # Name every concrete field, so the link to agencies (an M2M) is left out: agencies belong to
    # each installation, not to the national catalogue.
    names = sorted({f.name for model in FIXTURE_MODELS for f in model._meta.concrete_fields})

    def objects() -> Iterable[models.Model]:
        for model in FIXTURE_MODELS:
            counts[model._meta.label] = 0
            for obj in model._default_manager.order_by("pk").iterator(chunk_size=2000):
                counts[model._meta.label] += 1
                yield obj

    with lzma.open(path, "wt", encoding="utf-8", preset=9) as stream:
        serializers.serialize("json", objects(), stream=stream, fields=names)
    return counts


@transaction.atomic
def catalog_load_demo(*, path: Path = FIXTURE_PATH) -> int:
    """Load the demo catalog if no procedure exists yet; return how many procedures were loaded.

    Bulk-inserts the fixture (loaddata saves row by row, several times slower); fields already in the
    database are matched by code.
    """
    if Procedure.objects.exists():
        return 0
    by_model: dict[type[models.Model], list[Any]] = {model: [] for model in FIXTURE_MODELS}
    with lzma.open(path, "rt", encoding="utf-8") as stream:
        for item in serializers.deserialize("json", stream):
            by_model[type(item.object)].append(item.object)
    field_ids = _load_fields(by_model[Field])
    for procedure in by_model[Procedure]:
        procedure.field_id = field_ids.get(procedure.field_id)
        # Computed anew, so a fixture built before a change of the rule loads with the current one.
        procedure.time_limit_hours = time_limit_in_working_hours(procedure.time_limit_value, procedure.time_limit_unit)
    for model in FIXTURE_MODELS[1:]:
        model._default_manager.bulk_create(by_model[model], batch_size=500)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(FIXTURE_MODELS)):
            cursor.execute(sql)
    return len(by_model[Procedure])


def _load_fields(fields: list[Field]) -> dict[int, int]:
    """Create the fixture's fields that are missing (by code); map fixture pks to database pks."""
    stored = dict(Field.objects.values_list("code", "pk"))
    missing = [Field(code=f.code, name=f.name) for f in fields if f.code not in stored]
    Field.objects.bulk_create(missing, batch_size=500)
    stored = dict(Field.objects.values_list("code", "pk"))
    return {f.pk: stored[f.code] for f in fields}
