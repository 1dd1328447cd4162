"""The words of a notification: subject, e-mail body and SMS text, in the applicant's (or sender's) language.

Templates live in ``templates/notifications/<kind>.subject.txt``, ``<kind>.txt`` (e-mail body) and
``<kind>.sms.txt``; they are plain text (no HTML escaping) with translatable sentences.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.text import amount_text
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers.documents.data import lookup_url_for
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus, Substatus
from chinhquyen.dossiers.selectors import receiving_change_agencies
from chinhquyen.dossiers.services.retime import due_shown_text, retime_causes_text
from chinhquyen.dossiers.transitions import RECEIVING_AGENCY_CHANGE
from chinhquyen.feedback.models import PetitionEvent
from chinhquyen.feedback.selectors import petition_answer_url_for_sender, petition_page_url
from chinhquyen.workcal.engine import TZ

from .models import Kind
from .selectors import DueMove
from .sms import SMS_MAX_LENGTH, sms_plain

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# The applicant's list of dossiers on the portal (hồ sơ của tôi), where results are downloaded.
MY_DOSSIERS_PATH = "/ho-so-cua-toi/"
SMS_PROCEDURE_CHARS = 40

# The status in words a citizen understands: the same sentences as the portal's public lookup.
STATUS_WORDS: dict[int, Promise] = {
    DossierStatus.SUBMITTED: _("Submitted online, waiting to be received by the agency."),
    DossierStatus.RECEIVED: _("Received by the agency; processing will start shortly."),
    DossierStatus.PROCESSING: _("Being processed."),
    DossierStatus.SUPPLEMENT_REQUESTED: _(
        "Waiting for more documents from you. See the request you were sent or contact the receiving agency."
    ),
    DossierStatus.PAYMENT_REQUIRED: _("Waiting for you to pay the fees or charges due."),
    DossierStatus.RESOLVED: _("Processed: the result is ready for you."),
    DossierStatus.RETURNED: _("Completed: the result has been handed over to you."),
    DossierStatus.REFUSED: _("Not accepted: the agency could not take the application."),
    DossierStatus.WITHDRAWN: _("Withdrawn at the applicant's request: it is not processed further."),
    DossierStatus.STOPPED: _("Processing stopped by the agency."),
}

# The status line of the post office's updates on a result sent by post: status 10 stays, but nothing was handed
# over (the dossier's sub-state is "result ready" again).
ACTION_STATUS_WORDS: dict[str, Promise] = {
    "postal_returned_to_sender": STATUS_WORDS[DossierStatus.RESOLVED],
    "postal_cancelled": STATUS_WORDS[DossierStatus.RESOLVED],
}
# A result handed to the post office (status 10) is on its way, not in the applicant's hands: the portal's lookup
# says so in the same words until the delivery is confirmed.
POSTAL_SENT_WORDS = _("The result has been sent to you by post; delivery is not confirmed yet.")

# Plain text: nothing is HTML-escaped ("&" in a link stays "&").
_engine = Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, libraries={"i18n": "django.templatetags.i18n"})


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def notification_render(*, event: DossierEvent, kind: Kind, language: str, moved: DueMove | None = None) -> Rendered:
    """Render the three texts of ``kind`` for ``event`` in ``language``; ``moved``: the move of the due date a
    re-timing tells, with its dates as shown on the receipt (to the minute)."""
    with translation.override(language):
        context = _context(event)
        if moved is not None:
            old_due, due = due_shown_text(moved.old), due_shown_text(moved.new)
            # A re-timing may move the due date within its day: the SMS gives the minute too.
            context.update(
                old_due=old_due, due=due, sms_old_due=old_due, sms_due=due, cause=retime_causes_text(moved.causes)
            )
        return _rendered(kind, context)


def petition_notification_render(*, event: PetitionEvent, kind: Kind, language: str) -> Rendered:
    """Render the three texts of ``kind`` for the petition ``event`` in ``language``."""
    with translation.override(language):
        return _rendered(kind, _petition_context(event))


def _rendered(kind: Kind, context: dict[str, Any]) -> Rendered:
    subject = " ".join(_render(f"{kind.value}.subject.txt", context).split())[:255]
    return Rendered(subject=subject, body=_tidy(_render(f"{kind.value}.txt", context)), sms=_sms(kind, context))


def date_text(value: datetime | str | None) -> str:
    """A day in Vietnam time as dd/mm/yyyy (an ISO string from an event's data is accepted)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, TZ)
    return timezone.localtime(value, TZ).strftime("%d/%m/%Y")


def _render(name: str, context: dict[str, Any]) -> str:
    return _engine.get_template(f"notifications/{name}").render(Context(context, autoescape=False))


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row (templates' tags leave some behind)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept) + "\n"


def _sms(kind: Kind, context: dict[str, Any]) -> str:
    """The SMS without diacritics, in one segment: with the link if it fits, else without, else cut.

    Its due dates are days (``sms_due``, ``sms_old_due``), so that the link fits; the e-mail and the page behind
    the link give the minute.
    """
    text = ""
    dates = {"due": context.get("sms_due", ""), "old_due": context.get("sms_old_due", "")}
    for link in (True, False):
        text = sms_plain(_render(f"{kind.value}.sms.txt", {**context, **dates, "link": link}))
        if len(text) <= SMS_MAX_LENGTH:
            return text
    return text[: SMS_MAX_LENGTH - 3].rstrip() + "..."


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _amount(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value or "")
    return amount_text(amount)


def _context(event: DossierEvent) -> dict[str, Any]:
    dossier: Dossier = event.dossier
    snapshot = dossier.applicant_snapshot or {}
    data = event.data or {}
    base = settings.PUBLIC_BASE_URL
    lookup_url = lookup_url_for(dossier) if dossier.code else ""
    my_dossiers_url = urljoin(base, MY_DOSSIERS_PATH)
    procedure = dossier.procedure.name
    due = data.get("new_due_at") or data.get("due_at") or dossier.due_at
    by_post = event.action == "return" and data.get("method") == "postal"
    words = POSTAL_SENT_WORDS if by_post else ACTION_STATUS_WORDS.get(event.action) or STATUS_WORDS.get(event.to_status)
    context = {
        "name": snapshot.get("name") or dossier.applicant.name,
        "code": dossier.code,
        "secret": dossier.lookup_secret,
        "procedure": procedure,
        "procedure_short": _short(procedure, 80),
        "procedure_sms": _short(procedure, SMS_PROCEDURE_CHARS),
        "sms_ref": dossier.code or _short(procedure, SMS_PROCEDURE_CHARS),
        "agency": _agency_name(event, dossier),
        # Where the applicant goes (or calls) when the post could not do its part.
        "agency_address": dossier.receiving_agency.address,
        "agency_phone": dossier.receiving_agency.phone,
        # Applied for online (also when the post collected the papers, which makes the channel postal): the
        # result is received under My dossiers.
        "online": dossier.submitted_at is not None,
        "status": str(words) if words is not None else DossierStatus(event.to_status).label,
        # To the minute, as on the receipt and the portal: a pause may move the due date by hours within its day.
        "due": due_shown_text(due),
        "old_due": due_shown_text(data.get("old_due_at")),
        "sms_due": date_text(due),
        "sms_old_due": date_text(data.get("old_due_at")),
        "on": date_text(event.at),
        "reason": event.reason,
        "items": [str(i) for i in data.get("items") or []],
        "amount": _amount(data.get("amount")) if data.get("amount") else "",
        "by_post": by_post,
        "brought_back": event.action == "postal_returned_to_sender",
        "item_code": data.get("item_code") or "",
        "lookup_url": lookup_url,
        "my_dossiers_url": my_dossiers_url,
        "sms_url": lookup_url or my_dossiers_url,
    }
    if event.action == RECEIVING_AGENCY_CHANGE:
        context.update(_handed_over(event, dossier))
    return context


# While the clock runs the due date stands; before reception there is none, and a pause or a result makes it moot.
_DUE_RUNNING = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)


def _handed_over(event: DossierEvent, dossier: Dossier) -> dict[str, Any]:
    """A merger's hand-over of the dossier: the agencies its row names (the dossier may have moved again since),
    with the new one's contact, and what brings the applicant to its counter."""
    old, new = receiving_change_agencies(data=event.data or {})
    new = new or dossier.receiving_agency
    status = event.to_status
    return {
        "agency": new.name,
        "agency_sms": _short(new.name, SMS_PROCEDURE_CHARS),
        "agency_address": new.address,
        "agency_phone": new.phone,
        "old_agency": old.name if old is not None else "",
        "due": due_shown_text(dossier.due_at) if status in _DUE_RUNNING else "",
        "result_waiting": status == DossierStatus.RESOLVED
        or (status == DossierStatus.RETURNED and dossier.substatus == Substatus.RESULT_READY),
        "supplement_awaited": status == DossierStatus.SUPPLEMENT_REQUESTED,
    }


def _agency_name(event: DossierEvent, dossier: Dossier) -> str:
    """The agency the message speaks for: the receiving agency, but for a stop the one whose notice (form 05)
    it is, recorded by the stop (the same agency as the notice, ``documents.data``)."""
    named = (event.data or {}).get("agency") if event.action == "stop" else None
    if isinstance(named, int) and named != dossier.receiving_agency_id:
        agency = Agency.objects.filter(pk=named).only("name").first()
        if agency is not None:
            return agency.name
    return dossier.receiving_agency.name


def _petition_context(event: PetitionEvent) -> dict[str, Any]:
    # Only what the sender may read on the portal: never the event's internal note.
    petition = event.petition
    agency = petition.agency or petition.about_agency
    answer_url = petition_answer_url_for_sender(petition=petition)
    own = petition.sender_user_id is not None
    # The sender's own page also shows why the petition was closed; a closed petition is never published.
    own_page = petition_page_url(petition=petition) if own else ""
    return {
        "name": petition.sender_name,
        "code": petition.code,
        "title": petition.subject,
        "agency": agency.name if agency is not None else "",
        "agency_sms": _short(agency.name, SMS_PROCEDURE_CHARS) if agency is not None else "",
        "on": date_text(event.at),
        "answered": petition.answered_at is not None,
        "own": own,
        "reason": petition.closed_reason,
        "answer_url": answer_url,
        "page_url": own_page,
        "sms_url": answer_url if event.action in ("answer", "publish") else own_page,
    }
