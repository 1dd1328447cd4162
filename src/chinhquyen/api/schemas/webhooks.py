"""Schemas of webhook subscriptions."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class SubscriptionIn(Schema):
    url: str = Field(max_length=500, examples=["https://mot-cua.example.vn/hooks/chinhquyen"])
    events: list[str] = Field(
        default_factory=list, examples=[["dossier.receive", "dossier.return"]], description="Empty: every event."
    )


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="Shown once: verify each delivery's signature with it.")


class SubscriptionList(Schema):
    items: list[SubscriptionOut]
