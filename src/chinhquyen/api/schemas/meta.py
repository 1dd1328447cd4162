"""Schemas of the meta operations: who am I, health."""

from ninja import Schema
from pydantic import Field


class CallerOut(Schema):
    kind: str = Field(examples=["system"], description="system, officer, applicant or anonymous.")
    username: str
    system: str | None = None
    scopes: list[str]
    roles: list[str] = Field(examples=[["000.00.37.H37:front_desk"]], description="agency code:role pairs.")


class HealthOut(Schema):
    status: str = Field(examples=["ok"])
