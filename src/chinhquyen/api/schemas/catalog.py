"""Schemas of the catalog: procedures (thủ tục hành chính) and fields (lĩnh vực)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from .common import Out, PageInfo


class FieldOut(Schema):
    code: str = Field(examples=["ho-tich"])
    name: str = Field(examples=["Hộ tịch"])


class FieldCountOut(FieldOut):
    procedure_count: int = Field(examples=[42])


class ProcedureSummary(Schema):
    code: str = Field(examples=["1.001193"])
    name: str = Field(examples=["Đăng ký khai sinh"])
    name_en: str = ""
    field: FieldOut | None = None
    levels: list[str] = Field(
        examples=[["xã"]], description="bộ, tỉnh, xã or khác, as the national catalog lists them."
    )
    online_level: str = Field(examples=["full"], description="full, partial, none, or empty when unknown.")
    time_limit_text: str = Field(examples=["5 Ngày làm việc"])


class ProcedurePage(PageInfo):
    items: list[ProcedureSummary]


class AgencyRef(Out):
    code: str = Field(examples=["000.00.37.H37"])
    name: str = Field(examples=["UBND xã Mẫu"])


class FeeOut(Schema):
    name: str
    description: str
    amount: Decimal | None = Field(description="Empty when the source gave no amount that could be read.")
    currency: str


class RequiredDocumentOut(Schema):
    id: int = Field(description="Pass as `required_document` when uploading this document.")
    name: str
    group: str
    mandatory: bool
    originals: int | None
    copies: int | None


class ResultOut(Schema):
    code: str
    name: str


class LegalBasisOut(Schema):
    number: str
    title: str


class ChannelOut(Schema):
    channel: str = Field(examples=["online"])
    time_limit_text: str
    fees_text: str
    description: str


class ProcedureOut(ProcedureSummary):
    """Everything the procedure's page shows, with the e-form schema an application's `form_data` follows."""

    procedure_type: str
    time_limit_hours: Decimal | None = Field(description="In working hours, when counted in working time.")
    fees_text: str
    applicants_text: str
    conditions: str
    result_text: str
    is_inter_agency: bool
    is_active: bool
    channels: list[ChannelOut]
    fees: list[FeeOut]
    documents: list[RequiredDocumentOut]
    results: list[ResultOut]
    legal_bases: list[LegalBasisOut]
    agencies: list[AgencyRef] = Field(description="The agencies of the province that receive its dossiers.")
    eform_schema: dict[str, Any] = Field(
        description="JSON Schema (draft 2020-12) of the form data; `x-order` lists the fields in the order to show."
    )
    updated_at: datetime
