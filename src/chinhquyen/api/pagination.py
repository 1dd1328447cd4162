"""Cursor pagination (keyset) over a queryset, in a stable order ending with the primary key.

A cursor is the sort key of the last row given, base64url-encoded JSON: opaque to clients, cheap for
the database at any depth, and stable while rows are added.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import F, Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from chinhquyen.workcal.engine import instant_in_calendar

from .errors import ApiError
from .schemas.common import MAX_ID

M = TypeVar("M", bound=Model)

# Sort names: the field, and whether it descends. Nulls always come last. The dossiers' list lets clients
# choose among the first six; the published petitions are always newest first.
SORTS = {
    "due_at": ("due_at", False),
    "-due_at": ("due_at", True),
    "created_at": ("created_at", False),
    "-created_at": ("created_at", True),
    "updated_at": ("updated_at", False),
    "-updated_at": ("updated_at", True),
    "-published_at": ("published_at", True),
}
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _invalid_cursor() -> ApiError:
    return ApiError(
        400, "invalid_cursor", _("The cursor is not valid for this list; start again without it."), field="cursor"
    )


def encode_cursor(sort: str, value: datetime | None, pk: int) -> str:
    raw = json.dumps([sort, value.isoformat() if value is not None else None, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _invalid_cursor() from exc
    if cursor_sort != sort or not isinstance(pk, int) or not (value is None or isinstance(value, str)):
        raise _invalid_cursor()
    if not 1 <= pk <= MAX_ID:
        raise _invalid_cursor()
    try:
        when = parse_datetime(value) if value is not None else None
    except ValueError as exc:  # well formed, but no such day (2026-02-30)
        raise _invalid_cursor() from exc
    if value is not None and (when is None or when.tzinfo is None or not instant_in_calendar(when)):
        # Cursors hold the aware times of stored rows; a crafted one beyond the calendar's years could
        # not even be converted to UTC for the query.
        raise _invalid_cursor()
    return when, pk


def _after(name: str, descending: bool, value: datetime | None, pk: int) -> Q:
    """Rows after (``value``, ``pk``) in the order ``name`` (descending or not, nulls last), then pk."""
    pk_after = Q(pk__lt=pk) if descending else Q(pk__gt=pk)
    if value is None:
        return Q(**{f"{name}__isnull": True}) & pk_after
    beyond = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
    return beyond | (Q(**{name: value}) & pk_after) | Q(**{f"{name}__isnull": True})


def paginate(queryset: QuerySet[M], *, sort: str, cursor: str | None, limit: int) -> Page[M]:
    """One page of ``queryset`` in the order ``sort`` (one of SORTS), after ``cursor``."""
    name, descending = SORTS[sort]
    order: Any = F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
    rows = queryset.order_by(order, "-pk" if descending else "pk")
    if cursor:
        value, pk = decode_cursor(cursor, sort)
        rows = rows.filter(_after(name, descending, value, pk))
    items = list(rows[: limit + 1])
    if len(items) <= limit:
        return Page(items=items, next_cursor=None)
    items = items[:limit]
    last = items[-1]
    return Page(items=items, next_cursor=encode_cursor(sort, getattr(last, name), last.pk))


def encode_offset(offset: int) -> str:
    """A cursor for lists ranked by relevance (catalog search), where keyset paging does not apply."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise _invalid_cursor() from exc
    if not isinstance(offset, int) or not 0 <= offset <= 10_000:
        raise _invalid_cursor()
    return offset
