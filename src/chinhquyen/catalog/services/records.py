"""Turn one imported record (national format, our JSON export or a CSV row) into model values.

Nothing here touches the database. A key that is absent from the record leaves the stored value
alone; a key that is present but cannot be read gives an empty value and an :class:`ImportIssue`.
A time limit that cannot be read is the exception: its value and unit are left out, so the importer
keeps what an official completed by hand while the published text stays the same.
Keys that only the platform knows (online level, e-form, registries, fee names, ...) are read only
from our own formats: the national catalogue never carries them, so a national re-import keeps them.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from chinhquyen.core.text import fold

from ..eform import default_eform_schema, validate_eform_schema
from ..models import LEVEL_ALIASES, LEVEL_FLAGS, Channel, Currency, OnlineLevel, Procedure, Registry
from . import values as v


@dataclass(frozen=True)
class ImportIssue:
    """A value left empty because it could not be read."""

    code: str
    field: str
    raw: str
    reason: str


@dataclass
class ParsedProcedure:
    line: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    field_name: str | None = None
    field_code: str = ""
    channels: list[dict[str, Any]] | None = None
    fees: list[dict[str, Any]] | None = None
    fees_from_text: bool = False  # the fees were read from fees_text, so they follow it
    documents: list[dict[str, Any]] | None = None
    results: list[dict[str, Any]] | None = None
    legal_bases: list[dict[str, Any]] | None = None
    agency_codes: list[str] | None = None


# Record key -> model attribute, for text kept on one line and text that keeps its line breaks.
_TEXTS = {
    "name": "name",
    "procedure_type": "procedure_type",
    "issuing_ministry": "issuing_ministry",
    "decision_no": "decision_no",
    "source_url": "source_url",
}
_LONG_TEXTS = {
    "agency": "agency_text",
    "competent_authority": "competent_authority",
    "applicants": "applicants_text",
    "reception_address": "reception_address",
    "fees_text": "fees_text",
    "result": "result_text",
    "steps_text": "steps_text",
    "conditions": "conditions",
    "related_procedures": "related_procedures_text",
}
_CHANNELS, _CURRENCIES, _REGISTRIES = frozenset(Channel.values), frozenset(Currency.values), frozenset(Registry.values)
_ONLINE_LEVELS = frozenset(OnlineLevel.values)
_ONLINE_ALIASES = {"toan trinh": OnlineLevel.FULL, "mot phan": OnlineLevel.PARTIAL}
_url = URLValidator()


def parse_record(
    line: int, code: str, record: dict[str, Any], *, ours: bool
) -> tuple[ParsedProcedure, list[ImportIssue]]:
    """Read a record whose code and name were already checked; ``ours`` enables our extra keys."""
    parser = _Parser(ParsedProcedure(line=line, code=code), record, ours)
    parser.run()
    return parser.parsed, parser.issues


class _Parser:
    def __init__(self, parsed: ParsedProcedure, record: dict[str, Any], ours: bool) -> None:
        self.parsed, self.record, self.ours = parsed, record, ours
        self.values = parsed.values
        self.issues: list[ImportIssue] = []

    def issue(self, key: str, raw: Any, reason: str) -> None:
        shown = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        self.issues.append(ImportIssue(self.parsed.code, key, shown, reason))

    def text(self, key: str, raw: Any, *, limit: int | None = None, long: bool = False) -> str:
        if isinstance(raw, dict | list):
            self.issue(key, raw, _("expected text"))
            return ""
        value = v.long_text(raw) if long else v.text(raw)
        if limit is not None and len(value) > limit:
            self.issue(key, value, _("longer than %(limit)d characters") % {"limit": limit})
            return ""
        return value

    def run(self) -> None:
        record, values = self.record, self.values
        for key, attr in _TEXTS.items():
            if key in record:
                values[attr] = self.text(key, record[key], limit=_limit(attr))
        for key, attr in _LONG_TEXTS.items():
            if key in record:
                values[attr] = self.text(key, record[key], long=True)
        if values.get("source_url"):
            try:
                _url(values["source_url"])
            except ValidationError:
                self.issue("source_url", values["source_url"], _("not a web address"))
                values["source_url"] = ""
        if "implementing_agencies" in record:
            values["implementing_agencies_text"] = "\n".join(self.text_list("implementing_agencies"))
        if "field" in record:
            self.parsed.field_name = self.text("field", record["field"], limit=255)
        if "level" in record:
            self.levels()
        if any(key in record for key in ("time_limit_text", "time_limit_value", "time_limit_days", "time_limit_unit")):
            self.time_limit()
        self.channels()
        self.fees()
        self.documents()
        self.results()
        self.legal_bases()
        if self.ours:
            self.our_keys()

    def text_list(self, key: str) -> list[str]:
        raw = self.record[key]
        if raw is None:
            return []
        if not isinstance(raw, list):
            raw = [raw]
        return [item for item in (self.text(key, item) for item in raw) if item]

    def levels(self) -> None:
        found = record_levels(self.record)
        for level in self.text_list("level"):
            if _level_word(level) not in LEVEL_FLAGS:
                self.issue("level", level, _("unknown level"))
        for word, flag in LEVEL_FLAGS.items():
            self.values[flag] = word in found

    def time_limit(self) -> None:
        record = self.record
        text = self.text("time_limit_text", record.get("time_limit_text"), limit=_limit("time_limit_text"))
        raw_value = record.get("time_limit_value") if self.ours and "time_limit_value" in record else None
        if raw_value is None:
            raw_value = record.get("time_limit_days")
        limit = v.time_limit(text, raw_value, record.get("time_limit_unit"))
        self.values["time_limit_text"] = text
        if limit.problem:
            self.issue("time_limit", text or raw_value, limit.problem)
        else:
            self.values.update(time_limit_value=limit.value, time_limit_unit=limit.unit)

    def items(self, key: str) -> list[dict[str, Any]] | None:
        """The list under ``key`` (None when absent); an item that is not an object is reported."""
        if key not in self.record:
            return None
        raw = self.record[key]
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.issue(key, raw, _("expected a list"))
            return []
        good = [item for item in raw if isinstance(item, dict)]
        for item in raw:
            if not isinstance(item, dict):
                self.issue(key, item, _("expected an object"))
        return good

    def channels(self) -> None:
        items = self.items("submission_channels")
        if items is None:
            return
        rows = []
        for index, item in enumerate(items):
            key = f"submission_channels[{index}]"
            channel = self.text(key + ".channel", item.get("channel"))
            if channel and channel not in _CHANNELS:
                self.issue(key + ".channel", channel, _("unknown channel"))
                channel = ""
            text = self.text(key + ".time_limit_text", item.get("time_limit_text"), limit=255)
            limit = v.time_limit(text, item.get("time_limit_value"), item.get("time_limit_unit"))
            row: dict[str, Any] = {
                "channel": channel,
                "time_limit_text": text,
                "fees_text": self.text(key + ".fees_text", item.get("fees_text"), long=True),
                "description": self.text(key + ".description", item.get("description"), long=True),
            }
            if limit.problem:
                self.issue(key + ".time_limit", text or item.get("time_limit_value"), limit.problem)
            else:
                row.update(time_limit_value=limit.value, time_limit_unit=limit.unit)
            if any(value not in ("", None) for value in row.values()):
                rows.append(row)
        self.parsed.channels = rows

    def fees(self) -> None:
        structured = self.items("fees") if self.ours else None
        if structured is not None:
            self.parsed.fees = [fee for fee in (self.fee(index, item) for index, item in enumerate(structured)) if fee]
        elif "fees_text" in self.record:
            fees = []
            for cell in v.fee_cells(self.values["fees_text"]):
                if cell.problem:
                    self.issue("fees", cell.raw, cell.problem)
                # No name: the published cells have none, and a name the province gave is kept.
                fees.append({"description": cell.description, "amount": cell.amount, "currency": cell.currency})
            self.parsed.fees, self.parsed.fees_from_text = fees, True

    def fee(self, index: int, item: dict[str, Any]) -> dict[str, Any] | None:
        key = f"fees[{index}]"
        amount = v.decimal(item.get("amount"))
        if amount is None and item.get("amount") not in (None, ""):
            self.issue(key + ".amount", item.get("amount"), _("not an amount"))
        currency = self.text(key + ".currency", item.get("currency"))
        if currency and currency not in _CURRENCIES:
            self.issue(key + ".currency", currency, _("unknown currency"))
            currency = ""
        fee = {
            "name": self.text(key + ".name", item.get("name"), limit=255),
            "description": self.text(key + ".description", item.get("description"), long=True),
            "amount": amount,
            "currency": currency,
        }
        return fee if any(value not in ("", None) for value in fee.values()) else None

    def documents(self) -> None:
        details = self.items("documents_detail")
        if details is not None:
            notes = [self.text("documents_detail.note", item["note"], long=True) for item in details if "note" in item]
            self.values["document_notes"] = "\n".join(note for note in notes if note)
        if self.ours and "document_notes" in self.record:
            self.values["document_notes"] = self.text("document_notes", self.record["document_notes"], long=True)
        if "documents" not in self.record:
            return
        names = self.record["documents"] if isinstance(self.record["documents"], list) else []
        by_index = {item.get("doc_index"): item for item in details or [] if "note" not in item}
        rows = []
        for index, raw_name in enumerate(names):
            key = f"documents[{index}]"
            name = self.text(key, raw_name)
            if not name:
                self.issue(key, raw_name, _("a document without a name"))
                continue
            if details is None:  # no details file: its columns keep what an earlier import stored
                rows.append({"name": name})
            else:
                rows.append({"name": name, **self.document_detail(key, by_index.get(index) or {})})
        self.parsed.documents = rows

    def document_detail(self, key: str, detail: dict[str, Any]) -> dict[str, Any]:
        quantity = detail.get("quantity") or {}
        row: dict[str, Any] = {
            "group": self.text(key + ".group", detail.get("group"), long=True),
            "originals": self.count(
                key + ".original", quantity.get("original") if isinstance(quantity, dict) else None
            ),
            "copies": self.count(key + ".copy", quantity.get("copy") if isinstance(quantity, dict) else None),
            "template_name": self.text(key + ".form_file", detail.get("form_file"), limit=255),
        }
        if self.ours:
            mandatory = detail.get("mandatory")
            row["mandatory"] = True if mandatory in (None, "") else v.boolean(mandatory)
            if row["mandatory"] is None:
                self.issue(key + ".mandatory", mandatory, _("neither true nor false"))
                row["mandatory"] = True
            registry = self.text(key + ".registry", detail.get("registry"))
            if registry and registry not in _REGISTRIES:
                self.issue(key + ".registry", registry, _("unknown registry"))
                registry = ""
            row["registry"] = registry
        return row

    def count(self, key: str, raw: Any) -> int | None:
        if raw is None or raw == "":
            return None
        number = v.decimal(raw, maximum=v.Decimal(32767))
        if number is None or number != int(number):
            self.issue(key, raw, _("not a whole number"))
            return None
        return int(number)

    def results(self) -> None:
        structured = self.items("results") if self.ours else None
        if structured is not None:
            rows = [
                {
                    "name": self.text("results.name", item.get("name"), long=True),
                    "code": self.text("results.code", item.get("code"), limit=40),
                }
                for item in structured
            ]
            self.parsed.results = [row for row in rows if row["name"] or row["code"]]
            return
        if "result" not in self.record and "result_codes" not in self.record:
            return
        text = self.values.get("result_text") or ""
        names = [name.strip() for name in text.split("; ") if name.strip()]
        codes = self.text_list("result_codes") if "result_codes" in self.record else []
        codes = [code for code in codes if self.text("result_codes", code, limit=40)]
        if len(names) == len(codes) or not names or not codes:
            pairs = [
                (names[i] if i < len(names) else "", codes[i] if i < len(codes) else "")
                for i in range(max(len(names), len(codes)))
            ]
        else:
            # A result name may itself contain "; ", so the split, and any pairing, would be a guess:
            # keep one row per code without a name (the published text stays in result_text).
            self.issue("result", text, _("more or fewer names (split on “; ”) than result codes: names left empty"))
            pairs = [("", code) for code in codes]
        self.parsed.results = [{"name": name, "code": code} for name, code in pairs]

    def legal_bases(self) -> None:
        items = self.items("legal_basis")
        if items is None:
            return
        rows = [
            {
                "number": self.text("legal_basis.code", item.get("code"), limit=100),
                "title": self.text("legal_basis.title", item.get("title"), long=True),
            }
            for item in items
        ]
        self.parsed.legal_bases = [row for row in rows if row["number"] or row["title"]]

    def our_keys(self) -> None:
        record, values = self.record, self.values
        if "name_en" in record:
            values["name_en"] = self.text("name_en", record["name_en"], limit=_limit("name_en"))
        if "field_code" in record:
            self.parsed.field_code = self.text("field_code", record["field_code"], limit=100)
        if "online_level" in record:
            level = self.text("online_level", record["online_level"])
            level = _ONLINE_ALIASES.get(fold(level), level)
            if level and level not in _ONLINE_LEVELS:
                self.issue("online_level", level, _("unknown online level"))
                level = ""
            values["online_level"] = level
        for key, default in (("is_inter_agency", False), ("is_active", True)):
            if key in record:
                flag = default if record[key] in (None, "") else v.boolean(record[key])
                if flag is None:
                    self.issue(key, record[key], _("neither true nor false"))
                    flag = default
                values[key] = flag
        if "eform_schema" in record:
            values["eform_schema"] = self.eform(record["eform_schema"])
        if "agency_codes" in record:
            self.parsed.agency_codes = self.text_list("agency_codes")

    def eform(self, raw: Any) -> dict[str, Any]:
        if raw in (None, ""):
            return default_eform_schema()
        schema = raw
        if isinstance(raw, str):
            try:
                schema = json.loads(raw)
            except json.JSONDecodeError:
                self.issue("eform_schema", raw, _("not JSON"))
                return default_eform_schema()
        if schema == default_eform_schema():
            return schema
        try:
            validate_eform_schema(schema)
        except ValidationError as exc:
            self.issue("eform_schema", raw, " ".join(exc.messages))
            return default_eform_schema()
        return dict(schema)


def record_levels(record: dict[str, Any]) -> set[str]:
    """The known levels (bộ, tỉnh, xã, khác) a record names; cheap, to filter before parsing."""
    raw = record.get("level")
    items = raw if isinstance(raw, list) else [raw]
    return {
        word for word in (_level_word(v.text(item)) for item in items if isinstance(item, str)) if word in LEVEL_FLAGS
    }


def _level_word(level: str) -> str:
    return LEVEL_ALIASES.get(level.lower(), level.lower())


def _limit(attr: str) -> int | None:
    return getattr(Procedure._meta.get_field(attr), "max_length", None)
