"""Helpers shared by the office views: the officer's agencies, loading a dossier the officer may see."""

from typing import Any

from django import forms
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
from chinhquyen.dossiers.models import OPEN_STATUSES, DossierStatus

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


class OfficerRequest(HttpRequest):
    """A request of an office view: ``officer_access`` has let only a verified official through."""

    user: User
    htmx: HtmxDetails


def officer_agency_ids(user: Any, *roles: str) -> list[int]:
    """The agencies where ``user`` holds one of ``roles`` (any role when none is given)."""
    rows = StaffRole.objects.filter(user=user)
    if roles:
        rows = rows.filter(role__in=roles)
    return sorted(set(rows.values_list("agency_id", flat=True)))


def front_desk_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies whose counter the officer staffs, by name: a walk-in dossier is received at one of them."""
    # One staff role per user, agency and role: no duplicate agencies to remove.
    return Agency.objects.filter(staff_roles__user=user, staff_roles__role=Role.FRONT_DESK).order_by("name", "code")


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
