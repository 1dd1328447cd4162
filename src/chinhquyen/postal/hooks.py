"""The dossier hook: the worker runs it on each committed event, to call off a pickup the dossier no longer needs."""

import logging
from typing import Any

from django.db import transaction

from .selectors import postal_pickups_to_call_off

logger = logging.getLogger(__name__)

# The transitions that close a dossier whose papers the post may still be about to collect; the statuses
# they lead to (``dossiers.models.PAPERS_UNNEEDED_STATUSES``) decide, this only spares the other events a query.
CALL_OFF_ACTIONS = frozenset({"withdraw", "refuse", "stop"})


def postal_on_dossier_event(*, dossier_id: int, action: str, **_event: Any) -> None:
    """Queue the call-off of the pickups a withdrawn, refused or stopped dossier leaves waiting; safe to run twice.

    The task calls the partner after the dispatch commits, outside its transaction: a slow partner must not
    hold the batch of events. A second task finds the pickup called off and does nothing.
    """
    if action not in CALL_OFF_ACTIONS:
        return
    if not postal_pickups_to_call_off(dossier_id=dossier_id).exists():
        return
    transaction.on_commit(lambda: _enqueue(dossier_id))


def _enqueue(dossier_id: int) -> None:
    from .tasks import postal_dossier_pickups_call_off

    try:
        postal_dossier_pickups_call_off.enqueue(dossier_id)
    except Exception:  # the event is dispatched: nothing may raise into the worker; postal_track retries
        logger.exception("The call-off of dossier %s's pickups could not be queued; postal_track does it.", dossier_id)
