"""Schemas of dossiers (hồ sơ): what is read, and the body of each officer's action."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StrictInt

from chinhquyen.dossiers.models import EVENT_TEXT_MAX
from chinhquyen.dossiers.services import CONSULT_DAYS

from .catalog import AgencyRef
from .common import PRINTABLE, Id, IdOrZero, Out, PageInfo

# One reason of a refusal or item of a supplement request; the office's textarea holds them all in 4,000.
Line = Annotated[str, Field(max_length=EVENT_TEXT_MAX)]
# At most as many lines as the office's 4,000 characters can hold with their line breaks.
LINES_MAX = EVENT_TEXT_MAX // 2


class ProcedureRef(Out):
    code: str = Field(examples=["1.001193"])
    name: str = Field(examples=["Đăng ký khai sinh"])


class DossierSummary(Out):
    id: int = Field(examples=[42])
    code: str = Field(examples=["000.00.37.H37-261120-0001"], description="Empty until the dossier is received.")
    status: int = Field(examples=[2], description="Canonical status code of the national portal (0 draft … 10).")
    status_name: str = Field(examples=["received"])
    status_label: str = Field(examples=["Received (Được tiếp nhận)"], description="In the caller's language.")
    procedure: ProcedureRef
    receiving_agency: AgencyRef
    channel: int = Field(examples=[2], description="1 counter, 2 online, 3 postal.")
    received_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None
    outcome: str = Field(description="early, on_time, late, or empty.")
    version: int = Field(examples=[3], description="Send as `expected_version` (or If-Match) with an action.")
    created_at: datetime
    updated_at: datetime


class DossierPage(PageInfo):
    items: list[DossierSummary]


class DocumentOut(Out):
    id: int
    kind: str = Field(examples=["component"], description="component, scan, result, slip or letter.")
    name: str
    required_document: int | None
    content_type: str
    size: int
    sha256: str
    signed: bool
    uploaded_at: datetime


class StepOut(Out):
    order: int
    name: str
    agency: AgencyRef
    role: str
    state: str = Field(description="pending, active or done.")
    started_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    outcome: str


class DossierOut(DossierSummary):
    """A dossier with its documents; officers and systems also get its steps."""

    substatus: str
    applicant_name: str
    form_data: dict[str, Any]
    paused: bool = Field(description="The clock is paused (a supplement was requested, or a payment is awaited).")
    time_limit: str = Field(
        examples=["20 Ngày làm việc"],
        description="The time limit that gave the due date, as published: the channel's own when the catalog gives "
        "one. Empty until the dossier is received.",
    )
    documents: list[DocumentOut]
    steps: list[StepOut] = Field(default_factory=list, description="Empty for applicants.")
    actions: list[str] = Field(description="The actions the caller may take on the dossier now.")


class EventOut(Schema):
    id: int
    at: datetime
    action: str = Field(examples=["receive"])
    from_status: int | None
    to_status: int
    reason: str
    data: dict[str, Any]
    actor: str = Field(description="Who acted (empty for applicants' view and for system events).")


class Timeline(Schema):
    items: list[EventOut]


class SubmitForm(Schema):
    procedure: str = Field(description="The procedure's code.", examples=["1.001193"], max_length=40, pattern=PRINTABLE)
    agency: str = Field(
        description="The receiving agency's code.", examples=["000.00.37.H37"], max_length=20, pattern=PRINTABLE
    )
    form_data: str = Field(default="{}", description="The e-form's data, a JSON object as text.")
    applicant: str = Field(
        default="",
        description="Officers and systems: the applicant's personal identification number or tax code.",
        max_length=20,
        pattern=PRINTABLE,
    )
    required_documents: list[IdOrZero] = Field(
        default_factory=list,
        description="For each file, in order, the required document it is (0 for none).",
    )


class DocumentForm(Schema):
    name: str = Field(default="", description="Shown name; the file name when empty.")
    required_document: IdOrZero | None = Field(default=None, description="The required document this file is.")
    expected_version: int | None = None


# --- Bodies of the actions ------------------------------------------------------------------

USERNAME_LENGTH = 150  # django.contrib.auth's


class ActionIn(Schema):
    expected_version: int | None = Field(
        default=None, description="The version read; a stale one gets 409 (the If-Match header works too)."
    )


class IssueResultIn(ActionIn):
    title: str = Field(
        default="",
        max_length=255,
        description=(
            "Title of the result, a file as a written one: the result document's name. When empty, a file keeps "
            "its own name; a written result takes the procedure's published result (else a notice)."
        ),
    )
    text: str = Field(
        default="",
        max_length=20000,
        description=(
            "A result written here instead of a file: one paragraph per line, printed with the dossier's details "
            "and signed by the agency. Sending a file and a text is refused (`result_source`)."
        ),
    )


class NoteIn(ActionIn):
    note: str = Field(default="", max_length=EVENT_TEXT_MAX)


class ReasonIn(ActionIn):
    reason: str = Field(min_length=1, max_length=EVENT_TEXT_MAX)


class RefuseIn(ActionIn):
    reasons: list[Line] = Field(min_length=1, max_length=LINES_MAX, examples=[["Thiếu bản sao giấy tờ tùy thân"]])


class SupplementRequestIn(ActionIn):
    items: list[Line] = Field(min_length=1, max_length=LINES_MAX, examples=[["Bản sao giấy chứng sinh"]])
    reason: str = Field(
        max_length=EVENT_TEXT_MAX, description="Why the documents are needed (printed on form 02); not blank."
    )


class SupplementRejectIn(ActionIn):
    items: list[Line] = Field(min_length=1, max_length=LINES_MAX, examples=[["Bản sao giấy chứng sinh có chứng thực"]])
    reason: str = Field(
        min_length=1, max_length=EVENT_TEXT_MAX, description="Why the documents supplied are not enough."
    )


class ForwardIn(NoteIn):
    to_user: str | None = Field(
        default=None,
        max_length=USERNAME_LENGTH,
        pattern=PRINTABLE,
        description="Username of the officer to hand the next step to.",
    )


class ReassignIn(ActionIn):
    to_user: str = Field(
        max_length=USERNAME_LENGTH,
        pattern=PRINTABLE,
        description="Username of an officer holding the step's role in its agency.",
    )


class AuthorisedPersonIn(ActionIn):
    """Who lodges the dossier under a power of attorney (người được ủy quyền); every field empty removes them."""

    name: str = Field(default="", max_length=255, examples=["Lê Văn Cường"])
    personal_id: str = Field(default="", max_length=12, examples=["037090005678"])
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=254)
    authorisation: str = Field(
        default="",
        max_length=500,
        examples=["Giấy ủy quyền số 12/2026 ngày 20/11/2026"],
        description="Required with a name.",
    )


class ConsultIn(ActionIn):
    agency: str = Field(description="Code of the agency consulted.")
    question: str = Field(min_length=1, max_length=EVENT_TEXT_MAX)
    # Strict: JSON's true is no number of days.
    answer_days: StrictInt = Field(
        default=CONSULT_DAYS,
        description=(
            "Working days the agency consulted has to answer, 1 to 30; its answer may not be due after the dossier "
            "itself (else 422 `answer_after_due`), unless 1, the shortest, is already later."
        ),
    )


class PaymentIn(NoteIn):
    # Any finite number: whether it is whole đồng, more than 0 and at most the maximum is the service's to say
    # (422 `amount`), however many digits it has; a bound on digits here would answer 400 for a documented 422.
    amount: Decimal = Field(examples=["50000"], description="In whole đồng, more than 0 and at most 1,000,000,000,000.")


class DocumentsReceivedIn(ActionIn):
    required_documents: list[Id] = Field(
        description="The required documents handed in at the counter; the others are recorded as not handed in.",
        examples=[[101, 102]],
    )


class ReturnIn(ActionIn):
    method: str = Field(examples=["counter"], description="counter, online or postal.")


class LetterDraftIn(ActionIn):
    reason: str = Field(min_length=1, max_length=EVENT_TEXT_MAX)
    new_due_at: datetime = Field(description="With an offset; without one it is read as Vietnam time (+07:00).")
    agency: str | None = Field(
        default=None,
        description=(
            "Code of the agency at fault writing the letter: the active step's agency, or one whose step on the "
            "dossier finished late (a consultation answered late, say). Without it: the active step's agency if "
            "the caller works there, else the only agency at fault the caller works in (else 422 agency_required)."
        ),
    )


class LetterOut(Schema):
    id: int
    agency: str = Field(description="Code of the agency at fault: its leader approves, signs and sends the letter.")
    state: str
    reason: str
    old_due_at: datetime | None
    new_due_at: datetime
    send_by: date | None = Field(
        description="The last day the letter may be sent: the working day before the due date; null once sent."
    )
    dossier_version: int
