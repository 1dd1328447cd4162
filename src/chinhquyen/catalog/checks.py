"""System checks: invariants of the catalog that must hold before the platform serves dossiers."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db import DatabaseError
from django.db.models import Count, Q, Sum


@checks.register()
def check_process_templates(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """catalog.W002: every saved process template's step shares add up to its procedure's time limit.

    A warning, not an error: each dossier's steps are fitted to its own span at reception, so a limit changed in
    the admin under a saved template does not stop the platform (nor the next deployment's ``migrate``).
    """
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    from .models import ProcessTemplate
    from .services.procedures import process_sum_problem

    try:
        templates = list(ProcessTemplate.objects.select_related("procedure").annotate(total=Sum("steps__share_hours")))
    except DatabaseError:
        # Tables not migrated yet (or no database at all): nothing saved, so nothing to check.
        return []
    errors: list[checks.CheckMessage] = []
    for template in templates:
        problem = process_sum_problem(procedure=template.procedure, total=template.total or Decimal(0))
        if problem:
            errors.append(
                checks.Warning(
                    problem,
                    hint="Correct the steps in the admin (Process templates) or the procedure's time limit.",
                    obj=template,
                    id="catalog.W002",
                )
            )
    return errors


@checks.register()
def check_process_templates_have_a_leader(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """catalog.E002: every saved process template has a leader's step (else no dossier can be approved)."""
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    from chinhquyen.directory.models import Role

    from .models import ProcessTemplate

    try:
        without = list(
            ProcessTemplate.objects.filter(steps__isnull=False)
            .exclude(steps__role=Role.LEADER)
            .select_related("procedure")
            .distinct()
        )
    except DatabaseError:
        return []
    return [
        checks.Error(
            f"The process of {template.procedure.code} has no leader's step: its dossiers cannot be approved.",
            hint="Add a leader's step in the admin (Process templates).",
            obj=template,
            id="catalog.E002",
        )
        for template in without
    ]


@checks.register()
def check_process_templates_not_all_zero(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """catalog.W003: no saved process template of a procedure with a time limit has steps whose shares are all zero
    (every step of its dossiers would be due at reception). Those in working time are catalog.W002's. A warning:
    a limit given in the admin to a procedure that had none makes one, and the platform must still start."""
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    from .models import ProcessTemplate
    from .services.procedures import process_all_zero_problem

    try:
        # A template without steps sums to NULL: the default flow, not reported.
        templates = list(
            ProcessTemplate.objects.select_related("procedure")
            .annotate(total=Sum("steps__share_hours"), count=Count("steps"))
            .filter(total=0)
            .order_by("pk")
        )
    except DatabaseError:
        return []
    errors: list[checks.CheckMessage] = []
    for template in templates:
        problem = process_all_zero_problem(procedure=template.procedure, total=template.total, steps=template.count)
        if problem:
            errors.append(
                checks.Warning(
                    problem,
                    hint="Give the steps their shares in the admin (Process templates).",
                    obj=template,
                    id="catalog.W003",
                )
            )
    return errors


@checks.register()
def check_process_templates_name_active_agencies(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """catalog.W001: no saved process template names an inactive agency for a step.

    A warning, not an error: agencies close at run time (commune mergers), and reception refuses only the
    dossiers of the templates concerned, so the platform still starts while the catalog is updated.
    """
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    from .models import ProcessTemplate

    try:
        templates = list(
            ProcessTemplate.objects.filter(steps__agency__is_active=False)
            .select_related("procedure")
            .prefetch_related("steps__agency")
            .distinct()
            .order_by("pk")
        )
    except DatabaseError:
        return []
    warnings: list[checks.CheckMessage] = []
    for template in templates:
        names = sorted({step.agency.name for step in template.steps.all() if step.agency and not step.agency.is_active})
        warnings.append(
            checks.Warning(
                f"The process of {template.procedure.code} names an inactive agency ({', '.join(names)}): "
                "its dossiers cannot be received.",
                hint="Choose an active agency for those steps in the admin (Process templates), or none.",
                obj=template,
                id="catalog.W001",
            )
        )
    return warnings


@checks.register()
def check_time_limits_complete(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """catalog.W004: no saved time limit, a procedure's or a channel's, has a number without a unit (or one the
    catalog does not know) or a unit without a number: no due date can be counted from it.

    A warning, not an error: the admin refuses such a limit now, but rows saved before it did must not stop the
    platform (nor ``migrate``); they are completed in the admin. The import leaves both empty when it cannot
    read a limit (it keeps the published text), so it makes none.
    """
    if app_configs is not None and not any(config.label == "catalog" for config in app_configs):
        return []
    from .models import Procedure, ProcedureChannel, TimeUnit

    half = (Q(time_limit_value__isnull=False) & ~Q(time_limit_unit__in=TimeUnit.values)) | (
        Q(time_limit_value__isnull=True) & ~Q(time_limit_unit="")
    )
    try:
        procedures = list(Procedure.objects.filter(half).order_by("code"))
        channels = list(
            ProcedureChannel.objects.filter(half).select_related("procedure").order_by("procedure__code", "position")
        )
    except DatabaseError:
        return []
    hint = "Complete the time limit in the admin (Procedures), or clear it."
    warnings: list[checks.CheckMessage] = [
        checks.Warning(
            f"The time limit of {p.code} has {_half_limit(p.time_limit_value, p.time_limit_unit)}: no due date is set.",
            hint=hint,
            obj=p,
            id="catalog.W004",
        )
        for p in procedures
    ]
    warnings += [
        checks.Warning(
            f"The time limit of {c.procedure.code} (channel {c.position + 1}, {c.channel or 'no channel'}) has "
            f"{_half_limit(c.time_limit_value, c.time_limit_unit)}: the procedure's own limit is counted instead.",
            hint=hint,
            obj=c,
            id="catalog.W004",
        )
        for c in channels
    ]
    return warnings


def _half_limit(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "a unit without a number"
    if not unit:
        return "a number without a unit"
    return f"a unit the catalog does not know ({unit!r})"
