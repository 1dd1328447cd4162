"""Catalog: search procedures (diacritic-insensitive) and read one; list fields. Public."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.selectors import field_list, procedure_get, procedure_search
from chinhquyen.core.text import code_plausible
from chinhquyen.directory.selectors import agency_by_code

from ..auth import declare
from ..errors import PUBLIC_ERRORS, ApiError
from ..pagination import MAX_LIMIT, decode_offset, encode_offset
from ..schemas.catalog import FieldCountOut, ProcedureOut, ProcedurePage, ProcedureSummary
from ..schemas.common import PRINTABLE

router = Router(tags=["catalog"])


class ProcedureQuery(Schema):
    q: str = Field(default="", max_length=200, description="Words of the name or the code; accents are optional.")
    field: str = Field(default="", max_length=100, pattern=PRINTABLE, description="A field's code.")
    agency: str = Field(
        default="", max_length=20, pattern=PRINTABLE, description="Code of an agency that receives the procedure."
    )
    level: str = Field(
        default="", max_length=10, pattern=PRINTABLE, description="bộ/tỉnh/xã/khác or ministry/province/commune/other."
    )
    online_level: str = Field(default="", max_length=10, pattern=PRINTABLE, description="full, partial or none.")
    cursor: str = Field(default="", max_length=200)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


def _summary(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "field": {"code": p.field.code, "name": p.field.name} if p.field is not None else None,
        "levels": p.levels,
        "online_level": p.online_level,
        "time_limit_text": p.time_limit_text,
    }


@router.get(
    "/procedures",
    response={200: ProcedurePage, **PUBLIC_ERRORS},
    operation_id="catalog_procedures_search",
    summary="Search procedures",
    **declare(public=True),
)
def procedures_search(request: HttpRequest, params: Query[ProcedureQuery]) -> Any:
    """Published procedures whose name, code or field has words starting with each word of `q`
    ("dang ky khai sinh" finds "Đăng ký khai sinh"), best matches first."""
    field_id = agency_id = None
    if params.field:
        field_id = next((f.pk for f in field_list() if f.code == params.field), None)
        if field_id is None:
            return {"items": [], "next_cursor": None}
    if params.agency:
        agency = agency_by_code(code=params.agency)
        if agency is None:
            return {"items": [], "next_cursor": None}
        agency_id = agency.pk
    offset = decode_offset(params.cursor) if params.cursor else 0
    found = procedure_search(
        query=params.q,
        field_id=field_id,
        agency_id=agency_id,
        level=params.level or None,
        online_level=params.online_level or None,
        limit=offset + params.limit + 1,
    )
    page = found[offset : offset + params.limit]
    more = len(found) > offset + params.limit
    return {
        "items": [_summary(p) for p in page],
        "next_cursor": encode_offset(offset + params.limit) if more else None,
    }


@router.get(
    "/procedures/{code}",
    response={200: ProcedureOut, **PUBLIC_ERRORS},
    operation_id="catalog_procedure_get",
    summary="Read a procedure",
    **declare(public=True),
)
def procedure_read(request: HttpRequest, code: str) -> Any:
    """A procedure with its documents, fees, results, legal basis, agencies and e-form schema."""
    p = procedure_get(code=code) if code_plausible(code) else None  # a NUL byte, say, is no code
    if p is None:
        raise ApiError(404, "procedure_not_found", _("No procedure has the code %(code)s.") % {"code": code})
    return {
        **_summary(p),
        "procedure_type": p.procedure_type,
        "time_limit_hours": p.time_limit_hours,
        "fees_text": p.fees_text,
        "applicants_text": p.applicants_text,
        "conditions": p.conditions,
        "result_text": p.result_text,
        "is_inter_agency": p.is_inter_agency,
        "is_active": p.is_active,
        "channels": [
            {
                "channel": c.channel,
                "time_limit_text": c.time_limit_text,
                "fees_text": c.fees_text,
                "description": c.description,
            }
            for c in p.channels.all()
        ],
        "fees": [
            {"name": f.name, "description": f.description, "amount": f.amount, "currency": f.currency}
            for f in p.fees.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "group": d.group,
                "mandatory": d.mandatory,
                "originals": d.originals,
                "copies": d.copies,
            }
            for d in p.documents.all()
        ],
        "results": [{"code": r.code, "name": r.name} for r in p.results.all()],
        "legal_bases": [{"number": b.number, "title": b.title} for b in p.legal_bases.all()],
        "agencies": [{"code": a.code, "name": a.name} for a in p.agencies.all() if a.is_active],
        "eform_schema": p.eform_schema,
        "updated_at": p.updated_at,
    }


@router.get(
    "/fields",
    response={200: list[FieldCountOut], **PUBLIC_ERRORS},
    operation_id="catalog_fields_list",
    summary="List fields",
    **declare(public=True),
)
def fields_list(request: HttpRequest) -> Any:
    """Every field (lĩnh vực) with the number of its published procedures."""
    return [{"code": f.code, "name": f.name, "procedure_count": getattr(f, "procedure_count", 0)} for f in field_list()]


__all__ = ["ProcedureSummary", "router"]
