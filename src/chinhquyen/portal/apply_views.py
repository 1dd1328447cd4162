"""Apply online (nộp hồ sơ trực tuyến): choose where, fill in the e-form, attach documents, review, submit.

Each step saves the draft in the database, so an application can be left and resumed from any
device; "My dossiers" lists unfinished drafts. Until it is submitted, the draft can be sent to another
agency handling the procedure, or discarded. Every change is a POST through the dossier services.
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.catalog.eform_display import eform_display, eform_text
from chinhquyen.catalog.models import ONLINE_LEVELS, Procedure
from chinhquyen.core.errors import DomainError
from chinhquyen.core.text import code_plausible, whole_number
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.deadlines import dossier_time_limit
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierStatus
from chinhquyen.postal.selectors import postal_available

from .applicant import applicant_access, applicant_of, form_version, own_dossier, refusal_text
from .eform_forms import EFormForm, eform_initial


class AgencyForm(forms.Form):
    agency = forms.TypedChoiceField(
        label=gettext_lazy("Where do you want to apply?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the agency that will receive your application.")},
    )


class StartForm(AgencyForm):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class UploadForm(forms.Form):
    required_document = forms.TypedChoiceField(label=gettext_lazy("Document"), coerce=int)
    upload = forms.FileField(
        label=gettext_lazy("File (PDF, JPEG or PNG, at most 10 MB)"),
        error_messages={"required": gettext_lazy("Choose a file to attach.")},
    )


def _procedure(code: str) -> Procedure:
    """The procedure, even if withdrawn from the catalog or not offered online (the caller says so)."""
    if not code_plausible(code):
        raise Http404(_("This procedure cannot be done online."))
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise Http404(_("This procedure cannot be done online."))
    return procedure


def _draft(request: HttpRequest, pk: int) -> Dossier | HttpResponse:
    """The applicant's online draft ``pk``; for one submitted since (Back after submitting, a tab left open), the
    way to its own page instead, saying so."""
    dossier = _own_or_discarded(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    return dossier if dossier.is_online_draft else _submitted_already(request, dossier)


def _own_or_discarded(request: HttpRequest, pk: int) -> Dossier | HttpResponse:
    """The applicant's dossier ``pk``; for a draft they discarded (Back to one of its pages, a tab left open, the
    discard sent twice), the way to "My dossiers" saying so. Anyone else's is "not found" still."""
    try:
        return own_dossier(request, pk)
    except Http404:
        if selectors.online_draft_discarded(user=request.user, pk=pk):  # type: ignore[arg-type]
            return _discarded(request)
        raise


def _submitted_already(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The way to the page of ``dossier``, no longer a draft, from a step of its application."""
    if dossier.status == DossierStatus.DRAFT:  # being entered at a counter: not an application of theirs
        raise Http404(_("This application has been submitted already."))
    messages.info(request, _("This application has been submitted already."))
    return redirect("portal:my_dossier", pk=dossier.pk)


@applicant_access("An applicant starts an online application")
@require_http_methods(["GET", "POST"])
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    draft = selectors.online_draft_for(user=request.user, procedure_id=procedure.pk)  # type: ignore[arg-type]
    closed = _closed(procedure)
    if draft is not None and request.method == "GET":
        if not any(closed.values()):  # else the draft's pages say why it can no longer be submitted
            messages.info(request, _("You had started this application; you can go on where you left off."))
        return redirect("portal:apply_form", pk=draft.pk)
    if any(closed.values()):
        # Withdrawn from the catalog, or not offered online: say so instead of offering a form the service
        # would refuse.
        return render(request, "portal/apply/start.html", {"procedure": procedure, **closed}, status=404)
    agencies = catalog_selectors.procedure_receiving_agencies(procedure=procedure)
    form = StartForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    _choices(form, "agency", [(a.pk, catalog_selectors.name_in_language(a)) for a in agencies])
    if len(agencies) == 1:
        form.fields["agency"].initial = agencies[0].pk
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        # Sent again (Back to it, a tab left open) while the draft it opened is still empty: that one goes on, at
        # the agency chosen now. A draft with something in it is left alone and this one opens another application:
        # a person may hold several for one procedure (one per child), as the API allows.
        untouched = (
            selectors.online_draft_untouched_for(user=request.user, procedure_id=procedure.pk)  # type: ignore[arg-type]
            if draft is not None
            else None
        )
        try:
            if untouched is not None:
                draft = services.online_draft_agency_set(
                    by=request.user,  # type: ignore[arg-type]
                    dossier=untouched,
                    receiving_agency=agency,
                )
            else:
                draft = services.online_draft_start(
                    by=request.user,  # type: ignore[arg-type]
                    procedure=procedure,
                    receiving_agency=agency,
                    client_key=form.cleaned_data["key"],
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("portal:apply_form", pk=draft.pk)
    context = {"procedure": procedure, "form": form, "agencies": agencies, "step": 1}
    return render(request, "portal/apply/start.html", context, status=400 if form.errors else 200)


@applicant_access("An applicant fills in the e-form of their draft")
@require_http_methods(["GET", "POST"])
def apply_form(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    schema = dossier.procedure.eform_schema
    if request.method == "GET":
        initial = eform_initial(
            schema=schema, saved=dossier.form_data, applicant=applicant_of(request), saved_once=_form_saved(dossier)
        )
        form = EFormForm(schema=schema, initial=initial)
        return render(request, "portal/apply/form.html", _context(dossier, form=form, step=2))
    form = EFormForm(request.POST, schema=schema)
    valid = form.is_valid()
    kept = {name: value for name, value in dossier.form_data.items() if name in form.errors}
    try:
        services.online_draft_save(
            by=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            form_data={**kept, **form.cleaned_json()},
            expected_version=form_version(request),
        )
    except DomainError as exc:
        # The page comes back with what was typed, at the draft's current version.
        form.add_error(None, refusal_text(exc))
        return render(request, "portal/apply/form.html", _context(dossier, form=form, step=2), status=409)
    if valid and "next" in request.POST:
        return redirect("portal:apply_documents", pk=dossier.pk)
    if "change_agency" in request.POST and _nothing_typed_lost(form):
        # What was typed is saved now, so the agency step can be left and come back to.
        return redirect("portal:apply_agency", pk=dossier.pk)
    if valid:
        messages.success(request, _("Your draft is saved. You can come back to it from “My dossiers”."))
        return redirect("portal:apply_form", pk=dossier.pk)
    status = 400
    return render(request, "portal/apply/form.html", _context(dossier, form=form, step=2, saved=True), status=status)


@applicant_access("An applicant changes the agency that will receive their draft")
@require_http_methods(["GET", "POST"])
def apply_agency(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    agencies = catalog_selectors.procedure_receiving_agencies(procedure=dossier.procedure)
    form = AgencyForm(request.POST or None, initial={"agency": dossier.receiving_agency_id})
    _choices(form, "agency", [(a.pk, catalog_selectors.name_in_language(a)) for a in agencies])
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        try:
            services.online_draft_agency_set(
                by=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                receiving_agency=agency,
                expected_version=form_version(request),
            )
        except DomainError as exc:
            form.add_error("agency" if exc.field == "agency" else None, refusal_text(exc))
        else:
            messages.success(
                request,
                _("Your application will be sent to %(agency)s. What you filled in and attached is kept.")
                % {"agency": catalog_selectors.name_in_language(agency)},
            )
            return redirect("portal:apply_form", pk=dossier.pk)
    context = _context(dossier, agencies=agencies, form=form, step=1)
    return render(request, "portal/apply/agency.html", context, status=400 if form.errors else 200)


@applicant_access("An applicant discards their draft")
@require_http_methods(["GET", "POST"])
def apply_discard(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    if request.method == "POST":
        try:
            services.online_draft_discard(by=request.user, dossier=dossier)  # type: ignore[arg-type]
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
            return redirect("portal:my_dossiers")
        except Dossier.DoesNotExist:
            # Deleted between reading it and locking it: by another sending of this form, as a rule.
            if selectors.online_draft_discarded(user=request.user, pk=pk):  # type: ignore[arg-type]
                return _discarded(request)
            raise Http404 from None
        return _discarded(request)
    documents = dossier.documents.exclude(file="").order_by("pk")
    return render(request, "portal/apply/discard.html", _context(dossier, documents=documents))


@applicant_access("An applicant attaches documents to their draft")
@require_http_methods(["GET", "POST"])
def apply_documents(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    required = list(dossier.procedure.documents.order_by("position", "pk"))
    form = UploadForm(request.POST or None, request.FILES or None)
    _choices(form, "required_document", [(rd.pk, rd.name) for rd in required])
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.online_document_remove(
                by=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                document_id=whole_number(request.POST["remove"]) or 0,
                expected_version=form_version(request),
            )
        except DomainError as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(request, _("The file was removed."))
        return redirect("portal:apply_documents", pk=dossier.pk)
    if request.method == "POST" and form.is_valid():
        chosen = next(rd for rd in required if rd.pk == form.cleaned_data["required_document"])
        try:
            services.dossier_document_add(
                by=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                upload=form.cleaned_data["upload"],
                name=chosen.name,
                required_document=chosen,
                expected_version=form_version(request),
                once=True,  # sent twice (a double click, Back and send again): attached once
            )
        except DomainError as exc:
            form.add_error("upload" if exc.field == "upload" else None, refusal_text(exc))
        else:
            messages.success(request, _("The file was attached."))
            return redirect("portal:apply_documents", pk=dossier.pk)
    dossier.refresh_from_db()
    attached: dict[int | None, list[DossierDocument]] = {}
    for document in dossier.documents.exclude(file="").order_by("pk"):
        attached.setdefault(document.required_document_id, []).append(document)
    rows = [(rd, attached.get(rd.pk, [])) for rd in required]
    context = _context(dossier, form=form, step=3, rows=rows)
    return render(request, "portal/apply/documents.html", context, status=400 if form.errors else 200)


@applicant_access("An applicant reviews and submits their draft")
@require_http_methods(["GET", "POST"])
def apply_review(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_or_discarded(request, pk)
    if isinstance(dossier, HttpResponse):
        return dossier
    if request.method == "POST":
        try:
            dossier = services.online_draft_submit(
                by=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                client_key=request.POST.get("key", ""),
                expected_version=form_version(request),
            )
        except DomainError as exc:
            if not dossier.is_online_draft:
                return _submitted_already(request, dossier)
            # Shown again at the draft's current version: what is submitted is what the page shows.
            dossier = own_dossier(request, pk)
            problem = _review_problem(exc, dossier)
        else:
            if request.POST.get("pickup") == "1" and postal_available():
                return redirect("portal:pickup_request", pk=dossier.pk)
            return redirect("portal:apply_submitted", pk=dossier.pk)
    else:
        if not dossier.is_online_draft:
            return _submitted_already(request, dossier)
        problem = ""
    missing = selectors.mandatory_documents_missing(dossier=dossier)
    form = EFormForm(dossier.form_data, schema=dossier.procedure.eform_schema)
    context = _context(
        dossier,
        step=4,
        rows=eform_display(schema=dossier.procedure.eform_schema, data=dossier.form_data),
        documents=dossier.documents.exclude(file="").order_by("pk"),
        missing=missing,
        form_complete=form.is_valid(),
        problem=problem,
        pickup_offered=postal_available(),
        # Online, the limit may not be the counter's: the applicant sees the one that will apply.
        time_limit=dossier_time_limit(procedure=dossier.procedure, channel=dossier.channel).in_words(),
    )
    return render(request, "portal/apply/review.html", context, status=400 if problem else 200)


@applicant_access("An applicant sees the confirmation of their submission", no_store=True)
def apply_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.status != DossierStatus.SUBMITTED and dossier.submitted_at is None:
        return redirect("portal:apply_review", pk=dossier.pk)
    return render(request, "portal/apply/submitted.html", {"dossier": dossier, "procedure": dossier.procedure})


def _discarded(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("Your draft application has been discarded."))
    return redirect("portal:my_dossiers")


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form classes above
    field.choices = choices


def _form_saved(dossier: Dossier) -> bool:
    """Whether the applicant has saved the e-form of ``dossier`` (an agency change is saved without it)."""
    return DossierEvent.objects.filter(dossier=dossier, action="draft_save", data__has_key="fields").exists()


def _review_problem(exc: DomainError, dossier: Dossier) -> str:
    """Why the draft cannot be submitted, naming the e-form field at fault when the refusal names one."""
    prop = ((dossier.procedure.eform_schema or {}).get("properties") or {}).get(exc.field or "")
    label = (eform_text(prop, "title") or str(exc.field)) if isinstance(prop, dict) else ""
    text = refusal_text(exc)
    if label:
        return _("%(label)s: %(problem)s") % {"label": label, "problem": text}
    return text


def _nothing_typed_lost(form: EFormForm) -> bool:
    """Whether every error of the saved form is a required field left empty (nothing typed is dropped)."""
    return all(error.code == "required" for errors in form.errors.as_data().values() for error in errors)


def _closed(procedure: Procedure) -> dict[str, bool]:
    """Why ``procedure`` can no longer be applied for online, if it cannot (the services refuse it then too)."""
    withdrawn = not procedure.is_active
    return {"withdrawn": withdrawn, "not_online": not withdrawn and procedure.online_level not in ONLINE_LEVELS}


def _context(dossier: Dossier, *, agencies: list[Agency] | None = None, **extra: Any) -> dict[str, Any]:
    """What every page of a draft shows: the steps, and whether the agency may still be changed."""
    closed = _closed(dossier.procedure)
    if agencies is None:
        agencies = catalog_selectors.procedure_receiving_agencies(procedure=dossier.procedure)
    # Any other agency listed, even the only one: a draft whose own agency is no longer listed (closed, or no
    # longer handling the procedure) is refused on submission there, and must be movable.
    elsewhere = {agency.pk for agency in agencies} - {dossier.receiving_agency_id}
    agency_changeable = bool(elsewhere) and not any(closed.values())
    steps = [
        (1, _("Where to apply"), reverse("portal:apply_agency", args=[dossier.pk]) if agency_changeable else None),
        (2, _("Your details"), reverse("portal:apply_form", args=[dossier.pk])),
        (3, _("Documents"), reverse("portal:apply_documents", args=[dossier.pk])),
        (4, _("Review and submit"), reverse("portal:apply_review", args=[dossier.pk])),
    ]
    return {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "steps": steps,
        "agencies": agencies,
        "agency_changeable": agency_changeable,
        **closed,
        **extra,
    }
