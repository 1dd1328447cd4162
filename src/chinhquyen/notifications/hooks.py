"""The dossier hook: after a transition commits, prepare and queue the applicant's notifications."""

import logging

from .events import ACTION_KINDS

logger = logging.getLogger(__name__)


def dossier_event_notify(*, dossier_id: int, event_id: int, action: str) -> None:
    """Create the notifications of the event; a failure is logged, never raised into the request."""
    if action != "create" and action not in ACTION_KINDS:
        return  # most transitions (claims, forwards, saves) concern only the officers
    from .services import notifications_for_event

    try:
        notifications_for_event(event_id=event_id)
    except Exception:  # the dossier has changed already; the applicant's message must not undo or break that
        logger.exception(
            "Notifications of dossier %s, event %s (%s), could not be prepared.", dossier_id, event_id, action
        )
