"""Export the catalog as JSON (the national keys plus ours) or CSV; the importer reads both back."""

import json
from typing import Any, Literal

from django.db.models import QuerySet

from ..models import Procedure, RequiredDocument, TimeUnit
from .formats import csv_write
from .values import decimal_text, json_number

ExportFormat = Literal["json", "csv"]
_LEVEL_TEXT = {"bộ": "Cấp bộ", "tỉnh": "Cấp tỉnh", "xã": "Cấp xã", "khác": "Cơ quan khác"}
_DAY_UNITS = {TimeUnit.WORKING_DAYS.value, TimeUnit.DAYS.value}


def catalog_export(*, format: ExportFormat = "json", procedures: QuerySet[Procedure] | None = None) -> str:
    """Return ``procedures`` (default: all) as a JSON array, one record per line, or as CSV."""
    records = [procedure_record(procedure=p) for p in _with_children(procedures)]
    if format == "csv":
        return csv_write(records)
    lines = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) for record in records)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def _with_children(procedures: QuerySet[Procedure] | None) -> QuerySet[Procedure]:
    queryset = procedures if procedures is not None else Procedure.objects.all()
    return (
        queryset.select_related("field")
        .prefetch_related("channels", "fees", "documents", "results", "legal_bases", "agencies")
        .order_by("code")
    )


def procedure_record(*, procedure: Procedure) -> dict[str, Any]:
    """One procedure in the export format: the national record's keys, then the details', then ours."""
    p = procedure
    levels = p.levels
    fees = list(p.fees.all())
    documents = list(p.documents.all())
    results = list(p.results.all())
    day_limit = p.time_limit_unit in _DAY_UNITS
    return {
        "code": p.code,
        "name": p.name,
        "field": p.field.name if p.field else None,
        "level": levels,
        "level_text": ", ".join(_LEVEL_TEXT[level] for level in levels),
        "agency": p.agency_text or None,
        "implementing_agencies": p.implementing_agencies_text.splitlines() or None,
        "competent_authority": p.competent_authority or None,
        "issuing_ministry": p.issuing_ministry or None,
        "decision_no": p.decision_no or None,
        "procedure_type": p.procedure_type or None,
        "applicants": p.applicants_text or None,
        "reception_address": p.reception_address or None,
        "time_limit_text": p.time_limit_text or None,
        "time_limit_days": json_number(p.time_limit_value) if day_limit else None,
        "time_limit_unit": p.time_limit_unit or None,
        "fees_text": p.fees_text or None,
        "fee_amounts": [{"amount": json_number(fee.amount), "currency": fee.currency} for fee in fees if fee.amount],
        "submission_channels": [
            {
                "channel": c.channel or None,
                "time_limit_text": c.time_limit_text or None,
                "time_limit_value": json_number(c.time_limit_value),
                "time_limit_unit": c.time_limit_unit or None,
                "fees_text": c.fees_text or None,
                "description": c.description or None,
            }
            for c in p.channels.all()
        ],
        "documents": [d.name for d in documents],
        "result": p.result_text or None,
        "result_codes": [r.code for r in results if r.code],
        "legal_basis": [{"title": b.title, "code": b.number or None} for b in p.legal_bases.all()],
        "related_procedures": p.related_procedures_text or None,
        "online_level": p.online_level or None,
        "source_url": p.source_url or None,
        # The national details file's keys.
        "documents_detail": [
            {
                "doc_index": index,
                "group": d.group or None,
                "quantity": _quantity(d),
                "form_file": d.template_name or None,
                "mandatory": d.mandatory,
                "registry": d.registry or None,
            }
            for index, d in enumerate(documents)
        ],
        "steps_text": p.steps_text or None,
        "conditions": p.conditions or None,
        # The platform's own keys.
        "name_en": p.name_en or None,
        "field_code": p.field.code if p.field else None,
        "time_limit_value": decimal_text(p.time_limit_value),
        "time_limit_hours": decimal_text(p.time_limit_hours),
        "fees": [
            {
                "name": fee.name or None,
                "description": fee.description or None,
                "amount": decimal_text(fee.amount),
                "currency": fee.currency or None,
            }
            for fee in fees
        ],
        "results": [{"name": r.name or None, "code": r.code or None} for r in results],
        "document_notes": p.document_notes or None,
        "is_inter_agency": p.is_inter_agency,
        "eform_schema": p.eform_schema,
        "agency_codes": sorted(a.code for a in p.agencies.all()),
        "is_active": p.is_active,
    }


def _quantity(document: RequiredDocument) -> dict[str, int]:
    quantity = {}
    if document.originals is not None:
        quantity["original"] = document.originals
    if document.copies is not None:
        quantity["copy"] = document.copies
    return quantity
