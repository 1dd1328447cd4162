"""Which dossier events reach the applicant, and which petition events the sender, as what kind of notification."""

from chinhquyen.dossiers.models import DossierEvent, DossierStatus

from .models import Kind

# Actions of the transitions table (dossiers/transitions.py) the applicant is told about.
ACTION_KINDS: dict[str, Kind] = {
    "submit": Kind.SUBMITTED,
    "receive": Kind.RECEIVED,
    "request_supplement": Kind.SUPPLEMENT_REQUESTED,
    # Documents supplied but not enough: the applicant is asked again, with what is still missing.
    "supplement_reject": Kind.SUPPLEMENT_REQUESTED,
    # Enough: the clock runs again, the due date moved by the wait (told only once there is one, kind_of).
    "supplement_accept": Kind.SUPPLEMENT_ACCEPTED,
    "request_payment": Kind.PAYMENT_REQUIRED,
    # The fee is paid: the applicant learns that processing goes on.
    "payment_confirmed": Kind.PAYMENT_CONFIRMED,
    "letter_send": Kind.APOLOGY,
    # A change to the working calendar moved the due date as shown to the applicant (the row is internal when it
    # moved only the steps' dates, within the minute, or while the clock waits on the applicant, whose page shows
    # no date then: the resume tells it); told once per run of re-timings (due_move_to_tell).
    "calendar_retime": Kind.DUE_DATE_MOVED,
    "issue_result": Kind.RESULT_READY,
    "return": Kind.RETURNED,
    # The post office's updates (postal tracking). A result told as "sent by post" that did not reach the
    # applicant waits at the front desk again; a delivery is not told (the applicant has the parcel in hand and
    # the portal shows it).
    "postal_returned_to_sender": Kind.RESULT_BACK,
    "postal_cancelled": Kind.RESULT_BACK,
    # Papers the applicant asked the post to collect, not collected: they must order again or bring them.
    "postal_pickup_failed": Kind.PICKUP_FAILED,
    # A merger of agencies moved the dossier to the successor's counter (dossiers.services.handover): the applicant
    # was told to bring papers to, or collect the result at, the old one. A hand-over of steps alone writes no row.
    "receiving_agency_change": Kind.RECEIVING_AGENCY_CHANGED,
    "refuse": Kind.REFUSED,
    "withdraw": Kind.WITHDRAWN,
    "stop": Kind.STOPPED,
}


# Actions of the petition transitions table (feedback/transitions.py) the sender is told about; assignments,
# internal notes and the sender's own rating are not. A publication is told only to a sender who has no link to
# the answer yet, a withdrawal only to one whose link it breaks (notifications_for_petition_event).
PETITION_ACTION_KINDS: dict[str, Kind] = {
    "answer": Kind.PETITION_ANSWERED,
    "close": Kind.PETITION_CLOSED,
    "publish": Kind.PETITION_PUBLISHED,
    "unpublish": Kind.PETITION_UNPUBLISHED,
}


def kind_for(event: DossierEvent) -> Kind | None:
    """The notification ``event`` calls for, or None (internal steps, drafts, other actions)."""
    return kind_of(action=event.action, to_status=event.to_status, internal=event.internal)


def kind_of(*, action: str, to_status: int | None, internal: bool) -> Kind | None:
    """:func:`kind_for` from the event's values (the dossier hook has them without reading the event)."""
    if internal:
        return None
    if action == "supplement_accept" and to_status not in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        return None  # before reception: no due date yet, the receipt will give it
    if action == "create":
        # An online submission made in one go (dossier_submit_online) is created straight in status 1;
        # a draft (at the counter or online) tells the applicant nothing yet.
        return Kind.SUBMITTED if to_status == DossierStatus.SUBMITTED else None
    return ACTION_KINDS.get(action)
