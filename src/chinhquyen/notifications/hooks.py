"""The dossier hook: after a transition commits, prepare and queue the applicant's notifications."""

import logging

from .events import ACTION_KINDS, kind_of

logger = logging.getLogger(__name__)


def dossier_event_notify(
    *, dossier_id: int, event_id: int, action: str, to_status: int | None = None, internal: bool | None = None
) -> None:
    """Create the notifications of the event; a failure is logged, never raised into the request.

    With the event's ``to_status`` and ``internal`` (as the transitions give them), an event that calls for
    no notification costs no query; without them, the event is read to decide.
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

    try:
        notifications_for_event(event_id=event_id)
    except Exception:  # the dossier has changed already; the applicant's message must not undo or break that
        logger.exception(
            "Notifications of dossier %s, event %s (%s), could not be prepared.", dossier_id, event_id, action
        )
