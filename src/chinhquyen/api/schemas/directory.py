"""Schemas of the directory: agencies (cơ quan)."""

from ninja import Schema
from pydantic import Field


class AgencyOut(Schema):
    code: str = Field(examples=["000.00.37.H37"])
    name: str = Field(examples=["UBND xã Mẫu"])
    name_en: str = ""
    kind: str = Field(examples=["commune_committee"])
    parent: str | None = Field(default=None, description="The parent agency's code.")
    division_code: str = Field(examples=["37001"])
    address: str
    phone: str
    email: str


class AgencyList(Schema):
    items: list[AgencyOut]
