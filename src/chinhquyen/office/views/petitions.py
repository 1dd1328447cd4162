"""Petitions (phản ánh, kiến nghị) of the officer's agencies, and the ratings summary of those agencies.

Each action on a petition is a page showing what it will do and a POST confirming it; whether the
officer may take it, and what it changes, is decided by the feedback domain's transitions table.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import TextBoxField
from chinhquyen.directory.models import Agency, Role
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import CRITERIA
from chinhquyen.feedback.errors import PetitionNotFound
from chinhquyen.feedback.models import Petition, PetitionStatus
from chinhquyen.workcal.engine import TZ

from ..forms import VersionedForm
from ..permissions import ANY_OFFICER, PROCESSORS, officer_access
from .common import STALE_PETITION, OfficerRequest, form_entered, form_kept, refusal_text

# Province administrators route petitions of every agency.
READERS = (*ANY_OFFICER, Role.PROVINCE_ADMIN)
ACTORS = (*PROCESSORS, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN)


class AssignForm(VersionedForm):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency responsible"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        error_messages={"required": gettext_lazy("Choose the agency.")},
    )
    note = TextBoxField(label=gettext_lazy("Internal note (optional)"), required=False, max_length=2000)


class AnswerForm(VersionedForm):
    answer = TextBoxField(
        label=gettext_lazy("Answer to the sender"),
        max_length=10000,
        rows=10,
        help_text=gettext_lazy("The answer is published with the petition if a leader publishes it."),
    )
    note = TextBoxField(label=gettext_lazy("Internal note (optional)"), required=False, max_length=2000)


class ReasonForm(VersionedForm):
    reason = TextBoxField(label=gettext_lazy("Reason"), max_length=2000)


class NoteForm(VersionedForm):
    note = TextBoxField(label=gettext_lazy("Internal note"), max_length=2000)


Perform = Callable[[Any, Petition, dict[str, Any]], Any]


@dataclass(frozen=True)
class PetitionAction:
    name: str
    label: str | Promise
    form_class: type[VersionedForm]
    perform: Perform
    confirm: str | Promise
    danger: bool = False


ACTIONS: dict[str, PetitionAction] = {
    a.name: a
    for a in [
        PetitionAction(
            "assign",
            gettext_lazy("Assign to an agency"),
            AssignForm,
            lambda by, p, c: services.petition_assign(
                petition=p, by=by, agency=c["agency"], note=c["note"], expected_version=c["expected_version"]
            ),
            gettext_lazy("Make this agency responsible for answering the petition?"),
        ),
        PetitionAction(
            "answer",
            gettext_lazy("Answer"),
            AnswerForm,
            lambda by, p, c: services.petition_answer(
                petition=p, by=by, answer=c["answer"], note=c["note"], expected_version=c["expected_version"]
            ),
            gettext_lazy("Record this answer? The sender can read it; a leader decides whether to publish it."),
        ),
        PetitionAction(
            "publish",
            gettext_lazy("Publish"),
            VersionedForm,
            lambda by, p, c: services.petition_publish(petition=p, by=by, expected_version=c["expected_version"]),
            gettext_lazy("Publish the petition and its answer on the portal, as shown above?"),
        ),
        PetitionAction(
            "unpublish",
            gettext_lazy("Withdraw from the portal"),
            ReasonForm,
            lambda by, p, c: services.petition_unpublish(
                petition=p, by=by, reason=c["reason"], expected_version=c["expected_version"]
            ),
            gettext_lazy(
                "Withdraw this petition and its answer from the portal? The public can no longer read them; "
                "a leader may publish them again. A sender who did not sign in is told to ask the agency for the "
                "answer; the reason stays internal."
            ),
            danger=True,
        ),
        PetitionAction(
            "close",
            gettext_lazy("Close without publishing"),
            ReasonForm,
            lambda by, p, c: services.petition_close(
                petition=p, by=by, reason=c["reason"], expected_version=c["expected_version"]
            ),
            gettext_lazy("Close this petition? It will not be published."),
            danger=True,
        ),
        PetitionAction(
            "note",
            gettext_lazy("Add an internal note"),
            NoteForm,
            lambda by, p, c: services.petition_note_add(
                petition=p, by=by, note=c["note"], expected_version=c["expected_version"]
            ),
            gettext_lazy("Add this note? Notes are seen by officials only."),
        ),
    ]
}


OTHER_EVENTS: dict[str, Promise] = {
    "file": gettext_lazy("Filed"),
    "rate_answer": gettext_lazy("The sender rated the answer"),
}


def event_label(action: str) -> str | Promise:
    if action in ACTIONS:
        return ACTIONS[action].label
    return OTHER_EVENTS.get(action, action)


def _petition_for(request: OfficerRequest, pk: int) -> Petition:
    try:
        return selectors.petition_get_for_officer(officer=request.user, pk=pk)
    except PetitionNotFound as exc:
        raise Http404 from exc


STATUS_FILTERS = [("", gettext_lazy("Open")), *PetitionStatus.choices]


@officer_access(*READERS)
@require_GET
def petition_list(request: OfficerRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PetitionStatus.values:
        status = ""
    petitions = selectors.petition_inbox(officer=request.user, status=status)
    now = timezone.now()
    rows = [(p, selectors.petition_overdue(petition=p, now=now)) for p in petitions]
    context = {"rows": rows, "status": status, "filters": STATUS_FILTERS, "nav": "petitions"}
    return render(request, "office/petitions/list.html", context)


@officer_access(*READERS)
@require_GET
def petition_detail(request: OfficerRequest, pk: int) -> HttpResponse:
    petition = _petition_for(request, pk)
    names = selectors.petition_actions_for(petition=petition, user=request.user)
    context = {
        "petition": petition,
        "actions": [ACTIONS[name] for name in names if name in ACTIONS],
        "events": [(e, event_label(e.action)) for e in selectors.petition_events(petition=petition)],
        "overdue": selectors.petition_overdue(petition=petition),
        "preview": selectors.petition_preview(petition=petition) if petition.answered_at else None,
        "nav": "petitions",
    }
    return render(request, "office/petitions/detail.html", context)


@officer_access(*ACTORS)
@require_http_methods(["GET", "POST"])
def petition_action(request: OfficerRequest, pk: int, action: str) -> HttpResponse:
    """GET shows the action's form and what it will do; POST confirms it and calls the service."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    petition = _petition_for(request, pk)
    if request.method == "GET":
        available = selectors.petition_actions_for(petition=petition, user=request.user)
        form = spec.form_class(initial={"expected_version": petition.version})
        return _render_action(request, petition, spec, form, unavailable=spec.name not in available)
    form = spec.form_class(request.POST)
    if not form.is_valid():
        return _render_action(request, petition, spec, form, status=400)
    try:
        spec.perform(request.user, petition, form.cleaned_data)
    except DomainError as exc:
        fresh = _petition_for(request, pk)
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            form.mark_invalid()
            return _render_action(request, fresh, spec, form, status=400)
        error = refusal_text(exc, stale=STALE_PETITION)
        # Changed meanwhile so that the action is closed (another official answered): nothing to confirm again.
        if exc.code == "stale_version" and spec.name not in selectors.petition_actions_for(
            petition=fresh, user=request.user
        ):
            return _render_action(request, fresh, spec, form, status=409, error=error, unavailable=True)
        # Else the form again with what the officer wrote, at the current version, ready to confirm.
        kept = form_kept(form, version=fresh.version)
        return _render_action(request, fresh, spec, kept, status=409, error=error, kept=form_entered(kept))
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    return redirect("office:petition", pk=petition.pk)


def _render_action(
    request: OfficerRequest,
    petition: Petition,
    action: PetitionAction,
    form: Any,
    *,
    status: int = 200,
    error: str = "",
    unavailable: bool = False,
    kept: bool = False,
) -> HttpResponse:
    context = {
        "petition": petition,
        "action": action,
        "form": form,
        "error": error,
        "unavailable": unavailable,
        "kept": kept,
        "preview": selectors.petition_preview(petition=petition) if action.name == "publish" else None,
        "nav": "petitions",
    }
    return render(request, "office/petitions/action.html", context, status=status)


# --- Ratings --------------------------------------------------------------------------------------


@officer_access(*READERS)
@require_GET
def ratings_summary(request: OfficerRequest) -> HttpResponse:
    """Ratings of the officer's agencies: the year by quarter with its level, one period in detail."""
    today = timezone.now().astimezone(TZ).date()
    year = _int(request.GET.get("year"), default=today.year, low=2000, high=today.year + 1)
    quarter = _int(request.GET.get("quarter"), default=(today.month - 1) // 3 + 1, low=1, high=4)
    # As the petitions: a supervisor's whole subtree, every agency for a province administrator.
    agency_ids = selectors.officer_feedback_agency_ids(officer=request.user)
    start, end = selectors.quarter_bounds(year=year, quarter=quarter)
    summary = selectors.rating_summary(agency_ids=agency_ids, start=start, end=end)
    index = selectors.satisfaction_index(agency_ids=agency_ids, start=start, end=end)
    context = {
        "year": year,
        "quarter": quarter,
        "years": list(range(today.year, today.year - 5, -1)),
        "agencies": [] if agency_ids is None else list(Agency.objects.filter(pk__in=agency_ids).order_by("name")),
        "quarters": selectors.rating_summary_by_quarter(agency_ids=agency_ids, year=year),
        "summary": summary,
        "criteria": [(c.label, summary.criteria[c.key]) for c in CRITERIA],
        # Spec §6: a level per unit, wherever the page covers more than one.
        "by_agency": selectors.rating_summary_by_agency(agency_ids=agency_ids, start=start, end=end)
        if agency_ids is None or len(agency_ids) > 1
        else [],
        "by_procedure": selectors.rating_summary_by_procedure(agency_ids=agency_ids, start=start, end=end),
        "index": index,
        "index_rows": [(INDEX_LABELS[part.key], part) for part in index.parts],
        "nav": "ratings",
    }
    return render(request, "office/petitions/ratings.html", context)


INDEX_LABELS: dict[str, Promise] = {
    "petitions_on_time": gettext_lazy("Petitions handled on time"),
    "petition_satisfaction": gettext_lazy("Senders satisfied with the handling of their petitions"),
    "service_quality": gettext_lazy("100% minus (late dossiers % + not satisfied ratings %)"),
}


def _int(value: str | None, *, default: int, low: int, high: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if low <= number <= high else default
