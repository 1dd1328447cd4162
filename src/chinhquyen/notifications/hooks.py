"""The dossier and petition hooks: the worker runs them on each committed event, to prepare and queue the
notifications of the applicant or of the petition's sender."""

from .events import ACTION_KINDS, PETITION_ACTION_KINDS, kind_of


def dossier_event_notify(
    *, dossier_id: int, event_id: int, action: str, to_status: int | None = None, internal: bool | None = None
) -> None:
    """Create the notifications of the event; safe to run twice (the second run finds the rows).

    With the event's ``to_status`` and ``internal`` (as the dispatcher gives them), an event that calls for
    no notification costs no query; without them, the event is read to decide. A failure raises: the
    dispatcher logs it and leaves the event waiting for the next dispatch.
    """
    if action != "create" and action not in ACTION_KINDS:
        return  # most transitions (claims, forwards, saves) concern only the officers
    if (
        to_status is not None
        and internal is not None
        and kind_of(action=action, to_status=to_status, internal=internal) is None
    ):
        return  # e.g. a draft opened at the counter
    from .services import notifications_for_event

    notifications_for_event(event_id=event_id)


def petition_event_notify(*, petition_id: int, event_id: int, action: str, to_status: str | None = None) -> None:
    """Create the sender's notifications of an answered, closed, published or withdrawn petition; safe to run twice.

    Other events (filing, assignments, internal notes, the sender's rating) cost no query. A failure raises:
    the dispatcher logs it and leaves the event waiting for the next dispatch.
    """
    if action not in PETITION_ACTION_KINDS:
        return
    from .services import notifications_for_petition_event

    notifications_for_petition_event(event_id=event_id)
