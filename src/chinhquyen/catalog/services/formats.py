"""File formats of the catalog: a JSON array of records (with the line of each) and flat CSV.

The CSV has one row per procedure. A list is one cell with its items joined by " | " (a "|" or "\\"
inside an item is escaped with "\\"); a list of structured items (documents, fees, ...) is several
parallel list columns, one per attribute.
"""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

SEPARATOR = " | "


@dataclass(frozen=True)
class FileError:
    """Why a file (or one record of it) was refused; ``line`` is 1-based, None for the whole file."""

    line: int | None
    reason: str
    code: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


class FileRefused(Exception):
    def __init__(self, errors: list[FileError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def read_json_records(data: str) -> list[tuple[int, Any]]:
    """Parse a JSON array and return each element with the line it starts on.

    Walks the array with ``raw_decode`` so a file of one object per line reports real line numbers.
    """
    decoder = json.JSONDecoder()
    data = data.removeprefix("\ufeff")
    pos = _skip_space(data, 0)
    if not data.startswith("[", pos):
        raise FileRefused([_located(data, pos, _("the file is not a JSON array (it must start with “[”)"))])
    pos = _skip_space(data, pos + 1)
    records: list[tuple[int, Any]] = []
    line, counted_to = 1, 0
    if data.startswith("]", pos):
        return _expect_end(data, pos + 1, records)
    while True:
        try:
            value, end = decoder.raw_decode(data, pos)
        except json.JSONDecodeError as exc:
            raise FileRefused([FileError(exc.lineno, _json_reason(exc))]) from exc
        line += data.count("\n", counted_to, pos)
        counted_to = pos
        records.append((line, value))
        pos = _skip_space(data, end)
        if data.startswith(",", pos):
            pos = _skip_space(data, pos + 1)
            continue
        if data.startswith("]", pos):
            return _expect_end(data, pos + 1, records)
        raise FileRefused([_located(data, pos, _("expected “,” or “]” after a record"))])


def _expect_end(data: str, pos: int, records: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    pos = _skip_space(data, pos)
    if pos != len(data):
        raise FileRefused([_located(data, pos, _("unexpected text after the end of the array"))])
    return records


def _skip_space(data: str, pos: int) -> int:
    while pos < len(data) and data[pos] in " \t\r\n":
        pos += 1
    return pos


def _located(data: str, pos: int, reason: str) -> FileError:
    line = data.count("\n", 0, pos) + 1
    column = pos - (data.rfind("\n", 0, pos) + 1) + 1
    return FileError(line, _("%(reason)s (column %(column)d)") % {"reason": reason, "column": column})


def _json_reason(exc: json.JSONDecodeError) -> str:
    return _("invalid JSON: %(msg)s (column %(column)d)") % {"msg": exc.msg, "column": exc.colno}


def join_list(items: list[str]) -> str:
    """Join items with " | ", escaping "\\" and "|" inside them."""
    return SEPARATOR.join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def split_list(cell: str) -> list[str]:
    """Inverse of :func:`join_list`; an empty cell is an empty list."""
    if cell == "":
        return []
    if "\\" not in cell:
        return cell.split(SEPARATOR)
    items: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        char = cell[i]
        if char == "\\" and i + 1 < len(cell):
            current.append(cell[i + 1])
            i += 2
            continue
        if cell.startswith(SEPARATOR, i):
            items.append("".join(current))
            current = []
            i += len(SEPARATOR)
            continue
        current.append(char)
        i += 1
    items.append("".join(current))
    return items


# Scalar columns map to the record key of the same name; the record keeps "" as is.
CSV_SCALARS = (
    "code", "name", "name_en", "field_code", "field", "procedure_type", "agency", "competent_authority",
    "issuing_ministry", "decision_no", "applicants", "reception_address", "time_limit_text", "time_limit_value",
    "time_limit_unit", "time_limit_hours", "fees_text", "document_notes", "result", "related_procedures",
    "online_level", "is_inter_agency", "steps_text", "conditions", "source_url", "eform_schema", "is_active",
)  # fmt: skip
CSV_LISTS = ("level", "implementing_agencies", "agency_codes")
# Structured lists: record key -> (CSV column, item key) pairs; the longest column decides the count.
CSV_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "submission_channels": (
        ("channels", "channel"),
        ("channel_time_limit_texts", "time_limit_text"),
        ("channel_time_limit_values", "time_limit_value"),
        ("channel_time_limit_units", "time_limit_unit"),
        ("channel_fees_texts", "fees_text"),
        ("channel_descriptions", "description"),
    ),
    "fees": (
        ("fee_descriptions", "description"),
        ("fee_names", "name"),
        ("fee_amounts", "amount"),
        ("fee_currencies", "currency"),
    ),
    "documents_detail": (
        ("documents", "name"),
        ("document_groups", "group"),
        ("document_originals", "original"),
        ("document_copies", "copy"),
        ("document_templates", "form_file"),
        ("document_mandatory", "mandatory"),
        ("document_registries", "registry"),
    ),
    "results": (("result_names", "name"), ("result_codes", "code")),
    "legal_basis": (("legal_basis_titles", "title"), ("legal_basis_numbers", "code")),
}
CSV_COLUMNS = (
    *CSV_SCALARS,
    *CSV_LISTS,
    *(column for group in CSV_GROUPS.values() for column, _key in group),
)


def csv_write(records: list[dict[str, Any]]) -> str:
    """Write records (export format) as CSV with a UTF-8 byte-order mark for spreadsheet programs."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(_flatten(record))
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(record: dict[str, Any]) -> list[str]:
    row = {key: _cell(record.get(key)) for key in CSV_SCALARS}
    for key in CSV_LISTS:
        row[key] = join_list([_cell(item) for item in record.get(key) or []])
    for key, columns in CSV_GROUPS.items():
        items = [_group_item(key, item, record) for item in record.get(key) or []]
        for column, item_key in columns:
            row[column] = join_list([_cell(item.get(item_key)) for item in items])
    return [row[column] for column in CSV_COLUMNS]


def _group_item(key: str, item: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    if key != "documents_detail":
        return item
    # A document's name lives in the record's "documents" list; its quantities in a sub-object.
    quantity = item.get("quantity") or {}
    return {**item, "name": record["documents"][item["doc_index"]], **quantity}


def csv_read(data: str) -> list[tuple[int, dict[str, Any]]]:
    """Read CSV rows back into records of the export format, with the line each row starts on."""
    reader = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        raise FileRefused([FileError(None, _("the file is empty"))])
    problems = _header_problems(header)
    if problems:
        raise FileRefused([FileError(1, problem) for problem in problems])
    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[FileError] = []
    previous_end = reader.line_num
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cells):
                continue
            if len(cells) != len(header):
                reason = _("%(found)d cells where the header has %(expected)d") % {
                    "found": len(cells),
                    "expected": len(header),
                }
                errors.append(FileError(start, reason))
                continue
            rows.append((start, _unflatten(dict(zip(header, cells, strict=True)))))
    except csv.Error as exc:
        raise FileRefused([FileError(reader.line_num, _("invalid CSV: %(msg)s") % {"msg": exc})]) from exc
    if errors:
        raise FileRefused(errors)
    return rows


def _header_problems(header: list[str]) -> list[str]:
    problems = []
    missing = [column for column in ("code", "name") if column not in header]
    if missing:
        problems.append(_("the header lacks the column(s): %(cols)s") % {"cols": ", ".join(missing)})
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        problems.append(_("the header has unknown column(s): %(cols)s") % {"cols": ", ".join(unknown)})
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        problems.append(_("the header repeats the column(s): %(cols)s") % {"cols": ", ".join(repeated)})
    return problems


def _unflatten(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {key: row[key] for key in CSV_SCALARS if key in row}
    for key in CSV_LISTS:
        if key in row:
            record[key] = split_list(row[key])
    for key, columns in CSV_GROUPS.items():
        if columns[0][0] not in row:
            continue
        lists = {item_key: split_list(row[column]) if column in row else [] for column, item_key in columns}
        count = max(len(values) for values in lists.values())
        record[key] = [
            {item_key: values[i] if i < len(values) else "" for item_key, values in lists.items()} for i in range(count)
        ]
    if "documents_detail" in record:
        details = record.pop("documents_detail")
        record["documents"] = [item.pop("name") for item in details]
        for index, item in enumerate(details):
            item["doc_index"] = index
            item["quantity"] = {"original": item.pop("original"), "copy": item.pop("copy")}
        record["documents_detail"] = details
    return record
