"""Import the catalog from the national format, our JSON export or our CSV export.

A file is refused whole (nothing saved) when it is malformed or any record lacks a code or a name
or repeats a code. Otherwise every record is saved in one transaction, with a query per table and
batch rather than per row: children are matched to the stored rows by procedure and position
(documents by name first, so what the province set on one stays with it) and only the rows that
changed are written, so a re-import of the same file writes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chinhquyen.core.text import fold
from chinhquyen.directory.models import Agency

from ..models import (
    LEVEL_ALIASES,
    LEVEL_FLAGS,
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureChannel,
    ProcedureResult,
    RequiredDocument,
    procedure_search_text,
    time_limit_in_working_hours,
)
from . import values as v
from .formats import FileError, FileRefused, csv_read, read_json_records
from .records import ImportIssue, ParsedProcedure, parse_record, record_levels

FORMATS: tuple[str, ...] = ("national", "json", "csv")
_BATCH = 500
_CODE_LIMIT = Procedure._meta.get_field("code").max_length or 40
_NAME_LIMIT = Procedure._meta.get_field("name").max_length or 2000


@dataclass(frozen=True)
class _Child:
    model: type[models.Model]
    attr: str  # of ParsedProcedure
    fields: tuple[str, ...]  # written
    match_by: str | None = None  # a stored row is found by this key first, then by position
    # When one of these changes, the fields an item leaves out take their defaults instead of being kept:
    # a document renamed is another document; a channel's published limit changed voids the value read by hand.
    resets: tuple[str, ...] = ()


_CHANNEL_FIELDS = ("channel", "time_limit_text", "time_limit_value", "time_limit_unit", "fees_text", "description")
# A document's uploaded form is never in a record; it is written only to clear it with its document.
_DOCUMENT_FIELDS = ("name", "group", "originals", "copies", "template_name", "template_file", "mandatory", "registry")
_CHILDREN = (
    _Child(ProcedureChannel, "channels", _CHANNEL_FIELDS, resets=("time_limit_text",)),
    _Child(Fee, "fees", ("name", "description", "amount", "currency")),
    _Child(RequiredDocument, "documents", _DOCUMENT_FIELDS, match_by="name", resets=("name",)),
    _Child(ProcedureResult, "results", ("name", "code")),
    _Child(LegalBasis, "legal_bases", ("number", "title")),
)
_PARKED = 32767  # the largest position; rows that move wait at and below it
_PROCEDURE_FIELDS = tuple(
    f.attname for f in Procedure._meta.concrete_fields if not f.primary_key and f.name not in {"code", "updated_at"}
)


@dataclass
class ImportReport:
    """What an import did, or why it was refused (then ``errors`` is not empty and nothing was saved)."""

    errors: list[FileError] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    records: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def catalog_import(
    *,
    data: str,
    format: str = "national",
    details: str | None = None,
    levels: Iterable[str] | None = None,
) -> ImportReport:
    """Import ``data``; ``details`` is the national details file; ``levels`` keeps only those levels.

    ``format="national"`` reads only the national keys, so the platform's own values (online level,
    e-form, registries, agencies) survive a re-import of the national catalogue.
    """
    if format not in FORMATS:
        raise ValueError(_("Unknown format %(format)s") % {"format": format})
    report = ImportReport()
    wanted_levels = _levels(levels)
    try:
        rows = csv_read(data) if format == "csv" else read_json_records(data)
        details_by_code = _details(details) if details else {}
    except FileRefused as refused:
        report.errors = refused.errors
        return report
    checked = _check_identities(rows, report)
    if report.refused:
        return report
    parsed: list[ParsedProcedure] = []
    for line, code, record in checked:
        if wanted_levels is not None and not record_levels(record) & wanted_levels:
            report.skipped += 1
            continue
        extra = details_by_code.get(code)
        if extra:
            record = {**record, **{k: val for k, val in extra.items() if k != "code"}}
        item, issues = parse_record(line, code, record, ours=format != "national")
        parsed.append(item)
        report.issues.extend(issues)
    report.records = len(parsed)
    with transaction.atomic():
        _save(parsed, report, ours=format != "national")
    return report


def _levels(levels: Iterable[str] | None) -> set[str] | None:
    if levels is None:
        return None
    words = {LEVEL_ALIASES.get(w.strip().lower(), w.strip().lower()) for w in levels if w.strip()}
    unknown = words - set(LEVEL_FLAGS)
    if unknown:
        raise ValueError(_("Unknown level(s): %(levels)s") % {"levels": ", ".join(sorted(unknown))})
    return words


def _details(data: str) -> dict[str, dict[str, Any]]:
    try:
        rows = read_json_records(data)
    except FileRefused as refused:
        raise FileRefused([_in_details(e) for e in refused.errors]) from refused
    found: dict[str, dict[str, Any]] = {}
    errors = []
    for line, record in rows:
        code = v.text(record.get("code")) if isinstance(record, dict) else ""
        if not code:
            errors.append(_in_details(FileError(line, _("a record without a code"))))
        elif code in found:
            errors.append(_in_details(FileError(line, _("code %(code)s appears twice") % {"code": code}, code)))
        else:
            found[code] = record
    if errors:
        raise FileRefused(errors)
    return found


def _in_details(error: FileError) -> FileError:
    return FileError(error.line, _("details file: %(reason)s") % {"reason": error.reason}, error.code)


def _check_identities(rows: list[tuple[int, Any]], report: ImportReport) -> list[tuple[int, str, dict[str, Any]]]:
    """Refuse records that are not objects, lack a code or a name, or repeat a code."""
    first_line: dict[str, int] = {}
    checked = []
    for line, record in rows:
        if not isinstance(record, dict):
            report.errors.append(FileError(line, _("the record is not a JSON object")))
            continue
        raw_code, raw_name = record.get("code"), record.get("name")
        code = v.text(raw_code) if isinstance(raw_code, str) else ""
        name = v.text(raw_name) if isinstance(raw_name, str) else ""
        reasons = []
        if not code:
            reasons.append(_("a record without a code"))
        elif len(code) > _CODE_LIMIT:
            reasons.append(_("the code is longer than %(limit)d characters") % {"limit": _CODE_LIMIT})
        elif code in first_line:
            reasons.append(
                _("code %(code)s appears twice (first on line %(first)d)") % {"code": code, "first": first_line[code]}
            )
        if not name:
            reasons.append(_("a record without a name"))
        elif len(name) > _NAME_LIMIT:
            reasons.append(_("the name is longer than %(limit)d characters") % {"limit": _NAME_LIMIT})
        report.errors.extend(FileError(line, reason, code) for reason in reasons)
        if code and code not in first_line:
            first_line[code] = line
        if not reasons:
            checked.append((line, code, record))
    return checked


def _save(parsed: list[ParsedProcedure], report: ImportReport, *, ours: bool) -> None:
    fields, field_names = _save_fields(parsed, ours=ours)
    codes = [item.code for item in parsed]
    existing = {p.code: p for chunk in _chunks(codes) for p in Procedure.objects.filter(code__in=chunk)}
    now = timezone.now()
    new: list[Procedure] = []
    changed_rows: set[str] = set()
    for item in parsed:
        procedure = existing.get(item.code)
        before = _snapshot(procedure) if procedure is not None else None
        if procedure is not None and item.fees_from_text and procedure.fees_text == item.values["fees_text"]:
            item.fees = None  # the same published fees: the rows, and what the province set on them, stay
        if procedure is None:
            procedure = Procedure(code=item.code)
            new.append(procedure)
            existing[item.code] = procedure
        for attr, value in _unread_limit_values(procedure, item.values).items():
            setattr(procedure, attr, value)
        if item.field_name is not None:
            procedure.field_id = fields[item.field_code or item.field_name].pk if item.field_name else None
        field_name = field_names.get(procedure.field_id, "") if procedure.field_id else ""
        procedure.time_limit_hours = time_limit_in_working_hours(procedure.time_limit_value, procedure.time_limit_unit)
        procedure.search_text = procedure_search_text(name=procedure.name, code=procedure.code, field_name=field_name)
        if before is not None and _snapshot(procedure) != before:
            changed_rows.add(item.code)
    Procedure.objects.bulk_create(new, batch_size=_BATCH)
    ids = {
        code: pk
        for chunk in _chunks(codes)
        for code, pk in Procedure.objects.filter(code__in=chunk).values_list("code", "pk")
    }
    changed_children: set[int] = set()
    for child in _CHILDREN:
        wanted = {ids[item.code]: getattr(item, child.attr) for item in parsed if getattr(item, child.attr) is not None}
        changed_children |= _sync_children(child, wanted)
    changed_children |= _sync_agencies(
        {ids[item.code]: item for item in parsed if item.agency_codes is not None}, report
    )
    new_codes = {p.code for p in new}
    to_update = [
        existing[item.code]
        for item in parsed
        if item.code not in new_codes and (item.code in changed_rows or ids[item.code] in changed_children)
    ]
    for procedure in to_update:
        procedure.updated_at = now
    Procedure.objects.bulk_update(to_update, [*_PROCEDURE_FIELDS, "updated_at"], batch_size=100)
    report.created, report.updated = len(new), len(to_update)
    report.unchanged = len(parsed) - len(new) - len(to_update)


def _unread_limit_values(procedure: Procedure, values: dict[str, Any]) -> dict[str, Any]:
    """``values``, where a time limit that could not be read empties the stored one only if its text changed.

    The report asks officials to complete such a limit by hand; while the published text stays the
    same, a re-import keeps what they entered. A new text voids it.
    """
    if "time_limit_text" not in values or "time_limit_value" in values:
        return values
    if procedure.time_limit_text == values["time_limit_text"]:
        return values
    return {**values, "time_limit_value": None, "time_limit_unit": ""}


def _snapshot(procedure: Procedure) -> tuple[Any, ...]:
    return tuple(getattr(procedure, attr) for attr in _PROCEDURE_FIELDS)


def _save_fields(parsed: list[ParsedProcedure], *, ours: bool) -> tuple[dict[str, Field], dict[int, str]]:
    """Find or create every field named, keyed by the given code, else by the name; and every field's name."""
    by_code = {f.code: f for f in Field.objects.all()}
    by_name = {f.name: f for f in by_code.values()}
    found: dict[str, Field] = {}
    renamed: list[Field] = []
    for item in parsed:
        name, code = item.field_name, item.field_code
        if not name:
            continue
        key = code or name
        if key in found:
            continue
        existing = by_code.get(code) if code else by_name.get(name)
        if existing is None:
            existing = Field(code=code or _free_slug(name, by_code), name=name)
            by_code[existing.code] = existing
            by_name[name] = existing
        elif ours and code and existing.name != name:
            existing.name = name
            renamed.append(existing)
        found[key] = existing
    Field.objects.bulk_create([f for f in by_code.values() if f.pk is None], batch_size=_BATCH)
    Field.objects.bulk_update(renamed, ["name"])
    pks = dict(Field.objects.values_list("code", "pk"))
    for field_obj in found.values():
        field_obj.pk = pks[field_obj.code]
    return found, {pk: by_code[code].name for code, pk in pks.items()}


def _free_slug(name: str, taken: dict[str, Field]) -> str:
    base = slugify(fold(name))[:90] or "field"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _sync_children(child: _Child, wanted: dict[int, list[dict[str, Any]]]) -> set[int]:
    """Make the children of each procedure in ``wanted`` equal to its list; return the procedures changed.

    Keys missing from an item keep the stored value, unless one of ``child.resets`` changed (then the
    row stands for something else and takes the defaults). Rows keep their identity (dossiers point
    at documents), so a document found by name moves to its new position rather than being recreated.
    """
    manager = child.model._default_manager
    stored: dict[int, list[Any]] = {pid: [] for pid in wanted}
    for chunk in _chunks(list(wanted)):
        for stored_row in manager.filter(procedure_id__in=chunk).order_by("position"):
            stored[stored_row.procedure_id].append(stored_row)  # type: ignore[attr-defined]
    to_create: list[Any] = []
    to_update: list[Any] = []
    parked: list[Any] = []
    stale: list[Any] = []
    changed: set[int] = set()
    defaults = {name: _default(child.model, name) for name in child.fields}
    for procedure_id, items in wanted.items():
        rows, left = _pair(stored[procedure_id], items, child.match_by)
        if left:
            stale.extend(left)
            changed.add(procedure_id)
        moves = 0
        for position, (item, row) in enumerate(zip(items, rows, strict=True)):
            if row is None:
                to_create.append(child.model(procedure_id=procedure_id, position=position, **{**defaults, **item}))
                changed.add(procedure_id)
                continue
            if any(key in item and getattr(row, key) != item[key] for key in child.resets):
                item = {**defaults, **item}
            if row.position == position and all(getattr(row, key) == value for key, value in item.items()):
                continue
            if row.position != position:
                # Parked above any real position first: positions are unique within a procedure.
                parked.append(child.model(pk=row.pk, position=_PARKED - moves))
                moves += 1
                row.position = position
            for key, value in item.items():
                setattr(row, key, value)
            to_update.append(row)
            changed.add(procedure_id)
    for chunk in _chunks([row.pk for row in stale]):
        manager.filter(pk__in=chunk).delete()
    manager.bulk_update(parked, ["position"], batch_size=_BATCH)
    manager.bulk_update(to_update, ["position", *child.fields], batch_size=_BATCH)
    manager.bulk_create(to_create, batch_size=_BATCH)
    return changed


def _pair(rows: list[Any], items: list[dict[str, Any]], key: str | None) -> tuple[list[Any | None], list[Any]]:
    """The stored row for each item (None: a new row), and the stored rows no item took.

    With ``key``, an item takes the first row left with the same value of that key, and only then the
    row at its position if no item took it by key; without, the row at its position.
    """
    taken: list[Any | None] = [None] * len(items)
    used: set[int] = set()
    if key is not None:
        by_key: dict[Any, list[Any]] = {}
        for row in rows:
            by_key.setdefault(getattr(row, key), []).append(row)
        for index, item in enumerate(items):
            same = by_key.get(item.get(key))
            if same:
                taken[index] = row = same.pop(0)
                used.add(row.pk)
    at_position = {row.position: row for row in rows}
    for index in range(len(items)):
        row = at_position.get(index)
        if taken[index] is None and row is not None and row.pk not in used:
            taken[index] = row
            used.add(row.pk)
    return taken, [row for row in rows if row.pk not in used]


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    """Slices small enough for any SQLite build's limit on query parameters (999 before 3.32)."""
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _default(model: type[models.Model], name: str) -> Any:
    model_field = model._meta.get_field(name)
    return model_field.get_default() if isinstance(model_field, models.Field) else None


def _sync_agencies(wanted: dict[int, ParsedProcedure], report: ImportReport) -> set[int]:
    """Link procedures to this province's agencies by agency code (our formats only)."""
    if not wanted:
        return set()
    known = dict(Agency.objects.values_list("code", "pk"))
    through = Procedure.agencies.through
    stored: dict[int, set[int]] = {pid: set() for pid in wanted}
    for chunk in _chunks(list(wanted)):
        for pid, aid in through.objects.filter(procedure_id__in=chunk).values_list("procedure_id", "agency_id"):
            stored[pid].add(aid)
    changed = set()
    for pid, item in wanted.items():
        target = set()
        for code in item.agency_codes or []:
            if code in known:
                target.add(known[code])
            else:
                report.issues.append(ImportIssue(item.code, "agency_codes", code, _("no agency has this code")))
        if target != stored[pid]:
            through.objects.filter(procedure_id=pid).exclude(agency_id__in=target).delete()
            through.objects.bulk_create([through(procedure_id=pid, agency_id=a) for a in target - stored[pid]])
            changed.add(pid)
    return changed
