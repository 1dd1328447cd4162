"""The postal partner in the office: results returned by post, paper dossiers collected by post, tracking."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core.errors import DomainError
from chinhquyen.core.text import whole_number
from chinhquyen.directory.models import Role
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import ReturnMethod
from chinhquyen.postal.models import Direction, OrderState
from chinhquyen.postal.selectors import postal_pickups_query, postal_shipments_of
from chinhquyen.postal.services import postal_result_send, postal_tracking_refresh

from ..forms import PostalSendForm
from ..permissions import FRONT_DESK, officer_access
from .common import (
    OfficerRequest,
    dossier_for,
    due_flags,
    officer_agency_ids,
    refusal_text,
    sent_twice,
    success_once,
)

# Items on the pickups page: one page holds a counter's ordinary load, with room to spare.
PICKUPS_PAGE_SIZE = 200


def postal_send_redirect(*, dossier: Any, version: int) -> HttpResponseRedirect:
    """From the "return" action with "By post" chosen: the page that asks for the receiver."""
    return redirect(f"{reverse('office:postal_send', args=[dossier.pk])}?version={version}")


def postal_context(dossier: Any) -> dict[str, Any]:
    """What the dossier page shows of the postal partner: results sent and pickups, with their tracking."""
    shipments = _tracked(postal_shipments_of(dossier=dossier))
    return {
        "shipments": [s for s in shipments if s.direction == Direction.RESULT_DELIVERY],
        "pickups": [s for s in shipments if s.direction == Direction.DOSSIER_PICKUP],
    }


def _tracked(shipments: list[Any]) -> list[Any]:
    for shipment in shipments:
        shipment.tracking = [_tracking_row(event) for event in shipment.events]
    return shipments


def _tracking_row(event: dict[str, str]) -> dict[str, Any]:
    state = event.get("state", "")
    return {
        "at": _event_at(event.get("at")),
        "label": OrderState(state).label if state in OrderState.values else state,
        "note": event.get("note", ""),
    }


def _event_at(value: Any) -> datetime | None:
    """The time of a tracking event as the partner wrote it; None when it is no time (a 31 November, words).

    The events are stored as the partner sent them: one garbled time must not take the page down. A time without
    an offset is Vietnam time, as the services read it.
    """
    try:
        at = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return timezone.make_aware(at) if at is not None and timezone.is_naive(at) else at


def _initial(dossier: Any, version: Any) -> dict[str, Any]:
    """The applicant as the dossier recorded them; the officer corrects what the applicant asks."""
    snapshot = dossier.applicant_snapshot or {}
    division = snapshot.get("division_code") or ""
    return {
        "receiver_name": snapshot.get("name") or dossier.applicant.name,
        "receiver_phone": snapshot.get("phone", ""),
        "receiver_address": snapshot.get("address", ""),
        "receiver_division_code": division if len(division) == 5 else "",  # a commune, not a province
        "cod_amount": 0,
        "expected_version": dossier.version if (given := whole_number(str(version))) is None else given,
    }


def _render(
    request: OfficerRequest, dossier: Any, form: Any, *, status: int = 200, error: str = "", unavailable: bool = False
) -> HttpResponse:
    context = {"dossier": dossier, "form": form, "error": error, "unavailable": unavailable, **due_flags(dossier)}
    return render(request, "office/postal/send.html", context, status=status)


@officer_access(*FRONT_DESK)
@require_http_methods(["GET", "POST"])
def postal_send(request: OfficerRequest, pk: int) -> HttpResponse:
    """GET asks for the receiver and the amount to collect; POST hands the result to the postal partner."""
    dossier = dossier_for(request, pk)
    if request.method == "GET":
        available = "return" in selectors.dossier_actions_for(dossier=dossier, user=request.user)
        form = PostalSendForm(initial=_initial(dossier, request.GET.get("version", "")))
        return _render(request, dossier, form, unavailable=not available)
    form = PostalSendForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, form, status=400)
    data = form.cleaned_data
    version = data["expected_version"]
    try:
        shipment = postal_result_send(
            by=request.user,
            dossier=dossier,
            receiver_name=data["receiver_name"],
            receiver_phone=data["receiver_phone"],
            receiver_address=data["receiver_address"],
            receiver_division_code=data["receiver_division_code"],
            cod_amount=data["cod_amount"],
            expected_version=version,
        )
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            form.mark_invalid()
            return _render(request, fresh, form, status=400)
        by_post = {"method": ReturnMethod.POSTAL}
        if sent_twice(exc, dossier=fresh, by=request.user, action="return", expected_version=version, data=by_post):
            # The same confirmation sent twice: the first placed the order; answer as it did.
            return _sent(request, fresh)
        # Handed over meanwhile (by a colleague, at the counter): the page no longer offers to send it.
        available = "return" in selectors.dossier_actions_for(dossier=fresh, user=request.user)
        again = PostalSendForm(initial={**data, "expected_version": fresh.version})
        return _render(request, fresh, again, status=409, error=refusal_text(exc), unavailable=not available)
    return _sent(request, dossier, shipment)


def _sent(request: OfficerRequest, dossier: Any, shipment: Any = None) -> HttpResponse:
    """The dossier's page, saying once which postal item carries the result (the latest sent, by default)."""
    if shipment is None:
        sent = [s for s in postal_shipments_of(dossier=dossier) if s.direction == Direction.RESULT_DELIVERY]
        shipment = sent[0] if sent else None  # newest first
    if shipment is not None:
        text = _("The result was handed to the postal partner: item %(item)s.") % {"item": shipment.item_code}
        success_once(request, text)
    return redirect("office:dossier", pk=dossier.pk)


@officer_access(*FRONT_DESK)
@require_POST
def postal_refresh(request: OfficerRequest, pk: int) -> HttpResponse:
    """Ask the postal partner where the shipment is (nothing changes if it has not moved)."""
    dossier = dossier_for(request, pk)
    wanted = request.POST.get("shipment", "")
    shipment = next((s for s in postal_shipments_of(dossier=dossier) if str(s.pk) == wanted), None)
    if shipment is None:
        raise Http404
    try:
        fresh = postal_tracking_refresh(shipment=shipment, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Item %(item)s: %(state)s.") % {"item": fresh.item_code, "state": fresh.get_state_display()},
        )
    if request.POST.get("next") == "pickups":
        return redirect("office:postal_pickups")
    return redirect("office:dossier", pk=dossier.pk)


@officer_access(*FRONT_DESK)
@require_GET
def postal_pickups(request: OfficerRequest) -> HttpResponse:
    """Paper dossiers the postal service collects for the officer's counters, with their tracking."""
    agency_ids = officer_agency_ids(request.user, Role.FRONT_DESK)
    # Counted and sliced in the database: every item is reachable a page at a time, and the page says what it cut.
    page = Paginator(postal_pickups_query(agency_ids=agency_ids), PICKUPS_PAGE_SIZE).get_page(request.GET.get("page"))
    pickups = _tracked(list(page.object_list))
    several = len(agency_ids) > 1
    if several:
        # An officer at several counters sees which counter each item goes to: one query for all rows.
        prefetch_related_objects(pickups, "dossier__receiving_agency")
    context = {
        "pickups": pickups,
        "page": page,
        # Items on their way come first: the last shown arrived or stopped, so do all those on the next pages.
        "rest_final": bool(pickups) and pickups[-1].is_final,
        "several_counters": several,
        "nav": "pickups",
    }
    return render(request, "office/postal/pickups.html", context)
