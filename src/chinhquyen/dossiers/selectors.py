"""Reads of the dossiers app: inbox, lookup, search, timeline and the actions a user may take.

Officials see only dossiers their agencies are part of: received by one of them, or with a step in
one of them; a supervisor's agencies are its own and every agency below it. A dossier outside that set
is "not found", never "forbidden", so its existence is not revealed.
"""

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.catalog.eform_display import eform_display
from chinhquyen.catalog.models import Procedure
from chinhquyen.catalog.selectors import procedure_by_code_call, procedure_handled_by_call
from chinhquyen.core.compiled import compiled, compiled_together
from chinhquyen.core.models import AuditEntry
from chinhquyen.core.packed import packed, unpacked
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, Applicant, Role, StaffRole, User, name_search_words
from chinhquyen.directory.selectors import (
    agency_by_code_call,
    applicant_find_calls,
    applicant_found,
    identifier_normal,
    roles_agency_ids,
)
from chinhquyen.workcal.engine import FIRST_YEAR, LAST_YEAR, TZ

from .codes import lookup_secret_normal
from .deadlines import due_soon, letter_send_by
from .errors import DossierNotFound, TransitionRefused
from .models import (
    HANDED_IN_KINDS,
    ApologyLetter,
    Channel,
    DocumentKind,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    DossierStep,
    EventDispatchFailure,
    LetterState,
    RegisterExport,
    RegisterExportState,
    Substatus,
)
from .ownership import account_dossiers
from .transitions import (
    LETTER_ACTIONS,
    SUPPLEMENT_REQUESTS,
    TRANSITIONS,
    Roles,
    letter_agencies,
    transition_actions,
    transition_find,
    user_agency_ids,
    user_roles_load,
)

# Statuses in which the front desk has something to do: decide on reception, confirm a payment when it
# arrives, hand the result over.
FRONT_DESK_QUEUE = (
    DossierStatus.DRAFT,
    DossierStatus.SUBMITTED,
    DossierStatus.PAYMENT_REQUIRED,
    DossierStatus.RESOLVED,
)
# ... and a result the post office brought back, or whose postal order was cancelled: to hand over anew.
FRONT_DESK_BROUGHT_BACK = Q(status=DossierStatus.RETURNED, substatus=Substatus.RESULT_READY)
# Statuses in which the active step's officer has something to do (5 and 6 wait on the applicant).
STEP_QUEUE = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
_RELATED = ("procedure", "applicant", "receiving_agency", "active_step", "active_step__agency")
# An application still being filled in on the portal: only its applicant sees it.
_ONLINE_DRAFT = Q(status=DossierStatus.DRAFT, channel=Channel.ONLINE)
# Compared against when no dossier has the code, so a miss costs the same work as a wrong secret.
_NO_SECRET = b"\x00" * 8


@dataclass(frozen=True)
class InboxRow:
    dossier: Dossier
    step: DossierStep | None
    due_at: datetime | None
    due_soon: bool
    overdue: bool
    # Waiting on the applicant (a result to collect, documents or a payment asked for): listed after the work.
    waiting: bool = False
    # An apology letter of an agency the officer leads, to approve or to send (draft or approved).
    letter: ApologyLetter | None = None
    # Waiting on the post, which is collecting the application's paper documents: not to receive before they arrive.
    post_collecting: bool = False
    # The letter's last day to be sent is past (apology_letters_too_late): it is to be withdrawn, not approved or sent.
    letter_too_late: bool = False


class Inbox(list[InboxRow]):
    """The inbox's rows, most urgent first, and ``total``: how many dossiers wait, shown or not."""

    total: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self)


def dossier_visible_to(*, officer: User, roles: Roles | None = None) -> QuerySet[Dossier]:
    """The dossiers the officer's agencies may see; ``roles`` spares the role query when at hand.

    A supervisor sees those of its agency's whole subtree too (``roles_agency_ids``); one query more, for it alone.
    """
    agency_ids = roles_agency_ids(roles=user_roles_load(user=officer) if roles is None else roles)
    if not agency_ids:
        return Dossier.objects.none()
    in_step = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    return Dossier.objects.filter(Q(receiving_agency_id__in=agency_ids) | Exists(in_step)).exclude(_ONLINE_DRAFT)


def consultable_agencies() -> QuerySet[Agency]:
    """The agencies a dossier can be sent to for an opinion: active, with an active specialist to answer."""
    answering = StaffRole.objects.in_force().filter(agency=OuterRef("pk"), role=Role.SPECIALIST, user__is_active=True)
    return Agency.objects.filter(is_active=True).filter(Exists(answering)).order_by("name", "code")


# An online application whose paper documents the post is collecting: it cannot be received before they arrive.
_POST_COLLECTING = Q(substatus=Substatus.PICKUP_REQUESTED)
# Dossiers whose next move is the applicant's: a result waiting to be collected (also one the post brought
# back), documents or a payment asked for (the clock paused); or the post's, collecting the papers. They come
# after the work the officer can do now, and carry no due mark.
_INBOX_WAITING = (
    Q(status__in=(DossierStatus.RESOLVED, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUIRED))
    | FRONT_DESK_BROUGHT_BACK
    | Q(paused_at__isnull=False)
    | _POST_COLLECTING
)
# Waiting on the applicant (the clock paused, no due date shown to them) with the active step still held: listed,
# as waiting, for whoever holds it.
STEP_WAITING = (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUIRED)
# Documents asked for by the front desk before reception (no step yet): the front desk's to check.
_SUPPLEMENT_BEFORE_RECEPTION = Q(
    status=DossierStatus.SUPPLEMENT_REQUESTED, paused_status__in=(DossierStatus.DRAFT, DossierStatus.SUBMITTED)
)
_NO_DATE = Value(None, output_field=DateTimeField())
# Among rows due alike (undated ones: applications waiting for reception), first come first served: received, or
# submitted online (not when the applicant started the draft), or opened at the counter. Never NULL, so the order
# is the same on every database.
_ARRIVED = Coalesce("received_at", "submitted_at", "created_at")


def dossier_inbox(*, officer: User, now: datetime | None = None, limit: int = 200) -> Inbox:
    """What the officer has to act on, most urgent first: overdue (the longest overdue first), then due soon,
    then by due date and undated; then what waits on the applicant, or on the post collecting the papers. At most
    ``limit`` rows; ``total`` counts them all.

    The due date is the earlier of the active step's and the dossier's (the dossier's alone for the front
    desk's queue), and for an apology letter the leader is to approve or send, the end of the last day it may
    be sent; a dossier is one row, due at the earliest. The database orders by it, so the rows cut off are the
    least urgent. A leader's letters cost one query more.
    """
    now = now or timezone.now()
    roles = user_roles_load(user=officer)
    if not roles:
        return Inbox()
    mine = Q()
    for agency_id, role in roles:
        mine |= Q(active_step__agency_id=agency_id, active_step__role=role)
    # An assigned step belongs to its assignee; an unassigned one to everyone holding the role.
    mine &= Q(active_step__assignee__isnull=True) | Q(active_step__assignee=officer)
    at_step = Q(status__in=(*STEP_QUEUE, *STEP_WAITING)) & mine
    query = at_step
    front_desk = [agency_id for agency_id, role in roles if role == Role.FRONT_DESK]
    if front_desk:
        at_desk = Q(status__in=FRONT_DESK_QUEUE) | FRONT_DESK_BROUGHT_BACK | _SUPPLEMENT_BEFORE_RECEPTION
        query |= at_desk & Q(receiving_agency_id__in=front_desk) & ~_ONLINE_DRAFT
    led = [agency_id for agency_id, role in roles if role == Role.LEADER]
    letters = _inbox_letters(agency_ids=led) if led else {}
    # Work, the step's due date when it comes first; else the dossier's; none for a row that is only a letter.
    step_first = Q(status__in=STEP_QUEUE, active_step__due_at__isnull=False) & (
        Q(due_at__isnull=True) | Q(active_step__due_at__lt=F("due_at"))
    )
    due: Any = Case(
        When(at_step & step_first, then=F("active_step__due_at")), When(query, then=F("due_at")), default=_NO_DATE
    )
    if letters:
        query |= Q(pk__in=list(letters))
    dated = [When(pk=pk, then=Value(end)) for pk, (_letter, end) in letters.items() if end is not None]
    if dated:
        send_by = Case(*dated, default=_NO_DATE, output_field=DateTimeField())
        # The earlier of the two, either may be NULL (LEAST skips NULLs on PostgreSQL, not on SQLite).
        due = Least(Coalesce(due, send_by), Coalesce(send_by, due))
    queue = Dossier.objects.filter(query)
    dossiers = list(
        queue.select_related(*_RELATED)
        .annotate(
            inbox_waiting=Case(When(_INBOX_WAITING, then=Value(1)), default=Value(0)),
            inbox_at_step=Case(When(at_step, then=Value(1)), default=Value(0)),
            inbox_due=due,
        )
        .order_by("inbox_waiting", F("inbox_due").asc(nulls_last=True), _ARRIVED, "pk")[: limit + 1]
    )
    rows = Inbox()
    for d in dossiers[:limit]:
        due_at = d.inbox_due
        # A result waiting to be collected is judged by when it was ready, not by the day it is collected; a
        # paused clock (documents or a payment awaited) moves the due date when it runs again, so the stored
        # one is not due.
        waiting = bool(d.inbox_waiting)
        rows.append(
            InboxRow(
                dossier=d,
                step=d.active_step if d.inbox_at_step else None,
                due_at=due_at,
                due_soon=not waiting and due_soon(due_at=due_at, now=now),
                overdue=not waiting and due_at is not None and due_at < now,
                waiting=waiting,
                letter=letters[d.pk][0] if d.pk in letters else None,
                post_collecting=d.substatus == Substatus.PICKUP_REQUESTED,
                letter_too_late=_letter_too_late(letters.get(d.pk), now=now),
            )
        )
    # Counted only when the list is cut: the page says how many it does not show.
    rows.total = queue.count() if len(dossiers) > limit else len(rows)
    return rows


def _letter_too_late(found: tuple[ApologyLetter, datetime | None] | None, *, now: datetime) -> bool:
    """Whether the end of the last day the letter could be sent is past ``now``, as ``apology_letters_too_late``
    judges it (undated while the clock is paused: never too late then)."""
    return found is not None and found[1] is not None and found[1] < now


def _inbox_letters(*, agency_ids: list[int]) -> dict[int, tuple[ApologyLetter, datetime | None]]:
    """The apology letters the leader of ``agency_ids`` is to approve or send, by dossier (the first of each), with
    the end of the last day each may be sent (None while the clock is paused: the due date will move). One query."""
    letters = (
        ApologyLetter.objects.filter(
            agency_id__in=agency_ids,
            state__in=(LetterState.DRAFT, LetterState.APPROVED),
            dossier__status__in=LETTER_STATUSES,
            dossier__extended_at__isnull=True,
        )
        .select_related("dossier")
        .only(
            "pk",
            "state",
            "agency_id",
            "dossier__status",
            "dossier__due_at",
            "dossier__paused_at",
            "dossier__extended_at",
        )
        .order_by("dossier_id", "pk")
    )
    found: dict[int, tuple[ApologyLetter, datetime | None]] = {}
    for letter in letters:
        if letter.dossier_id not in found:
            day = apology_letter_send_by(letter=letter, dossier=letter.dossier)
            found[letter.dossier_id] = (letter, None if day is None else datetime.combine(day, time.max, TZ))
    return found


def dossier_get_for_officer(*, officer: User, code_or_pk: str | int) -> Dossier:
    """One dossier the officer's agencies may see, by code or primary key; else DossierNotFound."""
    dossiers = dossier_visible_to(officer=officer).select_related(*_RELATED)
    key = str(code_or_pk).strip()
    found = dossiers.filter(pk=int(key)).first() if key.isdigit() else dossiers.filter(code=key).first()
    if found is None:
        raise DossierNotFound(_("No dossier %(key)s among those you may see.") % {"key": key})
    return found


# The columns a dossier's summary with its actions reads: the dossier's own (not the snapshot taken at
# submission), the active step's, the procedure's and agency's code and name, the applicant's name and
# owner (who decides the applicant's actions). The procedure's wide row (e-form schema, long texts) stays
# in the database.
_SUMMARY_ONLY = (
    *(f.name for f in Dossier._meta.concrete_fields if f.name != "applicant_snapshot"),
    "procedure__code",
    "procedure__name",
    "receiving_agency__code",
    "receiving_agency__name",
    "applicant__name",
    "applicant__user",
)


def officer_roles(*, officer: User) -> Roles:
    """The (agency id, role) pairs the officer holds, to load once and hand to reads taking ``roles``."""
    return user_roles_load(user=officer)


@compiled(pk=int)
def _summary(pk: int) -> QuerySet[Dossier]:
    # Sliced, not .first(): the primary key needs no ORDER BY.
    steps = DossierStep.objects.filter(dossier_id=OuterRef("pk"))
    documents = DossierDocument.objects.filter(dossier_id=OuterRef("pk"))
    return (
        Dossier.objects.filter(pk=pk)
        .select_related("procedure", "applicant", "receiving_agency", "active_step")
        .only(*_SUMMARY_ONLY)
        .annotate(
            steps_packed=packed(steps, _STEPS_PACKED, parent="dossier_id"),
            documents_packed=packed(documents, DOCUMENT_VALUES, parent="dossier_id"),
        )[:1]
    )


@dataclass(frozen=True)
class DossierRead:
    """A dossier's summary with its steps and documents as values (:data:`STEP_VALUES`, :data:`DOCUMENT_VALUES`)."""

    dossier: Dossier
    steps: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def dossier_read_for_officer(*, officer: User, pk: int, roles: Roles | None = None) -> DossierRead:
    """``dossier_get_for_officer`` by primary key for a summary (the API's read): the same dossiers are found.

    The dossier (only ``_SUMMARY_ONLY`` and the active step, without its agency), its steps and its
    documents are read in one statement, the steps and documents packed into the dossier's row as JSON
    (``core.packed``). Visibility is then checked on what came back: not an online draft, and the
    receiving agency or a step's agency is one of the officer's. Nothing read is returned for a dossier
    the officer may not see. ``roles`` spares the role query when at hand.
    """
    agency_ids = roles_agency_ids(roles=user_roles_load(user=officer) if roles is None else roles)
    if not agency_ids:
        raise DossierNotFound(_("No dossier %(key)s among those you may see.") % {"key": pk})
    found = _summary(pk=pk)
    dossier = found[0] if found else None
    step_rows = _steps_unpacked(dossier.__dict__.pop("steps_packed")) if dossier is not None else []
    # The visibility rules of dossier_visible_to, checked on the rows.
    if (
        dossier is None
        or dossier.is_online_draft
        or not (
            dossier.receiving_agency_id in agency_ids
            or not agency_ids.isdisjoint(step["agency_id"] for step in step_rows)
        )
    ):
        raise DossierNotFound(_("No dossier %(key)s among those you may see.") % {"key": pk})
    documents = unpacked(dossier.__dict__.pop("documents_packed"), DossierDocument, DOCUMENT_VALUES)
    return DossierRead(dossier, step_rows, sorted(documents, key=itemgetter("pk")))


def _steps_unpacked(text: str | None) -> list[dict[str, Any]]:
    """The steps packed by ``_summary``, in order (by order, then key), as :data:`STEP_VALUES`."""
    steps = sorted(unpacked(text, DossierStep, _STEPS_PACKED), key=itemgetter("order", "pk"))
    return [{name: step[name] for name in STEP_VALUES} for step in steps]


@dataclass(frozen=True)
class CounterParties:
    """What a dossier opened at a counter names, each None when not found (or not asked for)."""

    procedure: Procedure | None
    agency: Agency | None
    applicant: Applicant | None
    handled: bool  # the agency handles the procedure in this province


def counter_parties(*, procedure_code: str, agency_code: str, applicant: str = "") -> CounterParties:
    """The active procedure and agency with these codes, whether the agency handles the procedure, and the
    applicant with this personal ID or tax code (none when blank), as ``procedure_by_code``,
    ``agency_by_code`` and ``applicant_find`` find them, read together: one round trip on PostgreSQL."""
    calls = [
        procedure_by_code_call(code=procedure_code),
        agency_by_code_call(code=agency_code),
        procedure_handled_by_call(procedure_code=procedure_code, agency_code=agency_code),
    ]
    if applicant.strip():
        calls += applicant_find_calls(identifier=applicant)
    procedures, agencies, links, *applicants = compiled_together(*calls)
    return CounterParties(
        procedure=next(iter(procedures), None),
        agency=next(iter(agencies), None),
        applicant=applicant_found(*applicants) if applicants else None,
        handled=bool(links),
    )


def dossier_get_for_applicant(*, user: User, pk: int) -> Dossier:
    """One of the applicant's own dossiers; else DossierNotFound."""
    found = Dossier.objects.select_related(*_RELATED).filter(account_dossiers(user=user), pk=pk).first()
    if found is None or not user.is_authenticated:
        raise DossierNotFound(_("No dossier %(key)s among yours.") % {"key": pk})
    return found


def applicant_dossiers(*, user: User) -> list[Dossier]:
    """The signed-in applicant's dossiers, newest first (hồ sơ của tôi).

    Newest by the latest of submission, reception and creation: a dossier lodged at the counter has no
    submission time and sorts by its reception, among the online ones, not above them all.
    """
    if not user.is_authenticated:
        return []
    # Each coalesced: Greatest is NULL on SQLite when any argument is.
    latest = Greatest(Coalesce("submitted_at", "created_at"), Coalesce("received_at", "created_at"), "created_at")
    dossiers = (
        Dossier.objects.filter(account_dossiers(user=user))
        .select_related("procedure", "receiving_agency")
        .defer("procedure__eform_schema", "form_data")
        .order_by(latest.desc(), "-pk")
    )
    return list(dossiers)


@dataclass(frozen=True)
class PaymentRequest:
    """What the applicant was asked to pay (status 6), as the officer's ``request_payment`` recorded it."""

    amount: Decimal | None  # None if the recorded value is not a number
    currency: str
    note: str  # what the payment is for, in the officer's words (may be empty)
    at: datetime


# The actions closing a dossier before any result: after them no due date applies.
CLOSING_ACTIONS: dict[int, str] = {
    DossierStatus.REFUSED: "refuse",
    DossierStatus.WITHDRAWN: "withdraw",
    DossierStatus.STOPPED: "stop",
}


def _latest_events(dossiers: Iterable[Dossier], actions_by_status: dict[int, str]) -> dict[int, DossierEvent]:
    """The latest event of each dossier whose status is a key of ``actions_by_status``, of that status's action.

    One query, none when no dossier is in such a status.
    """
    wanted = {d.pk: actions_by_status[d.status] for d in dossiers if d.status in actions_by_status}
    if not wanted:
        return {}
    events = DossierEvent.objects.filter(dossier_id__in=wanted, action__in=set(wanted.values())).order_by("at", "pk")
    return {
        e.dossier_id: e
        for e in events.only("dossier", "action", "at", "reason", "data")
        if wanted[e.dossier_id] == e.action
    }


def dossier_payment_requests(*, dossiers: Iterable[Dossier]) -> dict[int, PaymentRequest]:
    """The payment standing for each of ``dossiers`` waiting for one (status 6), by primary key; one query at most."""
    found = _latest_events(dossiers, {int(DossierStatus.PAYMENT_REQUIRED): "request_payment"})
    requests = {}
    for pk, event in found.items():
        data = event.data or {}
        try:
            amount: Decimal | None = Decimal(str(data.get("amount")))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is not None and not amount.is_finite():
            amount = None
        requests[pk] = PaymentRequest(
            amount=amount, currency=str(data.get("currency") or "VND"), note=event.reason, at=event.at
        )
    return requests


def dossier_closed_at(*, dossiers: Iterable[Dossier]) -> dict[int, datetime]:
    """When each refused, withdrawn or stopped one of ``dossiers`` was closed, by primary key; one query at most."""
    return {pk: event.at for pk, event in _latest_events(dossiers, CLOSING_ACTIONS).items()}


def online_draft_for(*, user: User, procedure_id: int) -> Dossier | None:
    """The applicant's unfinished online application for the procedure, to resume it."""
    if not user.is_authenticated:
        return None
    return (
        Dossier.objects.filter(applicant__user=user, procedure_id=procedure_id)
        .filter(_ONLINE_DRAFT)
        .order_by("-updated_at", "-pk")
        .first()
    )


def online_draft_untouched_for(*, user: User, procedure_id: int) -> Dossier | None:
    """The applicant's online draft for the procedure with nothing filled in and nothing attached yet, the latest
    first: a start page sent again continues it rather than opening another (``portal.apply_views.apply_start``)."""
    if not user.is_authenticated:
        return None
    drafts = (
        Dossier.objects.filter(applicant__user=user, procedure_id=procedure_id)
        .filter(_ONLINE_DRAFT)
        .exclude(Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"))))
        .order_by("-updated_at", "-pk")
    )
    return next((draft for draft in drafts if not draft.form_data), None)


def online_draft_discarded(*, user: User, pk: int) -> bool:
    """Whether ``user`` discarded their online draft ``pk``: the row is gone, the audit log keeps the discard
    (``services.drafts.draft_delete``). One query."""
    if not user.is_authenticated:
        return False
    return AuditEntry.objects.filter(action="dossier.draft_discard", target=f"dossier:{pk}", actor=user).exists()


def supplement_answered_by(*, dossier: Dossier, user: User) -> bool:
    """Whether the supplement last asked of ``dossier`` was answered by ``user`` (``supplement_provided``), with
    nothing asked since. One query."""
    last = (
        dossier.events.filter(action__in=(*SUPPLEMENT_REQUESTS, "supplement_provided"))
        .order_by("-at", "-pk")
        .values_list("action", "actor_id")
        .first()
    )
    return last == ("supplement_provided", user.pk)


def dossier_documents_for_applicant(*, dossier: Dossier) -> list[DossierDocument]:
    """The files the applicant may see: what they uploaded and the results (not officers' scans)."""
    kinds = (DocumentKind.COMPONENT, DocumentKind.RESULT)
    return list(dossier.documents.filter(kind__in=kinds).exclude(file="").order_by("kind", "pk"))


def result_awaits_hand_over(dossier: Dossier) -> bool:
    """Whether the result is issued and not handed over: status 9, or status 10 with ``result_ready`` (the post
    office brought it back, or its postal order was cancelled)."""
    if dossier.status == DossierStatus.RESOLVED:
        return True
    return dossier.status == DossierStatus.RETURNED and dossier.substatus == Substatus.RESULT_READY


def document_open_to_applicant(*, dossier: Dossier, document: DossierDocument) -> bool:
    """Whether the applicant may download ``document`` now: their uploads always, the result once handed
    over (status 10: at the counter, by post, or online by ``return``), so that the hand-over is recorded;
    a result waiting to be handed over anew (brought back by the post office) is downloaded by ``return`` too."""
    if document.kind != DocumentKind.RESULT:
        return True
    return dossier.status == DossierStatus.RETURNED and not result_awaits_hand_over(dossier)


def dossier_lookup_public(*, code: str, secret: str) -> Dossier | None:
    """The dossier with ``code`` whose lookup secret is ``secret`` (printed on the receipt); else None.

    For the public lookup: surrounding whitespace is ignored, the code and the secret are not
    case-sensitive, the secret's spaces and hyphens do not count and its O, I and L read as 0, 1 and 1
    (``lookup_secret_normal``), and it is compared in constant time. Drafts (status 0) and dossiers
    without a secret are never found. One query, with the receiving agency.
    """
    code = code.strip().upper()
    given = lookup_secret_normal(secret).encode()
    if not code or not given:
        return None
    dossier = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT).filter(code=code).select_related("receiving_agency").first()
    )
    expected = lookup_secret_normal(dossier.lookup_secret).encode() if dossier is not None else b""
    matches = hmac.compare_digest(given, expected or _NO_SECRET)
    if dossier is None or not expected or not matches:
        return None
    return dossier


def dossier_search_query(
    *,
    officer: User,
    code: str = "",
    applicant: str = "",
    procedure_id: int | None = None,
    status: int | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    roles: Roles | None = None,
) -> QuerySet[Dossier]:
    """The dossiers the officer may see matching the search, newest received first (to paginate).

    ``applicant`` is an ID number or tax code, or words of the applicant's name: each word starts a word of
    the name, ignoring case, diacritics, Unicode form and spacing ("dang thi hong" finds "Đặng Thị Hồng").
    Dates are days in Vietnam time, both included, of the reception; for a dossier never received (a draft, one
    waiting or refused at reception) of its submission online, else of its opening at the counter. ``roles``
    spares the role query when at hand.
    """
    dossiers = dossier_visible_to(officer=officer, roles=roles)
    if code.strip():
        dossiers = dossiers.filter(code__icontains=code.strip())
    text = clean(applicant)
    if text:
        # As the counter's lookup reads it: typed in groups ("037 090 001 234"), or in full-width digits.
        identifier = identifier_normal(text)
        match = Q(applicant__personal_id=identifier) | Q(applicant__tax_code=identifier)
        words = name_search_words(text)
        if words:
            named = Applicant.objects.order_by()
            for word in words:
                named = named.filter(Q(search_name__startswith=word) | Q(search_name__contains=f" {word}"))
            # A subquery on the folded column alone: the database scans its index, not the applicants' rows.
            match |= Q(applicant_id__in=named.values("pk"))
        dossiers = dossiers.filter(match)
    if procedure_id is not None:
        dossiers = dossiers.filter(procedure_id=procedure_id)
    if status is not None:
        dossiers = dossiers.filter(status=status)
    dossiers = _received_or_submitted_between(dossiers, date_from=received_from, date_to=received_to)
    # Dossiers not received yet (no date) last on every database: PostgreSQL sorts NULL first when descending.
    return dossiers.select_related(*_RELATED).order_by(F("received_at").desc(nulls_last=True), "-pk")


# No dossier is received outside the working calendar's years; a day typed beyond them (0001-01-01,
# 9999-12-31) is read as the calendar's edge, so the bounds stay datetimes that convert to UTC.
_FIRST_DAY, _LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def received_between(dossiers: QuerySet[Dossier], *, date_from: date | None, date_to: date | None) -> QuerySet[Dossier]:
    """``dossiers`` received from ``date_from`` to ``date_to``, Vietnam days, both included (either may be open)."""
    return _days_between(dossiers, "received_at", date_from=date_from, date_to=date_to)


def _received_or_submitted_between(
    dossiers: QuerySet[Dossier], *, date_from: date | None, date_to: date | None
) -> QuerySet[Dossier]:
    """:func:`received_between`, a dossier never received judged by its submission, else its opening at the counter.

    A search for drafts or applications refused at reception by date would otherwise find none of them.
    """
    if date_from is None and date_to is None:
        return dossiers
    dated = dossiers.alias(search_day_at=Coalesce("received_at", "submitted_at", "created_at"))
    return _days_between(dated, "search_day_at", date_from=date_from, date_to=date_to)


def _days_between(
    dossiers: QuerySet[Dossier], field: str, *, date_from: date | None, date_to: date | None
) -> QuerySet[Dossier]:
    if date_from is not None:
        if date_from > _LAST_DAY:
            return dossiers.none()
        start = datetime.combine(max(date_from, _FIRST_DAY), time.min, TZ)
        dossiers = dossiers.filter(**{f"{field}__gte": start})
    if date_to is not None:
        if date_to < _FIRST_DAY:
            return dossiers.none()
        day_after = min(date_to, _LAST_DAY) + timedelta(days=1)
        dossiers = dossiers.filter(**{f"{field}__lt": datetime.combine(day_after, time.min, TZ)})
    return dossiers


def dossier_search(*, officer: User, limit: int = 100, **filters: Any) -> list[Dossier]:
    """The first ``limit`` dossiers of :func:`dossier_search_query` with ``filters`` (its keyword arguments)."""
    return list(dossier_search_query(officer=officer, **filters)[:limit])


def dossier_search_procedures(*, officer: User, roles: Roles | None = None) -> list[Procedure]:
    """The procedures a search may filter by, by code: those the officer's agencies handle now, and those of
    every dossier the agencies received or have a step of, a procedure since withdrawn from the catalog too.

    Only the key, code and name are read. A supervisor's agencies are its whole subtree, as in ``dossier_visible_to``.
    """
    agency_ids = roles_agency_ids(roles=user_roles_load(user=officer) if roles is None else roles)
    if not agency_ids:
        return []
    handled = Procedure.agencies.through.objects.filter(agency_id__in=agency_ids).values("procedure_id")
    received = Dossier.objects.filter(receiving_agency_id__in=agency_ids).order_by().values("procedure_id")
    stepped = DossierStep.objects.filter(agency_id__in=agency_ids).order_by().values("dossier__procedure_id")
    found = Procedure.objects.filter(Q(is_active=True, pk__in=handled) | Q(pk__in=received) | Q(pk__in=stepped))
    return list(found.only("pk", "code", "name").order_by("code", "pk"))


def own_event_since(
    *, dossier: Dossier, by: User, action: str, version: int, data: dict[str, Any] | None = None
) -> DossierEvent | None:
    """The event by ``by`` of ``action`` (with ``data`` among its data, when given) that moved ``dossier`` on
    from ``version``, else None (another's change, another action, or none since)."""
    since = dossier.version - version
    if since < 1:
        return None
    # Every change bumps the version by one and writes one event ("create" aside, at version 0): counted back
    # from the latest, the event that moved the dossier on from ``version``.
    moved = dossier.events.exclude(action="create").order_by("-pk")[since - 1 : since]
    event: DossierEvent | None = next(iter(moved), None)
    if event is None or event.actor_id != by.pk or event.action != action:
        return None
    return event if all(event.data.get(key) == value for key, value in (data or {}).items()) else None


def dossier_timeline(*, dossier: Dossier, for_applicant: bool = False) -> list[DossierEvent]:
    """The dossier's events in order; the applicant does not see internal ones."""
    events = DossierEvent.objects.filter(dossier=dossier).select_related("actor")
    if for_applicant:
        events = events.filter(internal=False)
    return list(events.order_by("at", "pk"))


def dossier_steps(*, dossier: Dossier) -> list[DossierStep]:
    """The steps in order with their agency and assignee (for the process-control slip, form 06)."""
    return list(dossier.steps.select_related("agency", "assignee").order_by("order", "pk"))


# The fields of a step and of a document a summary shows, read as values (no model instances).
STEP_VALUES = (
    "agency_id",
    "order",
    "name",
    "agency__code",
    "agency__name",
    "role",
    "state",
    "started_at",
    "due_at",
    "finished_at",
    "outcome",
)
_STEPS_PACKED = ("pk", *STEP_VALUES)  # and the key, to sort steps of the same order as the ORM would
DOCUMENT_VALUES = (
    "pk",
    "kind",
    "name",
    "required_document_id",
    "content_type",
    "size",
    "sha256",
    "signed",
    "uploaded_at",
)


@compiled(dossier_id=int)
def _step_values(dossier_id: int) -> QuerySet[DossierStep, tuple[Any, ...]]:
    return DossierStep.objects.filter(dossier_id=dossier_id).order_by("order", "pk").values_list(*STEP_VALUES)


@compiled(dossier_id=int)
def _document_values(dossier_id: int) -> QuerySet[DossierDocument, tuple[Any, ...]]:
    return DossierDocument.objects.filter(dossier_id=dossier_id).order_by("pk").values_list(*DOCUMENT_VALUES)


def dossier_step_values(*, dossier: Dossier) -> list[dict[str, Any]]:
    """The steps in order as :data:`STEP_VALUES` (compiled once)."""
    return [dict(zip(STEP_VALUES, row, strict=True)) for row in _step_values(dossier_id=dossier.pk)]


def dossier_document_values(*, dossier: Dossier) -> list[dict[str, Any]]:
    """Every document in upload order as :data:`DOCUMENT_VALUES` (compiled once)."""
    return [dict(zip(DOCUMENT_VALUES, row, strict=True)) for row in _document_values(dossier_id=dossier.pk)]


@compiled(dossier_id=int)
def _documents(dossier_id: int) -> QuerySet[DossierDocument]:
    return DossierDocument.objects.filter(dossier_id=dossier_id).order_by("pk")


def dossier_documents(*, dossier: Dossier) -> list[DossierDocument]:
    """Every document of the dossier, in upload order (what officers see)."""
    documents = _documents(dossier_id=dossier.pk)
    for document in documents:
        document.dossier = dossier
    return documents


def dossier_actions_for(
    *, dossier: Dossier, user: User, roles: Roles | None = None, at: datetime | None = None
) -> list[str]:
    """The actions ``user`` may take on ``dossier`` at ``at``, default now (for buttons); letters have their own
    checks.

    ``roles`` spares the role query when the caller has them already.
    """
    return transition_actions(dossier=dossier, user=user, roles=roles, at=at)


def result_downloadable(*, dossier: Dossier) -> bool:
    """Whether ``dossier`` has an electronic result the applicant can download: a result issued on paper only has
    none, so it is returned at the counter or by post (``dossier_return`` refuses ``online`` then). One query."""
    return dossier.documents.filter(kind=DocumentKind.RESULT).exists()


def slip_kinds_for(*, dossier: Dossier) -> list[str]:
    """The slips (forms 01–06) that exist for ``dossier`` now, in form order.

    01 (receipt) and 06 (process control) once received; 02 once a supplement was requested; 03 when
    refused; 04 once an apology letter exists (once the dossier is closed or extended, a letter sent: one never
    sent then never reaches the applicant); 05 when stopped. At most two queries.
    """
    received = dossier.received_at is not None or bool(dossier.code)
    kinds = []
    if received:
        kinds.append("01")
    if dossier.events.filter(action="request_supplement").exists():
        kinds.append("02")
    if dossier.status == DossierStatus.REFUSED:
        kinds.append("03")
    letters = dossier.apology_letters.exclude(state=LetterState.WITHDRAWN)
    if not apology_letters_open(dossier=dossier):
        letters = letters.filter(state=LetterState.SENT)
    if received and letters.exists():
        kinds.append("04")
    if dossier.status == DossierStatus.STOPPED:
        kinds.append("05")
    if received:
        kinds.append("06")
    return kinds


def applicant_slip_kinds(*, dossier: Dossier) -> list[str]:
    """The slips and letters addressed to the applicant (01–05) that exist now; never the internal 06."""
    kinds = [kind for kind in slip_kinds_for(dossier=dossier) if kind not in ("04", "06")]
    if dossier.apology_letters.filter(state=LetterState.SENT).exists():
        kinds.append("04")
    return sorted(kinds)


def dossier_register(*, officer: User, agency: Agency, date_from: date, date_to: date) -> list[Dossier]:
    """The dossiers ``agency`` received from ``date_from`` to ``date_to`` (Vietnam days, both included).

    In the order received, for the tracking register (form 07); empty unless the officer belongs to
    ``agency``. One query besides the officer's roles; steps and their agencies come prefetched (one more).
    """
    if agency.pk not in user_agency_ids(user=officer):
        return []
    return list(
        _register_rows(agency=agency, date_from=date_from, date_to=date_to)
        .select_related("procedure", "applicant", "receiving_agency")
        .prefetch_related(Prefetch("steps", queryset=DossierStep.objects.select_related("agency")))
        .order_by("received_at", "pk")
    )


def dossier_register_count(*, officer: User, agency: Agency, date_from: date, date_to: date) -> int:
    """How many rows :func:`dossier_register` gives, counted in the database. One query besides the roles."""
    if agency.pk not in user_agency_ids(user=officer):
        return 0
    return _register_rows(agency=agency, date_from=date_from, date_to=date_to).count()


def _register_rows(*, agency: Agency, date_from: date, date_to: date) -> QuerySet[Dossier]:
    return received_between(Dossier.objects.filter(receiving_agency=agency), date_from=date_from, date_to=date_to)


# The register exports an officer's register page lists: the latest ones.
REGISTER_EXPORTS_LISTED = 10


def register_exports_of(*, officer: User) -> list[RegisterExport]:
    """The officer's own latest register exports, newest first, of the agencies where they hold a role in force.

    One query besides the officer's roles.
    """
    agencies = user_agency_ids(user=officer)
    return list(
        RegisterExport.objects.filter(requested_by=officer, agency_id__in=agencies)
        .select_related("agency")
        .order_by("-requested_at", "-pk")[:REGISTER_EXPORTS_LISTED]
    )


def receiving_change_agencies(*, data: dict[str, Any]) -> tuple[Agency | None, Agency | None]:
    """The agencies, old and new, a merger's ``receiving_agency_change`` row names by id in its ``data``; None for
    one not named or gone. One query."""
    ids = [data.get("from_agency"), data.get("to_agency")]
    named = Agency.objects.in_bulk([pk for pk in ids if isinstance(pk, int)])
    old, new = (named.get(pk) if isinstance(pk, int) else None for pk in ids)
    return old, new


def register_export_of(*, officer: User, pk: int) -> RegisterExport | None:
    """The officer's own ready export ``pk`` of an agency where they hold a role in force; None otherwise.

    Another officer's export, or one of an agency the officer has left, is not told apart from none.
    """
    agencies = user_agency_ids(user=officer)
    return (
        RegisterExport.objects.filter(
            pk=pk, requested_by=officer, agency_id__in=agencies, state=RegisterExportState.READY
        )
        .exclude(file="")
        .select_related("agency")
        .first()
    )


def documents_ticked(*, dossier: Dossier) -> bool:
    """Whether the documents handed in are those the front desk ticked: at the counter always; online once it
    saved its ticks, since it may judge that a file uploaded is not the document asked for (until then, every
    upload counts)."""
    return dossier.channel == Channel.COUNTER or dossier.events.filter(action="documents_mark_received").exists()


def mandatory_documents_missing(*, dossier: Dossier) -> list[str]:
    """The procedure's mandatory documents not handed in: not ticked at the counter, no file online.

    An online application is submitted only without any (``online_draft_submit``). The front desk receives
    a dossier only when it is complete (else it asks for a supplement), but the catalog's lists also hold
    alternatives ("the form, if lodged in person", "the e-form, if online") marked mandatory, so at the
    counter this warns the officer rather than refusing the reception.
    """
    handed_in = dossier.documents.filter(kind__in=HANDED_IN_KINDS)
    if documents_ticked(dossier=dossier):
        handed_in = handed_in.filter(received=True)
    else:
        handed_in = handed_in.exclude(file="")
    have = set(handed_in.values_list("required_document_id", flat=True))
    mandatory = dossier.procedure.documents.filter(mandatory=True).order_by("position", "pk")
    return [rd.name for rd in mandatory if rd.pk not in have]


@dataclass(frozen=True)
class RegisterLine:
    """Where a received dossier is entered in its agency's tracking register (sổ theo dõi hồ sơ, form 07)."""

    book: int  # one book a year: the year of reception
    line: int


def register_lines(*, dossiers: Iterable[Dossier]) -> dict[int, RegisterLine]:
    """The register line of each received dossier, by primary key, as its receipt (form 01) and form 07 print it.

    Lines follow the dossier codes through the year of reception. A code's number is gap-free per agency
    and day (``codes.py``), so a dossier's line is what its agency numbered on the earlier days of the year
    plus its own number: it never changes, whatever is received later. The agency is the one that received it,
    named by the code (``<agency code>-YYMMDD-XXXX``), not the one receiving it now: a merger hands the open
    dossiers over to the successor, whose own codes number its own book. One query.
    """
    parsed: dict[int, tuple[str, date, int]] = {}
    for d in dossiers:
        parts = d.code.rsplit("-", 2) if d.code and d.received_at else []
        if len(parts) == 3 and parts[2].isdigit():
            parsed[d.pk] = (parts[0], timezone.localtime(d.received_at, TZ).date(), int(parts[2]))
    if not parsed:
        return {}
    days = [day for _agency, day, _number in parsed.values()]
    given: dict[str, list[tuple[date, int]]] = {}
    for agency_code, day, last in DossierCodeSequence.objects.filter(
        agency__code__in={agency for agency, _day, _number in parsed.values()},
        day__gte=date(min(days).year, 1, 1),
        day__lt=max(days),
    ).values_list("agency__code", "day", "last"):
        given.setdefault(agency_code, []).append((day, last))
    lines: dict[int, RegisterLine] = {}
    for pk, (agency_code, day, number) in parsed.items():
        before = sum(last for d, last in given.get(agency_code, []) if d.year == day.year and d < day)
        lines[pk] = RegisterLine(book=day.year, line=before + number)
    return lines


def apology_letter_of(*, dossier: Dossier, pk: int) -> ApologyLetter | None:
    return ApologyLetter.objects.filter(dossier=dossier, pk=pk).first()


def letter_agencies_for(*, dossier: Dossier, user: User, at: datetime | None = None) -> list[Agency]:
    """The agencies at fault in whose name ``user`` may draft an apology letter on ``dossier`` at ``at`` (default
    now): the active step's first, then those late on a step; none once too late for a letter. Two queries besides
    the officer's roles."""
    ids = letter_agencies(dossier=dossier, user=user, at=at)
    found = Agency.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


# The statuses in which a letter may be sent: those of the transitions table's row.
LETTER_STATUSES = next(row.sources for row in TRANSITIONS if row.action == "letter_send")
# A letter still to approve or send (one withdrawn never will be).
UNSENT = (LetterState.DRAFT, LetterState.APPROVED)


def apology_letters_open(*, dossier: Dossier) -> bool:
    """Whether a letter may still move the due date: the dossier is in processing and not yet extended once."""
    return dossier.status in LETTER_STATUSES and dossier.extended_at is None


def apology_letter_send_by(*, letter: ApologyLetter, dossier: Dossier) -> date | None:
    """The last day ``letter`` may be sent (the working day before the due date); None once sent, undated,
    while the clock is paused (the due date then moves when the applicant supplies or pays), or once no
    letter can be sent (the dossier closed or already extended, or the letter withdrawn)."""
    if letter.state not in UNSENT or dossier.due_at is None or dossier.paused_at is not None:
        return None
    if not apology_letters_open(dossier=dossier):
        return None
    return letter_send_by(due_at=dossier.due_at)


def apology_letters_too_late(*, dossier: Dossier, now: datetime | None = None) -> date | None:
    """The last day a letter could have been sent on ``dossier``, once it is past ``now`` (default now): no letter
    is drafted, approved or sent any more, and those left unsent are to be withdrawn. None while a letter may still
    be sent, while the clock is paused (the due date moves when it runs again), and once letters are closed."""
    if dossier.due_at is None or dossier.paused_at is not None or not apology_letters_open(dossier=dossier):
        return None
    last = letter_send_by(due_at=dossier.due_at)
    return last if (now or timezone.now()).astimezone(TZ).date() > last else None


def letter_action_refusal(
    *, dossier: Dossier, user: User, action: str, letter: ApologyLetter | None = None
) -> TransitionRefused | None:
    """Why ``user`` may not take the letter ``action`` (``letter_draft``, or one of :data:`LETTER_ACTIONS` on
    ``letter``) on ``dossier`` now, as the transitions table would refuse it; None when it is open. For a page
    that says why instead of offering a confirmation bound to be refused."""
    if action not in LETTER_ACTIONS | {"letter_draft"}:
        raise ValueError(f"{action!r} is not an action on apology letters.")
    try:
        transition_find(
            dossier=dossier,
            action=action,
            user=user,
            agency_id=letter.agency_id if letter is not None else None,
            subject=letter,
        )
    except TransitionRefused as refused:
        return refused
    return None


def dispatch_failures_count() -> int:
    """How many events wait to be tried again after one of their hooks failed (see services/dispatch.py)."""
    return EventDispatchFailure.objects.count()


def dossier_form_rows(*, dossier: Dossier) -> list[tuple[str, str]]:
    """The e-form the applicant filled in, as (label, value) rows; none for a dossier without form data (one
    lodged at the counter), rather than a block of empty fields."""
    if not dossier.form_data:
        return []
    return eform_display(schema=dossier.procedure.eform_schema or {}, data=dossier.form_data)
