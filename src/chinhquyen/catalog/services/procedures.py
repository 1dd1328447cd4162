"""Writes for procedures, fields and process templates."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chinhquyen.core.text import fold
from chinhquyen.directory.models import Agency, Role

from ..models import Field, Procedure, ProcedureChannel, ProcessStep, ProcessTemplate, procedure_search_text
from .values import decimal, decimal_text


@transaction.atomic
def procedure_save(*, procedure: Procedure) -> Procedure:
    """Validate and save a procedure, recomputing its working-hours limit and search text."""
    procedure.refresh_derived()
    # The derived hours are checked on the limit they come from (Procedure.clean), where a form shows it.
    procedure.full_clean(exclude=["time_limit_hours"])
    procedure.save()
    return procedure


@transaction.atomic
def field_save(*, field: Field) -> Field:
    """Save a field (a code is made from the name when empty) and refresh its procedures' search text."""
    if not field.code:
        base = slugify(fold(field.name))[:90] or "field"
        code, n = base, 2
        while Field.objects.filter(code=code).exclude(pk=field.pk).exists():
            code, n = f"{base}-{n}", n + 1
        field.code = code
    field.full_clean()
    field.save()
    procedures = list(Procedure.objects.filter(field=field).only("pk", "name", "code"))
    for procedure in procedures:
        procedure.search_text = procedure_search_text(name=procedure.name, code=procedure.code, field_name=field.name)
    Procedure.objects.bulk_update(procedures, ["search_text"], batch_size=500)
    return field


@transaction.atomic
def procedure_assign_agencies(*, procedure: Procedure, agencies: Iterable[Agency]) -> Procedure:
    """Set which of this province's agencies implement ``procedure`` (replaces the previous set)."""
    procedure.agencies.set(list(agencies))
    procedure.save(update_fields=["updated_at"])
    return procedure


@transaction.atomic
def procedures_assign_agencies(*, assignments: Mapping[int, Iterable[int]]) -> int:
    """Set the implementing agencies of many procedures at once: ``{procedure_id: [agency_id, ...]}``.

    Replaces each named procedure's previous set in a few bulk queries (the demo assigns ~1,600).
    """
    through = Procedure.agencies.through
    through.objects.filter(procedure_id__in=list(assignments)).delete()
    rows = [
        through(procedure_id=procedure_id, agency_id=agency_id)
        for procedure_id, agency_ids in assignments.items()
        for agency_id in sorted(set(agency_ids))
    ]
    through.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def process_shares_check(*, procedure: Procedure, shares: Iterable[Decimal]) -> None:
    """Refuse step shares that do not add up to the procedure's time limit in working hours.

    A procedure whose limit is not counted in working time (calendar days, months, or unknown) has no
    sum to meet, so any shares are accepted for it, except shares all zero when it has a limit
    (:func:`process_all_zero_problem`).
    """
    shares = list(shares)
    total = sum(shares, Decimal(0))
    problem = process_sum_problem(procedure=procedure, total=total)
    if problem:
        raise ValidationError(problem, code="process_sum")
    problem = process_all_zero_problem(procedure=procedure, total=total, steps=len(shares))
    if problem:
        raise ValidationError(problem, code="process_all_zero")


def process_sum_problem(*, procedure: Procedure, total: Decimal) -> str | None:
    """Describe why ``total`` working hours do not match the procedure's limit, or return None."""
    limit = procedure.time_limit_hours
    if limit is None or total == limit:
        return None
    return _(
        "The steps add up to %(total)s working hours, but the time limit of %(code)s is %(limit)s working hours "
        "(%(text)s)."
    ) % {
        "total": decimal_text(total),
        "code": procedure.code,
        "limit": decimal_text(limit),
        "text": procedure.time_limit_text or f"{decimal_text(procedure.time_limit_value)} {procedure.time_limit_unit}",
    }


def process_all_zero_problem(*, procedure: Procedure, total: Decimal, steps: int) -> str | None:
    """Describe why ``steps`` steps whose shares add up to ``total`` (zero) do not suit the procedure, or return None.

    A procedure whose limit is not in working time has no sum to meet (:func:`process_sum_problem` refuses shares
    all zero for a positive one in working time), but shares all zero would make every step of a dossier due at its
    reception, overdue at once. Refused when the procedure, or one of its channels, has a limit that gives a due date
    (above zero, with a unit). No steps is the default flow, and a procedure without a limit gives no step a due date.
    """
    if steps == 0 or total != 0 or procedure.time_limit_hours or not _limit_counted(procedure):
        return None
    return _(
        "The steps of %(code)s all have a share of zero, but the procedure has a time limit: every step would be "
        "due as soon as a dossier is received. Give the steps their shares of the time limit."
    ) % {"code": procedure.code}


def _limit_counted(procedure: Procedure) -> bool:
    """Whether a dossier of ``procedure`` gets a due date: its limit, or one of its channels', above zero."""
    value = procedure.time_limit_value
    if value is not None and value > 0 and procedure.time_limit_unit:
        return True
    if procedure.pk is None:
        return False
    return (
        ProcedureChannel.objects.filter(procedure=procedure, time_limit_value__gt=0)
        .exclude(time_limit_unit="")
        .exists()
    )


def process_steps_check(*, procedure: Procedure, steps: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate step dicts (name, role, agency or agency_id, share_hours, optional order); return clean rows."""
    errors: list[str] = []
    rows: list[dict[str, Any]] = []
    for index, step in enumerate(steps, start=1):
        name = str(step.get("name") or "").strip()
        role = step.get("role")
        share = decimal(step.get("share_hours"), maximum=Decimal("999999.99"))
        order = step.get("order")
        if order is None:  # a step numbered 0 keeps its number
            order = index
        if not name:
            errors.append(_("Step %(n)d has no name.") % {"n": index})
        if role not in Role.values:
            errors.append(_("Step %(n)d has an unknown role %(role)s.") % {"n": index, "role": role})
        if share is None:
            errors.append(_("Step %(n)d needs a share of working hours of zero or more.") % {"n": index})
        agency = step.get("agency")
        agency_id = agency.pk if isinstance(agency, Agency) else step.get("agency_id")
        rows.append({"order": order, "name": name, "role": role, "agency_id": agency_id, "share_hours": share})
    errors += _inactive_agencies(rows)
    orders = [row["order"] for row in rows]
    if len(set(orders)) != len(orders):
        errors.append(_("Two steps have the same order."))
    if rows and not any(row["role"] == Role.LEADER for row in rows):
        # Without a leader's step nobody can approve the result, and the dossier could never finish.
        errors.append(_("A process needs a leader's step to approve the result."))
    if errors:
        raise ValidationError(errors, code="process_step")
    process_shares_check(procedure=procedure, shares=(row["share_hours"] for row in rows))
    return rows


def _inactive_agencies(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Describe the steps naming an inactive agency: a dossier could not be received with them.

    Read in one query whatever the steps carry (an instance may be stale; an id carries nothing).
    """
    named = {row["agency_id"] for row in rows if row["agency_id"] is not None}
    if not named:
        return []
    inactive = dict(Agency.objects.filter(pk__in=named, is_active=False).values_list("pk", "name"))
    return [
        _(
            "Step %(n)d names %(agency)s, which is no longer active: choose an active agency, or none for the "
            "receiving agency."
        )
        % {"n": index, "agency": inactive[row["agency_id"]]}
        for index, row in enumerate(rows, start=1)
        if row["agency_id"] in inactive
    ]


@transaction.atomic
def process_template_set(*, procedure: Procedure, steps: Sequence[Mapping[str, Any]]) -> ProcessTemplate:
    """Replace the procedure's process steps in one transaction; refuse shares that miss the limit."""
    rows = process_steps_check(procedure=procedure, steps=steps)
    template, _created = ProcessTemplate.objects.get_or_create(procedure=procedure)
    template.steps.all().delete()
    ProcessStep.objects.bulk_create([ProcessStep(template=template, **row) for row in rows])
    template.save(update_fields=["updated_at"])
    return template
