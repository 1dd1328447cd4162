"""Public lookup of a dossier (tra cứu hồ sơ) by its code and the lookup secret printed on the receipt.

Anyone holding the receipt (or its QR code) sees the status, the due date (or that the clock is paused,
or when the dossier was closed), the receiving agency and its contacts, the amount of a payment asked
for (not the officer's note, which may name the applicant), when the result was returned and, for a
result sent by post, the postal item code and whether delivery is confirmed; nothing else.

Failed lookups are counted in the default cache per client address; past the limit the page answers 429
without checking the secret. A wrong secret and an unknown code get the same answer, so the page never
tells whether a code exists. There is no lock per dossier code: codes are sequential, so such a lock let
anyone shut the applicants of a whole day out of their own lookups with five wrong guesses each; the
secret's 50 bits (``dossiers.codes.lookup_secret_new``) are what stops guessing spread over many addresses.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chinhquyen.core.access import access
from chinhquyen.core.clients import client_of_address
from chinhquyen.core.text import amount_text
from chinhquyen.core.throttle_window import window_clear, window_hit
from chinhquyen.dossiers.models import Dossier, DossierStatus, ReturnMethod, Substatus
from chinhquyen.dossiers.selectors import (
    CLOSING_ACTIONS,
    dossier_closed_at,
    dossier_lookup_public,
    dossier_payment_requests,
)
from chinhquyen.postal.models import Direction, OrderState, PostalShipment
from chinhquyen.postal.selectors import postal_shipments_of

IP_FAILURE_LIMIT = 10
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60

# The status in words a citizen understands; internal sub-states and notes are never shown.
STATUS_WORDS: dict[int, Promise] = {
    DossierStatus.SUBMITTED: _("Submitted online, waiting to be received by the agency."),
    DossierStatus.RECEIVED: _("Received by the agency; processing will start shortly."),
    DossierStatus.REFUSED: _("Not accepted. Please contact the receiving agency for the reasons."),
    DossierStatus.PROCESSING: _("Being processed."),
    DossierStatus.SUPPLEMENT_REQUESTED: _(
        "Waiting for more documents from you. See the request you were sent or contact the receiving agency."
    ),
    DossierStatus.PAYMENT_REQUIRED: _("Waiting for you to pay the fees or charges due."),
    DossierStatus.WITHDRAWN: _("Withdrawn at your request."),
    DossierStatus.STOPPED: _("Processing was stopped. Please contact the receiving agency for the reasons."),
    DossierStatus.RESOLVED: _("Processed: the result is ready for you."),
    DossierStatus.RETURNED: _("Completed: the result has been handed over to you."),
}


class LookupForm(forms.Form):
    """The two values printed on the receipt; the names are those of the QR code's link."""

    ma = forms.CharField(
        label=_("Dossier code"), max_length=48, error_messages={"required": _("Enter the dossier code.")}
    )
    k = forms.CharField(
        label=_("Lookup secret"), max_length=32, error_messages={"required": _("Enter the lookup secret.")}
    )


def _client(request: HttpRequest) -> str:
    """The client's address; an IPv6 client counts as its /64 network (one subscriber's range)."""
    return client_of_address(request.META.get("REMOTE_ADDR", "") or "")


def _key(kind: str, value: str) -> str:
    # Hash so that arbitrary input never reaches the cache backend as a key.
    return f"portal-lookup:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _wait_seconds(*, client: str) -> int:
    """Seconds until the client may try again; 0 when it is not locked out."""
    until = cache.get(_key("ip-lock", client))
    return 0 if until is None else max(1, math.ceil(until - time.time()))


def _count_failure(*, kind: str, value: str, limit: int) -> None:
    """Count a failure; the ``limit``-th within the window locks ``value`` out."""
    key = _key(f"{kind}-fail", value)
    if window_hit(key=key, seconds=WINDOW_SECONDS) >= limit:
        cache.set(_key(f"{kind}-lock", value), time.time() + LOCKOUT_SECONDS, LOCKOUT_SECONDS)
        window_clear(key=key)


# A result returned by post (status 10) is with the post office until delivery is confirmed: "handed over"
# would not be true yet.
POSTAL_RESULT_WORDS: dict[str, Promise] = {
    Substatus.RESULT_AWAITING_CONFIRMATION: _(
        "The result has been sent to you by post; delivery is not confirmed yet."
    ),
    Substatus.RESULT_HANDED_OVER: _("Completed: the result has been delivered to you by post."),
    Substatus.RESULT_READY: _(
        "The post office could not deliver the result and brought it back. Please contact the receiving agency."
    ),
}
POSTAL_RESULT_BACK_ONLINE = _(
    "The post office could not deliver the result and brought it back. You can receive it online on your "
    "dossier's page (My dossiers), or at the receiving agency."
)


def status_words(dossier: Dossier) -> str:
    """The dossier's status in words for the applicant."""
    if dossier.status == DossierStatus.RETURNED and dossier.return_method == ReturnMethod.POSTAL:
        if dossier.substatus == Substatus.RESULT_READY and dossier.submitted_at is not None:
            # Applied online: the result brought back is also handed over online, on the applicant's page.
            return str(POSTAL_RESULT_BACK_ONLINE)
        postal = POSTAL_RESULT_WORDS.get(dossier.substatus)
        if postal is not None:
            return str(postal)
    words = STATUS_WORDS.get(dossier.status)
    return str(words) if words is not None else str(dossier.get_status_display())


@dataclass(frozen=True)
class DueShown:
    """What the applicant is told of the due date: a date, a paused clock, the closing date, or nothing yet."""

    kind: str  # "due", "paused" (documents awaited), "paused_payment", "closed" or "unset"
    at: datetime | None  # the due date, when the clock paused, or when the dossier was closed


def due_shown(dossier: Dossier, *, closed_at: datetime | None = None) -> DueShown:
    """The due date as true now; ``closed_at`` from ``dossier_closed_at`` for a refused, withdrawn or stopped one."""
    if dossier.status in CLOSING_ACTIONS:
        return DueShown("closed", closed_at)  # no result will come: no due date applies
    if dossier.paused_at is not None:
        # The due date moves by the working time the clock stays paused: the stored one is no longer true.
        waiting_for = "paused_payment" if dossier.status == DossierStatus.PAYMENT_REQUIRED else "paused"
        return DueShown(waiting_for, dossier.paused_at)
    if dossier.due_at is not None:
        return DueShown("due", dossier.due_at)
    return DueShown("unset", None)


@dataclass(frozen=True)
class ResultPost:
    """A result returned by post: the item carrying it and where its delivery stands."""

    sent_at: datetime | None
    item_code: str  # empty if the shipment's record is missing
    delivered: bool  # the post office confirmed the delivery
    delivered_at: datetime | None
    brought_back: bool  # not delivered: back at the agency
    cod_amount: str  # what the postman collects on delivery, in words ("" when nothing)


def result_post(dossier: Dossier) -> ResultPost | None:
    """Where the result sent by post stands (none for a result returned otherwise); one query for such a result."""
    if dossier.return_method != ReturnMethod.POSTAL:
        return None
    deliveries = [s for s in postal_shipments_of(dossier=dossier) if s.direction == Direction.RESULT_DELIVERY]
    shipment: PostalShipment | None = deliveries[0] if deliveries else None  # newest first
    if shipment is not None and shipment.state == OrderState.CANCELLED:
        return None  # nothing left with the post: the result waits at the agency, as the status says
    return ResultPost(
        # A parcel brought back clears the return date; when it left is the order's.
        sent_at=shipment.handed_over_at if shipment is not None else dossier.returned_at,
        item_code=shipment.item_code if shipment else "",
        delivered=dossier.substatus == Substatus.RESULT_HANDED_OVER,
        delivered_at=shipment.delivered_at if shipment else None,
        brought_back=dossier.substatus == Substatus.RESULT_READY,
        cod_amount=amount_text(Decimal(shipment.cod_amount)) if shipment and shipment.cod_amount else "",
    )


@access(public=True, description="Public lookup of a dossier by its code and the lookup secret on the receipt")
@require_GET
@never_cache
def dossier_lookup(request: HttpRequest) -> HttpResponse:
    bound = "ma" in request.GET or "k" in request.GET
    form = LookupForm(request.GET) if bound else LookupForm()
    context: dict[str, object] = {"form": form, "dossier": None, "not_found": False, "retry_minutes": 0}
    status, wait = 200, 0
    if bound and form.is_valid():
        client = _client(request)
        code = form.cleaned_data["ma"].upper()
        wait = _wait_seconds(client=client)
        if wait:
            status = 429
            context["retry_minutes"] = math.ceil(wait / 60)
        else:
            dossier = dossier_lookup_public(code=code, secret=form.cleaned_data["k"])
            if dossier is None:
                _count_failure(kind="ip", value=client, limit=IP_FAILURE_LIMIT)
                context["not_found"] = True
            else:
                payment = dossier_payment_requests(dossiers=[dossier]).get(dossier.pk)
                closed_at = dossier_closed_at(dossiers=[dossier]).get(dossier.pk)
                context.update(
                    dossier=dossier,
                    status_words=status_words(dossier),
                    due=due_shown(dossier, closed_at=closed_at),
                    payment=payment,
                    payment_amount=amount_text(payment.amount, payment.currency) if payment and payment.amount else "",
                    result_post=result_post(dossier),
                    form=LookupForm(),
                )
    response = render(request, "portal/lookup/lookup.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    # base.html has no block in <head> for a robots meta tag: the header says the same.
    response["X-Robots-Tag"] = "noindex"
    return response
