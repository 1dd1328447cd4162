"""Helpers shared by the office views: the officer's agencies, loading a dossier the officer may see."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_htmx.middleware import HtmxDetails

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import Agency, Role, StaffRole, User
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.deadlines import due_soon
from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.models import OPEN_STATUSES, DossierEvent, DossierStatus

STALE_DOSSIER = gettext_lazy(
    "Someone else changed this dossier while this page was open. The page now shows it as it is: "
    "check it, then confirm again if the action still applies."
)
STALE_PETITION = gettext_lazy(
    "Someone else changed this petition while this page was open. The page now shows it as it is: "
    "check it, then confirm again if the action still applies."
)


def refusal_text(exc: DomainError, *, stale: Any = STALE_DOSSIER) -> str:
    """What a page shown again after a refusal says. The services' "reload it and try again" is for API
    clients: the page has already reloaded the record, and keeps what the officer entered where it can."""
    return str(stale) if exc.code == "stale_version" else exc.message


def form_kept(refused: Form, *, version: int, **kwargs: Any) -> Form:
    """``refused`` (valid, then refused by a service) again, unbound, with what the officer entered and at the
    record's current ``version``, so that confirming again works; ``kwargs`` build the form. A chosen file
    cannot be kept."""
    kept = {
        name: value
        for name, value in refused.cleaned_data.items()
        if not isinstance(refused.fields[name], forms.FileField)
    }
    kept["expected_version"] = version
    return type(refused)(initial=kept, **kwargs)


def form_entered(form: Form) -> bool:
    """Whether ``form`` (from :func:`form_kept`) holds anything the officer typed or chose on the page (hidden
    fields and files aside): the page then says it was kept."""
    return any(
        form.initial.get(name) not in (None, "", [])
        for name, field in form.fields.items()
        if not field.widget.is_hidden and not isinstance(field, forms.FileField)
    )


def sent_twice(
    exc: DomainError,
    *,
    dossier: Any,
    by: Any,
    action: str,
    expected_version: int,
    data: dict[str, Any] | None = None,
    reason: str | None = None,
) -> DossierEvent | None:
    """The event of ``by``'s own ``action`` that moved ``dossier`` on from ``expected_version``, when ``exc``
    refused a form only as stale; None otherwise.

    A form sent twice (Enter pressed twice, or held) carries the version its page showed: the first request
    does the work, the second is refused as stale, and the browser shows only the second answer. Found, that
    event is the first request's, and the second answers as it did. A change by anyone else, or another
    action, stays a conflict to show; so does the same page confirmed again with other words (``reason``, as
    the event records it) or other ``data``: the officer went back and corrected it, and the correction was
    never saved.
    """
    if exc.code != "stale_version":
        return None
    event = selectors.own_event_since(dossier=dossier, by=by, action=action, version=expected_version, data=data)
    if event is not None and reason is not None and event.reason != reason:
        return None
    return event


def success_once(request: HttpRequest, text: str) -> None:
    """Say ``text`` on the next page unless it is said already: by the first of a form sent twice."""
    storage = messages.get_messages(request)
    said = {str(message.message) for message in storage}
    if isinstance(storage, BaseStorage):
        storage.used = False  # read only to compare: the messages are still shown on the next page
    if text not in said:
        messages.success(request, text)


class OfficerRequest(HttpRequest):
    """A request of an office view: ``officer_access`` has let only a verified official through."""

    user: User
    htmx: HtmxDetails


def officer_agency_ids(user: Any, *roles: str) -> list[int]:
    """The agencies where ``user`` holds one of ``roles`` in force (any role when none is given)."""
    rows = StaffRole.objects.in_force().filter(user=user)
    if roles:
        rows = rows.filter(role__in=roles)
    return sorted(set(rows.values_list("agency_id", flat=True)))


def front_desk_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose counter the officer staffs, by name: a walk-in dossier is received at one of them."""
    staffed = StaffRole.objects.in_force().filter(user=user, role=Role.FRONT_DESK).values("agency_id")
    return Agency.objects.filter(pk__in=staffed).order_by("name", "code")


def dossier_for(request: OfficerRequest, pk: int) -> Any:
    """The dossier if the officer's agencies may see it; 404 otherwise (never reveal that it exists)."""
    try:
        return selectors.dossier_get_for_officer(officer=request.user, code_or_pk=pk)
    except DossierNotFound as exc:
        raise Http404 from exc


def due_flags(dossier: Any) -> dict[str, bool]:
    """The "overdue" / "due soon" marks of the dossier header (open dossiers whose clock runs)."""
    now = timezone.now()
    running = dossier.status in OPEN_STATUSES and dossier.status != DossierStatus.RESOLVED and not dossier.is_paused
    due = dossier.due_at if running else None
    return {"overdue": due is not None and due < now, "due_soon": due_soon(due_at=due, now=now)}
