"""Webhooks: subscriptions, one delivery per event and subscriber, signed attempts with back-off.

Deliveries are created by the dossier event hook (after the transition's commit), then sent by the
``webhook_deliver`` task enqueued after their own commit. A receiver gets each event at least once,
possibly more than once and out of order: it deduplicates on ``event.id``.
"""

import hashlib
import hmac
import json
import secrets
import unicodedata
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput
from chinhquyen.directory.models import User
from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.dossiers.selectors import dossier_visible_to
from chinhquyen.dossiers.transitions import ACTIONS, POSTAL_ACTIONS, RECEIVING_AGENCY_CHANGE

from .. import webhook_client
from ..addresses import host_is_local
from ..models import DeliveryState, System, WebhookAttempt, WebhookDelivery, WebhookSubscription
from ..selectors import deliveries_due, webhook_subscriptions_active

EVENT_PREFIX = "dossier."
# A counter draft discarded is deleted with its timeline: it has no row to send.
_NO_EVENT = frozenset({"draft_discard"})
# Every event a delivery may carry, and no other: what a system may subscribe to.
EVENT_TYPES = tuple(
    f"{EVENT_PREFIX}{action}"
    for action in ("create", *ACTIONS, *POSTAL_ACTIONS, RECEIVING_AGENCY_CHANGE)
    if action not in _NO_EVENT
)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
# While an attempt is under way its delivery is leased: ``next_attempt_at`` is the lease's end and the outcome
# (``last_status_code``, ``last_error``) is blank. Longer than the client's timeouts; a worker that dies while
# sending leaves the lease to run out, and the sweep takes the delivery up a minute later.
ATTEMPT_LEASE = timedelta(minutes=5)
_UNDER_WAY = Q(last_attempt_at__isnull=False, last_status_code__isnull=True, last_error="")
NO_RESPONSE = "no response"  # the outcome of an attempt that got no status code and no error text
SIGNATURE_HEADER = "X-Chinhquyen-Signature"
TIMESTAMP_HEADER = "X-Chinhquyen-Timestamp"
DELIVERY_HEADER = "X-Chinhquyen-Delivery"
EVENT_HEADER = "X-Chinhquyen-Event"


def _check_url(url: str) -> str:
    url = url.strip()
    # A control character or a space inside is no address (and a NUL cannot even be stored on PostgreSQL).
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise InvalidInput(_("The webhook URL is not a valid address."), code="webhook_url", field="url")
    try:
        parts = urlsplit(url)
        hostname, _port = parts.hostname, parts.port
    except ValueError as exc:  # an unclosed "[", a bracketed name, a port out of range or not a number
        raise InvalidInput(_("The webhook URL is not a valid address."), code="webhook_url", field="url") from exc
    private_allowed = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (parts.scheme == "http" and (private_allowed or settings.DEBUG)):
        raise InvalidInput(_("The webhook URL must start with https://."), code="webhook_url", field="url")
    if not hostname:
        raise InvalidInput(_("The webhook URL has no host."), code="webhook_url", field="url")
    # A DNS name is checked again at each delivery, against the addresses it then resolves to.
    if not private_allowed and host_is_local(hostname):
        raise InvalidInput(
            _("The webhook URL points to a local or private address; give an address on the internet."),
            code="webhook_url_private",
            field="url",
        )
    return url


def webhook_subscribe(*, by: User, system: System, url: str, events: list[str]) -> WebhookSubscription:
    """Subscribe ``system`` to dossier ``events`` (all when empty); the secret is on the result."""
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise InvalidInput(
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}, code="webhook_events", field="events"
        )
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            system=system, url=_check_url(url), secret=secrets.token_urlsafe(32), events=sorted(set(events))
        )
        audit_record(
            actor=by,
            action="integrations.webhook_subscribe",
            target=f"system:{system.pk}",
            data={"subscription": subscription.pk, "url": subscription.url, "events": subscription.events},
        )
    return subscription


def webhook_unsubscribe(*, by: User, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop deliveries to the subscription (pending ones are not sent either)."""
    if not subscription.is_active:
        return subscription
    with transaction.atomic():
        subscription.is_active = False
        subscription.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="integrations.webhook_unsubscribe",
            target=f"system:{subscription.system_id}",
            data={"subscription": subscription.pk},
        )
    return subscription


def _local(at: datetime) -> str:
    """``at`` in Vietnam's time, as every time the API gives (docs/api.md)."""
    return at.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat()


def _payload(*, dossier: Dossier, event: DossierEvent, event_type: str) -> dict[str, Any]:
    return {
        "type": event_type,
        "event": {
            "id": event.pk,
            "action": event.action,
            "at": _local(event.at),
            "from_status": event.from_status,
            "to_status": event.to_status,
        },
        "dossier": {
            "id": dossier.pk,
            "code": dossier.code,
            "status": dossier.status,
            "version": dossier.version,
            "procedure": dossier.procedure.code,
            "receiving_agency": dossier.receiving_agency.code,
        },
    }


def webhooks_on_dossier_event(*, dossier_id: int, event_id: int, action: str, **_event: Any) -> None:
    """The dossier event hook (the worker runs it on each committed event)."""
    webhook_deliveries_create(dossier_id=dossier_id, event_id=event_id, action=action)


def webhook_deliveries_create(*, dossier_id: int, event_id: int, action: str) -> list[WebhookDelivery]:
    """One pending delivery per active subscription whose system may see the dossier; safe to run twice.

    A system switched off gets its deliveries too, held: they are sent once it is switched on again.
    """
    event_type = f"{EVENT_PREFIX}{action}"
    subscriptions = [s for s in webhook_subscriptions_active() if not s.events or event_type in s.events]
    if not subscriptions:
        return []
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").filter(pk=dossier_id).first()
    event = DossierEvent.objects.filter(pk=event_id).first()
    if dossier is None or event is None:
        return []
    payload = _payload(dossier=dossier, event=event, event_type=event_type)
    created = []
    with transaction.atomic():
        for subscription in subscriptions:
            # The same rule as for officers: a system hears only of dossiers its account may see.
            if not dossier_visible_to(officer=subscription.system.account).filter(pk=dossier_id).exists():
                continue
            delivery, new = WebhookDelivery.objects.get_or_create(
                subscription=subscription,
                dossier_event_id=event_id,
                defaults={
                    "event_type": event_type,
                    "dossier_id": dossier_id,
                    "payload": payload,
                    "next_attempt_at": timezone.now(),
                },
            )
            if new:
                created.append(delivery)
                # A held delivery is queued by the sweep once its system is on: a task now would send nothing.
                if subscription.system.is_active:
                    _enqueue(delivery)
    return created


def _enqueue(delivery: WebhookDelivery, run_after: datetime | None = None) -> None:
    from ..tasks import webhook_deliver

    task = webhook_deliver if run_after is None else webhook_deliver.using(run_after=run_after)
    delivery_id = str(delivery.pk)
    transaction.on_commit(lambda: task.enqueue(delivery_id))


def webhook_sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>`` with the subscriber's secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: 30 s, 1 min, 2 min, … at most 6 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def webhook_delivery_attempt(*, delivery_id: str, now: datetime | None = None) -> WebhookDelivery:
    """Send a pending delivery once; on failure schedule the next attempt or give up after MAX_ATTEMPTS.

    A delivery of a stopped subscription or of a system switched off stays pending, unsent. Two workers may
    hold the same delivery (a task re-queued by the sweep, a replay): each claims it before sending, and only
    the one whose claim applied sends (:func:`_claim`); the outcome is recorded only on a delivery no other
    attempt has delivered meanwhile, so a late failure never moves it back to pending.
    """
    delivery = WebhookDelivery.objects.select_related("subscription__system").get(pk=delivery_id)
    subscription = delivery.subscription
    if delivery.state != DeliveryState.PENDING or not subscription.is_active or not subscription.system.is_active:
        return delivery
    now = now or timezone.now()
    if not _claim(delivery, now=now):
        delivery.refresh_from_db()
        return delivery
    body = json.dumps(
        {"id": str(delivery.pk), "created_at": _local(delivery.created_at), **delivery.payload},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    timestamp = int(now.timestamp())
    headers = {
        DELIVERY_HEADER: str(delivery.pk),
        EVENT_HEADER: delivery.event_type,
        TIMESTAMP_HEADER: str(timestamp),
        # The secret is decrypted when the subscription is loaded (EncryptedTextField).
        SIGNATURE_HEADER: webhook_sign(secret=delivery.subscription.secret, timestamp=timestamp, body=body),
    }
    started = perf_counter()
    result = webhook_client.webhook_post(url=delivery.subscription.url, body=body, headers=headers)
    latency_ms = round((perf_counter() - started) * 1000)
    _outcome_record(delivery, result=result, now=now, latency_ms=latency_ms)
    return delivery


def _claim(delivery: WebhookDelivery, *, now: datetime) -> bool:
    """Take the attempt for this worker: a conditional UPDATE of the pending delivery as read, not leased by
    another worker's attempt still under way. True when it applied; ``delivery`` then shows the claim."""
    free = ~_UNDER_WAY | Q(next_attempt_at__lte=now)
    claimed = (
        WebhookDelivery.objects.filter(
            free, pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts
        ).update(
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=now + ATTEMPT_LEASE,
            last_status_code=None,
            last_error="",
        )
        == 1
    )
    if claimed:
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.next_attempt_at = now, now + ATTEMPT_LEASE
        delivery.last_status_code, delivery.last_error = None, ""
    return claimed


def _outcome_record(
    delivery: WebhookDelivery, *, result: webhook_client.SendResult, now: datetime, latency_ms: int
) -> None:
    """Record the attempt's outcome on ``delivery`` unless another attempt delivered it meanwhile; keep the
    attempt in the log (:class:`WebhookAttempt`) whatever happened to the delivery."""
    # Never blank when no response came: a blank outcome marks an attempt still under way.
    error = result.error or (NO_RESPONSE if result.status_code is None else "")
    changes: dict[str, Any] = {"last_status_code": result.status_code, "last_error": error}
    rows = WebhookDelivery.objects.filter(pk=delivery.pk).exclude(state=DeliveryState.DELIVERED)
    retry = False
    if result.ok:
        # Delivered whatever another attempt recorded since: the receiver has the event.
        changes.update(state=DeliveryState.DELIVERED, delivered_at=now, next_attempt_at=None)
    else:
        # Only while this attempt's claim is the last one: a replay or a later claim owns the delivery now.
        rows = rows.filter(state=DeliveryState.PENDING, attempts=delivery.attempts, last_attempt_at=now)
        if delivery.attempts >= MAX_ATTEMPTS:
            changes.update(state=DeliveryState.FAILED, next_attempt_at=None)
        else:
            changes.update(next_attempt_at=now + backoff(delivery.attempts))
            retry = True
    with transaction.atomic():
        recorded = rows.update(**changes) == 1
        WebhookAttempt.objects.create(
            delivery=delivery, at=now, status_code=result.status_code, error=error, latency_ms=latency_ms
        )
        if recorded and retry:
            _enqueue(delivery, run_after=changes["next_attempt_at"])
    if recorded:
        for name, value in changes.items():
            setattr(delivery, name, value)
    else:
        delivery.refresh_from_db()


def webhook_delivery_replay(*, by: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (from the admin), whatever its state; the receiver deduplicates.

    The replay gets a fresh retry budget (``attempts`` starts again from 0); the earlier attempts stay in
    the log, and the audit entry records the state, count and last status the replay replaced. A delivery of a
    system switched off, or of a subscription stopped, is refused, unchanged: nothing would be sent, and it would
    lose its state and budget.
    """
    subscription = delivery.subscription
    system = subscription.system
    if not system.is_active:
        raise InvalidInput(
            _("%(system)s is switched off: its deliveries cannot be sent again until it is switched on.")
            % {"system": system.name},
            code="system_inactive",
        )
    if not subscription.is_active:
        raise InvalidInput(
            _("The subscription of %(system)s to %(url)s is stopped: its deliveries cannot be sent again.")
            % {"system": system.name, "url": subscription.url},
            code="subscription_inactive",
        )
    previous = {
        "previous_state": delivery.state,
        "previous_attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
    }
    with transaction.atomic():
        delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, timezone.now()
        delivery.attempts = 0
        delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
        audit_record(
            actor=by,
            action="integrations.webhook_replay",
            target=f"system:{delivery.subscription.system_id}",
            data={"delivery": str(delivery.pk), "event_type": delivery.event_type, **previous},
        )
        _enqueue(delivery)
    return delivery


def webhook_deliveries_requeue_due(*, now: datetime | None = None) -> int:
    """Enqueue again the pending deliveries whose attempt is overdue by a minute (a task was lost)."""
    now = now or timezone.now()
    due = list(deliveries_due(now=now - timedelta(minutes=1)).only("pk"))
    with transaction.atomic():
        for delivery in due:
            _enqueue(delivery)
    return len(due)


def webhook_secrets_reencrypt() -> int:
    """Encrypt every subscription's secret again with the first FIELD_ENCRYPTION_KEY; return how many.

    Run after putting a new key first: afterwards the old keys decrypt nothing and can be dropped.
    """
    with transaction.atomic():
        subscriptions = list(WebhookSubscription.objects.select_for_update().order_by("pk"))
        for subscription in subscriptions:
            subscription.save(update_fields=["secret"])  # loading decrypted it; saving encrypts it anew
        audit_record(
            actor=None,
            action="integrations.webhook_secrets_reencrypt",
            target="webhooks",
            data={"subscriptions": len(subscriptions)},
        )
    return len(subscriptions)
