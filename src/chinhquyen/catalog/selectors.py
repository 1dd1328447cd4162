"""Reads for the procedure catalog."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext

from chinhquyen.core.compiled import Call, compiled
from chinhquyen.directory.models import Agency

from .models import (
    LEVEL_ALIASES,
    LEVEL_FLAGS,
    Field,
    Procedure,
    ProcedureChannel,
    ProcessStep,
    RequiredDocument,
    TimeUnit,
    search_words,
    time_limit_in_working_hours,
)
from .services.values import time_limit as time_limit_read


def procedure_count() -> int:
    """How many procedures are published (active)."""
    return Procedure.objects.filter(is_active=True).count()


def procedure_search(
    *,
    query: str = "",
    field_id: int | None = None,
    agency_id: int | None = None,
    level: str | None = None,
    online_level: str | None = None,
    limit: int = 50,
) -> list[Procedure]:
    """Find active procedures whose name, code or field has a word starting with each word of ``query``.

    Matching ignores case, diacritics and punctuation ("dang ky khai sinh" finds "Đăng ký khai sinh"). Names that
    start with the whole query come first, then names containing it as a phrase, then the rest;
    shorter names first within each group. ``level`` is bộ/tỉnh/xã/khác or ministry/province/commune/other;
    an unknown level matches nothing.
    """
    words = search_words(query)
    procedures = _procedures_matching(
        words=words, field_id=field_id, agency_id=agency_id, level=level, online_level=online_level
    )
    if procedures is None:
        return []
    if words:
        phrase = " ".join(words)
        rank = Case(
            When(search_text__startswith=phrase, then=Value(0)),
            When(search_text__contains=f" {phrase}", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        procedures = procedures.annotate(rank=rank).order_by("rank", Length("name"), "code")
    else:
        procedures = procedures.order_by("code")
    return list(procedures.select_related("field")[:limit])


def procedure_search_count(
    *,
    query: str = "",
    field_id: int | None = None,
    agency_id: int | None = None,
    level: str | None = None,
    online_level: str | None = None,
) -> int:
    """How many procedures :func:`procedure_search` finds with the same filters, whatever its limit."""
    procedures = _procedures_matching(
        words=search_words(query), field_id=field_id, agency_id=agency_id, level=level, online_level=online_level
    )
    return 0 if procedures is None else procedures.count()


def _procedures_matching(
    *, words: list[str], field_id: int | None, agency_id: int | None, level: str | None, online_level: str | None
) -> QuerySet[Procedure] | None:
    """The active procedures matching every filter, unordered; None for an unknown level (nothing matches)."""
    procedures = Procedure.objects.filter(is_active=True)
    if words:
        matching = Procedure.objects.order_by()
        for word in words:
            # A word matches the start of a word: "sinh" finds "khai sinh", "inh" finds nothing there.
            matching = matching.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}"))
        # A subquery on search_text alone lets SQLite scan its index instead of the wide rows (4x faster).
        procedures = procedures.filter(pk__in=matching.values("pk"))
    if field_id is not None:
        procedures = procedures.filter(field_id=field_id)
    if agency_id is not None:
        procedures = procedures.filter(agencies__id=agency_id)
    if level:
        flag = LEVEL_FLAGS.get(LEVEL_ALIASES.get(level, level))
        if flag is None:
            return None
        procedures = procedures.filter(**{flag: True})
    if online_level:
        procedures = procedures.filter(online_level=online_level)
    return procedures


def procedure_get(*, code: str) -> Procedure | None:
    """One procedure (active or not) with everything a procedure page shows, or None.

    ``process_template`` is loaded too; it raises ``ProcessTemplate.DoesNotExist`` when there is none.
    """
    return (
        Procedure.objects.select_related("field", "process_template")
        .prefetch_related(
            "channels",
            "fees",
            "documents",
            "results",
            "legal_bases",
            "agencies",
            Prefetch("process_template__steps", queryset=ProcessStep.objects.select_related("agency")),
        )
        .filter(code=code)
        .first()
    )


def field_list() -> list[Field]:
    """Every field by name, each with ``procedure_count``: its active procedures."""
    return list(
        Field.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__is_active=True))).order_by(
            "name"
        )
    )


def agencies_implementing() -> list[Agency]:
    """Active agencies of the province that implement at least one published procedure, by name."""
    return list(
        Agency.objects.filter(is_active=True, procedures__is_active=True)
        .distinct()
        .order_by("name")
        .only("code", "name", "name_en")
    )


def procedure_receiving_agencies(*, procedure: Procedure) -> list[Agency]:
    """The active agencies that receive dossiers of ``procedure``, by name (where an applicant may apply)."""
    return list(procedure.agencies.filter(is_active=True).order_by("name").only("code", "name", "name_en", "is_active"))


def required_document_template(*, procedure_code: str, pk: int) -> RequiredDocument | None:
    """The required document ``pk`` of an active procedure, if it has a template file to download."""
    return (
        RequiredDocument.objects.filter(pk=pk, procedure__code=procedure_code, procedure__is_active=True)
        .exclude(template_file="")
        .first()
    )


# Wide columns of a procedure that submitting or listing dossiers never reads.
PROCEDURE_WIDE_TEXTS = (
    "search_text",
    "steps_text",
    "conditions",
    "document_notes",
    "related_procedures_text",
    "fees_text",
)


@compiled(code=str)
def _active_procedure(code: str) -> QuerySet[Procedure]:
    return Procedure.objects.filter(code=code, is_active=True).defer(*PROCEDURE_WIDE_TEXTS).order_by("pk")[:1]


def procedure_by_code(*, code: str) -> Procedure | None:
    """The active procedure with ``code``, without its wide texts (for submitting a dossier; compiled once)."""
    return next(iter(_active_procedure(code=code)), None)


def procedure_by_code_call(*, code: str) -> Call:
    """:func:`procedure_by_code` to run with other reads in one round trip (``compiled_together``)."""
    return (_active_procedure, {"code": code})


@compiled(procedure=str, agency=str)
def _handled_by(procedure: str, agency: str) -> QuerySet[Any]:
    return (
        Procedure.agencies.through.objects.filter(procedure__code=procedure, agency__code=agency)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )


@compiled(procedure=int, agency=int)
def _handled_by_ids(procedure: int, agency: int) -> QuerySet[Any]:
    return (
        Procedure.agencies.through.objects.filter(procedure_id=procedure, agency_id=agency)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )


def procedure_handled_by(*, procedure_id: int, agency_id: int) -> bool:
    """Whether the agency handles the procedure in this province (compiled once: every counter dossier asks)."""
    return bool(_handled_by_ids(procedure=procedure_id, agency=agency_id))


def procedure_handled_by_call(*, procedure_code: str, agency_code: str) -> Call:
    """Whether the agency with this code handles the procedure with this code in the province (a list with
    the link's id, or empty), to run with other reads in one round trip (``compiled_together``)."""
    return (_handled_by, {"procedure": procedure_code, "agency": agency_code})


def required_documents_of(*, procedure_id: int, ids: list[int]) -> dict[int, RequiredDocument]:
    """The procedure's required documents among ``ids``, by id (others are left out)."""
    if not ids:
        return {}
    return {rd.pk: rd for rd in RequiredDocument.objects.filter(procedure_id=procedure_id, pk__in=ids)}


@dataclass(frozen=True)
class TimeLimit:
    """A time limit (thời hạn giải quyết): as published, and read into a value and a unit (either may be empty)."""

    text: str
    value: Decimal | None
    unit: str

    @classmethod
    def of(cls, procedure: Procedure) -> "TimeLimit":
        """The procedure's own limit (the one published for it as a whole)."""
        return cls(procedure.time_limit_text, procedure.time_limit_value, procedure.time_limit_unit)

    @property
    def hours(self) -> Decimal | None:
        """In working hours, or None when not counted in working time."""
        return time_limit_in_working_hours(self.value, self.unit)

    def label(self) -> str:
        """The published text, else the value and unit in the active language (a decimal comma: "0,5").

        What a dossier records when it is received (printed on its receipt): the catalog's own words. A page
        shows :meth:`in_words` instead.
        """
        if self.text:
            return self.text
        if self.value is None or self.unit not in TimeUnit.values:
            return ""  # a unit the catalog does not know (a row saved before: catalog.W004) has no label
        return f"{f'{self.value.normalize():f}'.replace('.', ',')} {TimeUnit(self.unit).label}"

    def in_words(self) -> str:
        """The value and unit in the reader's language ("5 working days"), else the published text, else ""."""
        return time_limit_words(value=self.value, unit=self.unit) or self.text


def _unit_forms(unit: str, number: int) -> str:
    forms_by_unit = {
        TimeUnit.WORKING_DAYS: ngettext("%(value)s working day", "%(value)s working days", number),
        TimeUnit.DAYS: ngettext("%(value)s day", "%(value)s days", number),
        TimeUnit.WORKING_HOURS: ngettext("%(value)s working hour", "%(value)s working hours", number),
        TimeUnit.HOURS: ngettext("%(value)s hour", "%(value)s hours", number),
        TimeUnit.MONTHS: ngettext("%(value)s month", "%(value)s months", number),
        TimeUnit.MINUTES: ngettext("%(value)s minute", "%(value)s minutes", number),
    }
    return forms_by_unit.get(unit, "")  # type: ignore[call-overload]


def time_limit_words(*, value: Decimal | None, unit: str) -> str:
    """A time limit's value and unit in the reader's language ("1 working day", "0,5 ngày"), or "" when either
    is missing or the unit is not one the catalog knows."""
    if value is None or not unit:
        return ""
    integral = value == value.to_integral_value()
    template = _unit_forms(unit, int(value) if integral else 2)
    if not template:
        return ""
    shown = str(int(value)) if integral else number_format(Decimal(format(value.normalize(), "f")))
    return template % {"value": shown}


def recorded_time_limit_in_words(text: str) -> str:
    """A time limit a dossier recorded (in the site's language, as published) in the reader's language when
    it reads as a value and a unit ("5 Ngày làm việc"), else as recorded."""
    read = time_limit_read(text, None, None)
    return time_limit_words(value=read.value, unit=read.unit) or text


def name_in_language(named: Agency | Procedure) -> str:
    """An agency's or a procedure's name for the reader: the English one on an English page when the catalog
    gives it, else the Vietnamese one."""
    english = (get_language() or "").startswith("en")
    return named.name_en if english and named.name_en else named.name


@compiled(procedure=int, channel=str)
def _channel_limits(procedure: int, channel: str) -> QuerySet[Any]:
    return (
        ProcedureChannel.objects.filter(procedure_id=procedure, channel=channel)
        .order_by("position")
        .values_list("time_limit_text", "time_limit_value", "time_limit_unit")
    )


def procedure_time_limit(*, procedure: Procedure, channel: str) -> TimeLimit:
    """The limit for a dossier submitted through ``channel`` (a catalog ``Channel``): the channel's own when
    the catalog gives it one, else the procedure's.

    A procedure may publish other limits per way of submitting (online 35 days, at the counter 77). A channel
    listed with several limits (one per case or stage) has no single one, and the procedure's applies, as it
    does when the channel's limit lacks its number or its unit, or has a unit the catalog does not know (a row
    saved before the catalog refused those: catalog.W004). Compiled once: every reception asks.
    """
    readable: dict[tuple[Decimal, str], str] = {}
    for text, value, unit in _channel_limits(procedure=procedure.pk, channel=channel):
        if value is not None and unit in TimeUnit.values:
            readable.setdefault((value, unit), text)
    if len(readable) == 1:
        ((value, unit), text), *_rest = readable.items()
        return TimeLimit(text, value, unit)
    return TimeLimit.of(procedure)
