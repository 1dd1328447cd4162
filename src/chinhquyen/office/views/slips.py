"""Slips, letters and the tracking register as PDF, rendered on request.

A register of more than ``REGISTER_IMMEDIATE_ROWS`` dossiers is too long to typeset while the officer waits: its
page offers to prepare it in the background (a POST), and lists the officer's prepared registers to download.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.downloads import file_download
from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import Agency
from chinhquyen.dossiers import documents, selectors, services
from chinhquyen.dossiers.models import ApologyLetter, LetterState

from .. import forms
from ..permissions import ANY_OFFICER, officer_access
from .common import OfficerRequest, dossier_for, officer_agency_ids

DOSSIER_SLIPS = ("01", "02", "03", "04", "05", "06")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_access(*ANY_OFFICER)
@require_GET
def slip(request: OfficerRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOSSIER_SLIPS:
        raise Http404
    dossier = dossier_for(request, pk)
    # Only the slips the dossier's page offers: no refusal slip for a returned dossier, however the URL is typed.
    error = _("This dossier has no such slip in its current state.")
    if kind not in selectors.slip_kinds_for(dossier=dossier):
        return render(request, "office/slip_error.html", {"dossier": dossier, "error": error}, status=404)
    extra = {}
    if kind == "04" and "letter" in request.GET:
        # One letter of several (the page links each): the one its head signs, not only the newest.
        letter = _printable_letter(dossier, request.GET["letter"])
        if letter is None:
            return render(request, "office/slip_error.html", {"dossier": dossier, "error": error}, status=404)
        extra["letter"] = letter
    try:
        data = documents.slip_data_for(dossier=dossier, kind=kind, **extra)
    except (DomainError, ValueError):
        # The slip does not exist for the dossier in its state (e.g. no apology letter yet).
        return render(request, "office/slip_error.html", {"dossier": dossier, "error": error}, status=404)
    content = documents.render_slip(kind=kind, data=data)
    return _pdf(content, f"{dossier.code or dossier.pk}-{kind}.pdf")


def _printable_letter(dossier: Any, value: str) -> ApologyLetter | None:
    """The dossier's apology letter ``value`` names, if form 04 of it exists now: any while the dossier is open
    and not extended yet, else only the letter sent (one never sent never reached the applicant)."""
    letter = selectors.apology_letter_of(dossier=dossier, pk=int(value)) if value.isdigit() else None
    if letter is None or not (selectors.apology_letters_open(dossier=dossier) or letter.state == LetterState.SENT):
        return None
    return letter


@officer_access(*ANY_OFFICER)
@require_GET
def register(request: OfficerRequest) -> HttpResponse:
    """Form 07 over ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` for one of the officer's agencies (``&agency=<id>``).

    Too many dossiers for a download while the officer waits: the page, offering to prepare it in the background.
    """
    form = _register_form(request, request.GET)
    if not form.is_valid():
        # Opened from a link, nothing was asked yet: the form, not an error.
        asked = any(key in request.GET for key in ("from", "to", "agency"))
        return _register_page(request, form, asked=asked, status=400 if asked else 200)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    agency = form.cleaned_data["agency"]
    period = {"officer": request.user, "agency": agency, "date_from": date_from, "date_to": date_to}
    count = selectors.dossier_register_count(**period)
    if count > services.REGISTER_IMMEDIATE_ROWS:
        long = {"count": count, "agency": agency, "date_from": date_from, "date_to": date_to}
        return _register_page(request, form, long=long)
    rows = selectors.dossier_register(**period)
    data = documents.register_data_for(agency=agency, dossiers=rows, date_from=date_from, date_to=date_to)
    content = documents.render_slip(kind="07", data=data)
    return _pdf(content, _register_filename(agency, date_from, date_to))


@officer_access(*ANY_OFFICER)
@require_POST
def register_prepare(request: OfficerRequest) -> HttpResponse:
    """Prepare the register of the period posted (``from``, ``to``, ``agency``) in the background."""
    form = _register_form(request, request.POST)
    if form.is_valid():
        try:
            services.register_export_request(
                officer=request.user,
                agency=form.cleaned_data["agency"],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The register is being prepared. It is listed below: reload this page to see when it is ready."),
            )
            return redirect("office:register")
    return _register_page(request, form, asked=True, status=400)


@officer_access(*ANY_OFFICER)
@require_GET
def register_export(request: OfficerRequest, pk: int) -> FileResponse:
    """A register prepared in the background, to the officer who asked for it while they work for its agency."""
    export = selectors.register_export_of(officer=request.user, pk=pk)
    if export is None:
        raise Http404
    try:
        stored = export.file.open("rb")
    except FileNotFoundError:  # the storage lost it (a restore without the media): prepare it again
        raise Http404 from None
    response = file_download(
        stored,
        name=_register_filename(export.agency, export.date_from, export.date_to),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _register_form(request: OfficerRequest, query: Any) -> forms.RegisterForm:
    agencies = Agency.objects.filter(pk__in=officer_agency_ids(request.user))
    data = {"date_from": query.get("from"), "date_to": query.get("to"), "agency": query.get("agency")}
    return forms.RegisterForm(data, agencies=agencies)


def _register_page(
    request: OfficerRequest,
    form: forms.RegisterForm,
    *,
    asked: bool = False,
    long: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "nav": "search",
        "asked": asked,
        "long": long,
        "exports": selectors.register_exports_of(officer=request.user),
    }
    return render(request, "office/register.html", context, status=status)


def _register_filename(agency: Agency, date_from: date, date_to: date) -> str:
    return f"register-{agency.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf"
