"""Schemas of ratings (đánh giá) and petitions (phản ánh, kiến nghị)."""

from datetime import datetime

from ninja import Schema
from pydantic import Field, StrictInt

from .common import PageInfo
from .dossiers import ProcedureRef


class RatingIn(Schema):
    # Strict: JSON true, "2" or 2.0 are not points (lax parsing would read true as 1).
    scores: dict[str, StrictInt] = Field(
        description=(
            "Points for each criterion asked, by its key (contacts, agencies_contacted, …); total_time is worked "
            "out from the dossier's outcome and agency_time from its steps' outcomes: a value sent for either is "
            "ignored, as for any other field the server sets, and the response's scores give the values recorded."
        ),
        examples=[{"contacts": 2, "agencies_contacted": 1}],
    )
    overall: str = Field(examples=["satisfied"], description="very_satisfied, satisfied or not_satisfied.")
    comment: str = Field(default="", max_length=2000)


class RatingOut(Schema):
    id: int
    total: int
    scores: dict[str, int] = Field(
        description=(
            "Points recorded for each of the nine criteria, by its key: those asked as sent, total_time and "
            "agency_time as worked out from the dossier's record."
        ),
        examples=[{"total_time": 2, "agency_time": 0, "contacts": 2}],
    )
    overall: str
    created_at: datetime


class PetitionIn(Schema):
    subject: str = Field(max_length=200)
    content: str = Field(max_length=5000)
    sender_name: str = Field(max_length=150)
    sender_address: str = Field(default="", max_length=255)
    sender_phone: str = Field(default="", max_length=20)
    sender_email: str = Field(default="", max_length=254)
    procedure: str = Field(default="", max_length=40, description="Code of the procedure it is about.")
    about_agency: str = Field(default="", max_length=20, description="Code of the agency it is about.")


class PetitionFiled(Schema):
    code: str = Field(description="The reference to follow it with.")
    status: str
    filed_at: datetime
    due_at: datetime | None


class PublishedPetition(Schema):
    """A published petition: the texts with the sender's personal data masked."""

    code: str
    filed_at: datetime
    answered_at: datetime | None
    published_at: datetime | None
    subject: str
    content: str
    answer: str
    procedure: ProcedureRef | None
    agency: str


class PetitionPage(PageInfo):
    items: list[PublishedPetition]


class AnswerIn(Schema):
    answer: str = Field(max_length=10000)
    note: str = Field(default="", max_length=2000)
    expected_version: int | None = Field(
        default=None, description="The version read; a stale one gets 409 (the If-Match header works too)."
    )


class PetitionState(Schema):
    code: str
    status: str
    version: int
    answered_at: datetime | None
