"""Directory: the province's agencies (cơ quan). Public."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from chinhquyen.core.text import code_plausible
from chinhquyen.directory.models import Agency
from chinhquyen.directory.selectors import agency_by_code, agency_list

from ..auth import declare
from ..errors import PUBLIC_ERRORS, ApiError
from ..schemas.directory import AgencyList, AgencyOut

router = Router(tags=["directory"])


def _agency(a: Agency) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "name_en": a.name_en,
        "kind": a.kind,
        "parent": a.parent.code if a.parent is not None else None,
        "division_code": a.division_code,
        "address": a.address,
        "phone": a.phone,
        "email": a.email,
    }


@router.get(
    "/agencies",
    response={200: AgencyList, **PUBLIC_ERRORS},
    operation_id="directory_agencies_list",
    summary="List agencies",
    **declare(public=True),
)
def agencies_list(request: HttpRequest) -> Any:
    """Every active agency of the province, by code, with its parent's code."""
    return {"items": [_agency(a) for a in agency_list()]}


@router.get(
    "/agencies/{code}",
    response={200: AgencyOut, **PUBLIC_ERRORS},
    operation_id="directory_agency_get",
    summary="Read an agency",
    **declare(public=True),
)
def agency_read(request: HttpRequest, code: str) -> Any:
    agency = agency_by_code(code=code) if code_plausible(code) else None  # a NUL byte, say, is no code
    if agency is None:
        raise ApiError(404, "agency_not_found", _("No active agency has the code %(code)s.") % {"code": code})
    return _agency(agency)
