"""Reads of the notifications app: who the applicant or the petition's sender is reached at, in which language."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from chinhquyen.core.compiled import compiled
from chinhquyen.directory.models import User
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.ownership import account_holds, snapshot_contact_usable
from chinhquyen.dossiers.services.retime import due_shown_text
from chinhquyen.feedback.models import Petition, PetitionEvent

from .models import Kind, Notification, Preference
from .sms import phone_normalise


@dataclass(frozen=True)
class Recipient:
    email: str
    phone: str  # normalised (0xxxxxxxxx), "" when there is no usable mobile number
    language: str


def recipient_for(*, dossier: Dossier) -> Recipient:
    """The applicant's addresses: the account's current ones first, else those given with the dossier."""
    snapshot = dossier.applicant_snapshot or {}
    user = dossier.applicant.user
    if user is not None and not account_holds(dossier=dossier, user=user, owner_id=user.pk):
        # The record's addresses are those of an account that does not hold the dossier (dossiers.ownership):
        # they may reach someone other than its applicant, who is told nothing rather than a stranger.
        return Recipient(email="", phone="", language=settings.LANGUAGE_CODE)
    email = user.email if user is not None else ""
    phone = user.phone if user is not None else ""
    wanted = (not email and snapshot.get("email")) or (not phone and snapshot.get("phone"))
    if wanted and snapshot_contact_usable(dossier=dossier, user=user):  # read only when the account lacks one
        email, phone = email or snapshot.get("email") or "", phone or snapshot.get("phone") or ""
    return Recipient(email=email.strip(), phone=phone_normalise(phone), language=language_for(user=user))


def petition_recipient_for(*, petition: Petition) -> Recipient:
    """The sender's addresses as given with the petition (for the agency to reach them), never the account's.

    The filing form is pre-filled from a signed-in sender's profile, so an address left out was left out on purpose.
    """
    return Recipient(
        email=petition.sender_email.strip(),
        phone=phone_normalise(petition.sender_phone),
        language=language_for(user=petition.sender_user),
    )


def language_for(*, user: User | None) -> str:
    """The account's preferred language for notifications, else the site's default (Vietnamese)."""
    available = {code for code, _name in settings.LANGUAGES}
    if user is not None:
        preferred = Preference.objects.filter(user=user).values_list("language", flat=True).first()
        if preferred in available:
            return preferred
    return settings.LANGUAGE_CODE


def notifications_of(*, dossier: Dossier) -> QuerySet[Notification]:
    """A dossier's notifications, oldest first (for the office and the applicant's timeline)."""
    return Notification.objects.filter(dossier=dossier).order_by("created_at", "pk")


# Compiled once: these run after every transition the applicant hears of.
@compiled(pk=int)
def _event_with_dossier(pk: int) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.select_related(
        "dossier__procedure", "dossier__receiving_agency", "dossier__applicant__user__verified_identity"
    ).filter(pk=pk)


@compiled(event_id=int)
def _notifications_of_event(event_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(event_id=event_id).order_by("pk")


def event_with_dossier(*, event_id: int) -> DossierEvent:
    """The dossier event with its dossier, procedure, agency and applicant; DoesNotExist when there is none."""
    found = _event_with_dossier(pk=event_id)
    if not found:
        raise DossierEvent.DoesNotExist(f"No dossier event {event_id}.")
    return found[0]


def notifications_of_event(*, event_id: int) -> list[Notification]:
    """The notifications already made for the event, in order."""
    return _notifications_of_event(event_id=event_id)


# Re-timings of one dossier read on either side of one: a calendar change re-times each dossier once, but changes
# may follow one another before the worker runs (overrides deleted one by one, a day off declared then removed).
RETIME_RUN = 50


@dataclass(frozen=True)
class DueMove:
    """A move of the due date to tell the applicant: from the date they were last told, to the one now."""

    old: datetime | None
    new: datetime | None
    causes: list[dict[str, Any]]  # as stored by dossiers.services.retime (``data["causes"]``)


def due_move_to_tell(*, event: DossierEvent) -> DueMove | None:
    """What the re-timing ``event`` (``calendar_retime``) tells the applicant, or None.

    Re-timings of the dossier that follow one another with nothing in between are told once, by the last one
    the applicant sees: from the old date of the first that nobody told (none of its notifications exist) to
    the new date of the last, with the causes of them all. None for the earlier ones, and when the date as
    shown (to the minute) is back where it was. Two queries, whatever the number of dossiers re-timed.
    """
    later = (
        DossierEvent.objects.filter(dossier_id=event.dossier_id, pk__gt=event.pk)
        .order_by("pk")
        .values_list("action", "internal")[:RETIME_RUN]
    )
    for action, internal in later:
        if action != event.action:
            break
        if not internal:
            return None  # the later one tells
    data = event.data or {}
    old = data.get("old_due_at")
    runs = [data.get("causes") or []]
    earlier = (
        DossierEvent.objects.filter(dossier_id=event.dossier_id, pk__lt=event.pk)
        .annotate(told=Exists(Notification.objects.filter(event_id=OuterRef("pk"))))
        .order_by("-pk")
        .values_list("action", "internal", "told", "data")[:RETIME_RUN]
    )
    for action, internal, told, earlier_data in earlier:
        if action != event.action or told:
            break
        old = (earlier_data or {}).get("old_due_at")
        if not internal:
            runs.insert(0, (earlier_data or {}).get("causes") or [])
    new = data.get("new_due_at")
    if due_shown_text(old) == due_shown_text(new):
        return None
    causes: list[dict[str, Any]] = []
    for cause in (cause for run in runs for cause in run):
        if cause not in causes:
            causes.append(cause)
    return DueMove(old=_instant(old), new=_instant(new), causes=causes)


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def petition_event_with_petition(*, event_id: int) -> PetitionEvent:
    """The petition event with its petition, agencies and sender's account; DoesNotExist when there is none."""
    return PetitionEvent.objects.select_related(
        "petition__agency", "petition__about_agency", "petition__sender_user"
    ).get(pk=event_id)


def notifications_of_petition_event(*, event_id: int) -> list[Notification]:
    """The notifications already made for the petition event, in order."""
    return list(Notification.objects.filter(petition_event_id=event_id).order_by("pk"))


def petition_answer_link_sent(*, petition: Petition, url: str) -> bool:
    """Whether a ``petition_answered`` message of ``petition`` already gave its sender ``url`` (either channel)."""
    bodies = Notification.objects.filter(
        petition_event__petition_id=petition.pk, kind=Kind.PETITION_ANSWERED
    ).values_list("body", flat=True)
    # Compared in Python: at most two rows, and SQLite's LIKE would ignore case.
    return any(url in body for body in bodies)
