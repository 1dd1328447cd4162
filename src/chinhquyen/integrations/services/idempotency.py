"""Safe retries of POST requests (the rule GOV.UK Pay and Stripe follow).

The caller's handler runs in one transaction with the claim of its key: the first request inserts the
record, runs, and stores its response before committing; a concurrent duplicate blocks on the unique
index until then and gets the stored response. A request that fails is rolled back with its record, so
the key can be retried. Records are kept :data:`IDEMPOTENCY_TTL`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.rows import row_insert, row_update

from ..errors import IdempotencyConflict
from ..models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    """The record of this key; ``replay`` when it holds the response to give again."""

    record: IdempotencyRecord
    replay: bool


def idempotency_claim(
    *, caller: str, key: str, request_hash: str, method: str, path: str, now: datetime | None = None
) -> Claim:
    """Claim ``key`` for this request, or find the earlier request's response (call inside a transaction).

    Raises IdempotencyConflict when the key was used with a different request.
    """
    now = now or timezone.now()
    record = IdempotencyRecord(
        caller=caller, key=key, request_hash=request_hash, method=method, path=path[:500], created_at=now
    )
    # One statement, no savepoint: a concurrent request with the same key is waited for, and then
    # nothing is inserted when it committed.
    if row_insert(record, unless=("caller", "key")):
        return Claim(record=record, replay=False)
    # The key exists: committed by an earlier (or a concurrent, now finished) request.
    record = IdempotencyRecord.objects.select_for_update().get(caller=caller, key=key)
    if record.created_at <= now - IDEMPOTENCY_TTL:
        # Expired: the key starts afresh, as if the old record had been purged already.
        record.request_hash, record.method, record.path = request_hash, method, path[:500]
        record.status_code, record.response_body, record.response_headers = None, "", {}
        record.created_at = now
        record.save()
        return Claim(record=record, replay=False)
    if record.request_hash != request_hash:
        raise IdempotencyConflict(
            _("This Idempotency-Key was already used with a different request; use a new key for a new request."),
            field="Idempotency-Key",
        )
    if record.status_code is None:  # pragma: no cover - records are committed only with their response
        raise IdempotencyConflict(
            _("A request with this Idempotency-Key is still being processed; retry later."),
            code="idempotency_in_progress",
            field="Idempotency-Key",
        )
    return Claim(record=record, replay=True)


def idempotency_complete(*, record: IdempotencyRecord, status_code: int, body: str, headers: dict[str, str]) -> None:
    """Store the response given to the record's request (in the same transaction as the claim)."""
    record.status_code, record.response_body, record.response_headers = status_code, body, headers
    row_update(record, ["status_code", "response_body", "response_headers"])


def idempotency_purge(*, now: datetime | None = None) -> int:
    """Delete the records older than the TTL; return how many."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lte=cutoff).delete()
    return deleted
