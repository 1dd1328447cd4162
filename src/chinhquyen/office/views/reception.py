"""Front-desk reception: find or register the applicant, choose the procedure, check the documents."""

import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.catalog.models import Procedure
from chinhquyen.core.errors import DomainError
from chinhquyen.directory import selectors as directory_selectors
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import Agency, Applicant
from chinhquyen.directory.validators import identifier_kind
from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import DocumentKind, DossierEvent
from chinhquyen.dossiers.ownership import account_verified
from chinhquyen.dossiers.services.authorised import authorised_details_digest

from .. import forms
from ..actions import ACTIONS
from ..permissions import FRONT_DESK, officer_access
from .common import (
    OfficerRequest,
    dossier_for,
    due_flags,
    form_kept,
    front_desk_agencies,
    refusal_text,
    sent_twice,
    success_once,
)

RECEPTION_ACTIONS = ("receive", "request_supplement", "supplement_accept", "supplement_reject", "refuse", "withdraw")

# The applicant found or registered travels between the reception's pages as a reference signed for this
# officer and valid for a working day, not as a bare number: with numbers any front desk in the province could
# read citizens' names, ID numbers and addresses one after another without knowing them.
APPLICANT_REF_SALT = "office.reception.applicant"
APPLICANT_REF_MAX_AGE = 10 * 3600
REF_EXPIRED = gettext_lazy("Look the applicant up again: the link to them has expired.")


def applicant_ref(*, officer: Any, applicant: Applicant) -> str:
    """The reference to ``applicant`` that ``officer``'s reception pages carry."""
    return signing.dumps(applicant.pk, salt=f"{APPLICANT_REF_SALT}:{officer.pk}")


def _applicant_of_ref(request: OfficerRequest, ref: str) -> Applicant | None:
    """The applicant a reference this officer was given names; None if forged, another's or expired."""
    try:
        pk = signing.loads(ref, salt=f"{APPLICANT_REF_SALT}:{request.user.pk}", max_age=APPLICANT_REF_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired too
        return None
    return Applicant.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def _start_url(
    request: OfficerRequest, applicant: Applicant | None = None, query: str = "", agency: Agency | None = None
) -> str:
    params: dict[str, str | int] = {}
    if applicant is not None:
        params["applicant"] = applicant_ref(officer=request.user, applicant=applicant)
    if agency is not None:
        params["agency"] = agency.pk
    if query:
        params["query"] = query
    url = reverse("office:reception")
    return f"{url}?{urlencode(params)}" if params else url


def _add_validation_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's validation errors next to the form's fields, the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
    if isinstance(form, forms.OfficeForm):
        form.mark_invalid()


def _render_start(
    request: OfficerRequest,
    status: int = 200,
    search: forms.ProcedureSearchForm | None = None,
    **context: Any,
) -> HttpResponse:
    applicant = context.get("applicant")
    if applicant is None and request.GET.get("applicant"):
        applicant = _applicant_of_ref(request, request.GET["applicant"])
        if applicant is None:
            messages.error(request, REF_EXPIRED)
    if search is None:
        # Bound only once searched: a required agency choice is not an error before the officer submits.
        searched = "agency" in request.GET or "query" in request.GET
        search = forms.ProcedureSearchForm(
            request.GET if searched else None, agencies=front_desk_agencies(request.user)
        )
    agency = search.agency_chosen()
    procedures: list[Procedure] = []
    shown = 20  # the picker's rows at most: the officer narrows by typing, not by paging
    procedure_total = 0
    if applicant is not None and agency is not None:
        query = search.cleaned_data.get("query", "") if search.is_bound else ""
        procedures = catalog_selectors.procedure_search(query=query, agency_id=agency.pk, limit=shown + 1)
        procedure_total = len(procedures)
        if procedure_total > shown:
            # More match than are shown: the page says how many, so a procedure not listed is not taken for absent.
            procedure_total = catalog_selectors.procedure_search_count(query=query, agency_id=agency.pk)
            procedures = procedures[:shown]
    context.setdefault("lookup_form", forms.ApplicantLookupForm())
    context.setdefault("citizen_form", None)
    context.setdefault("organisation_form", None)
    context.update(
        {
            "applicant": applicant,
            "applicant_ref": applicant_ref(officer=request.user, applicant=applicant) if applicant else "",
            # An online account gave this ID number and the national identity has not verified it yet.
            "self_declared": applicant is not None
            and applicant.user_id is not None
            and not account_verified(applicant.user_id),
            "search_form": search,
            "agency": agency,
            "procedures": procedures,
            "procedure_total": procedure_total,
            # Each "Open dossier" form its own key: sent twice, it opens one draft (a page shown again, new keys).
            "procedure_rows": [(procedure, secrets.token_urlsafe(24)) for procedure in procedures],
            "nav": "reception",
        }
    )
    return render(request, "office/reception/start.html", context, status=status)


@officer_access(*FRONT_DESK)
@require_GET
def reception(request: OfficerRequest) -> HttpResponse:
    return _render_start(request)


@officer_access(*FRONT_DESK)
@require_POST
def applicant_lookup(request: OfficerRequest) -> HttpResponse:
    """Find the applicant by ID number or tax code (a POST keeps the number out of URLs and logs)."""
    form = forms.ApplicantLookupForm(request.POST)
    if not form.is_valid():
        return _render_start(request, status=400, lookup_form=form)
    identifier = form.cleaned_data["identifier"]
    applicant = directory_selectors.applicant_find(identifier=identifier)
    if applicant is not None:
        return redirect(_start_url(request, applicant))
    # Each form prefilled only with a number of its shape; a 9-digit old ID card (CMND) fills neither: the
    # officer asks for the 12-digit number, which the directory holds.
    kind = identifier_kind(identifier)
    return _render_start(
        request,
        lookup_form=form,
        not_found=identifier if kind != "old_id_card" else "",
        old_id_card=identifier if kind == "old_id_card" else "",
        citizen_form=forms.CitizenForm(initial={"personal_id": identifier} if kind == "personal_id" else {}),
        organisation_form=forms.OrganisationForm(initial={"tax_code": identifier} if kind == "tax_code" else {}),
    )


@officer_access(*FRONT_DESK)
@require_POST
def applicant_create(request: OfficerRequest) -> HttpResponse:
    """Register a citizen or an organisation; the directory's checks show next to the fields."""
    kind = request.POST.get("kind")
    citizen_form = forms.CitizenForm(request.POST if kind == "citizen" else None)
    organisation_form = forms.OrganisationForm(request.POST if kind == "organisation" else None)
    form: Form = citizen_form if kind == "citizen" else organisation_form
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None) or k in ("name",)}
        try:
            if kind == "citizen":
                applicant = directory_services.citizen_create(**data)
            else:
                applicant = directory_services.organisation_create(**data)
        except ValidationError as exc:
            existing = _registered_already(kind, data, exc)
            if existing is not None:
                messages.info(request, _("%(name)s is registered already.") % {"name": existing.name})
                return redirect(_start_url(request, existing))
            _add_validation_errors(form, exc)
        else:
            messages.success(request, _("Applicant %(name)s registered.") % {"name": applicant.name})
            return redirect(_start_url(request, applicant))
    return _render_start(
        request,
        status=400,
        create_kind=kind,
        citizen_form=citizen_form,
        organisation_form=organisation_form,
    )


def _registered_already(kind: str | None, data: dict[str, Any], exc: ValidationError) -> Applicant | None:
    """The applicant this very registration created a moment ago, when that is why it was refused: the form
    was sent twice (a double click). A number registered under another name stays an error to show."""
    field = "personal_id" if kind == "citizen" else "tax_code"
    errors = exc.error_dict.get(field, []) if hasattr(exc, "error_dict") else []
    if not any(error.code == "unique" for error in errors):
        return None
    return directory_selectors.applicant_registered_as(identifier=data.get(field, ""), name=data.get("name", ""))


@officer_access(*FRONT_DESK)
@require_POST
def dossier_start(request: OfficerRequest) -> HttpResponse:
    """Open a draft dossier for the chosen applicant and procedure at the chosen counter (one of the officer's)."""
    agencies = front_desk_agencies(request.user)
    form = forms.DossierStartForm(request.POST, agencies=agencies)
    if not form.is_valid():
        # The applicant and the words searched stay; an agency refused shows at its field.
        posted = request.POST.get("applicant", "")
        applicant = _applicant_of_ref(request, posted) if posted else None
        return _render_start(request, status=400, search=form, applicant=applicant)
    applicant = _applicant_of_ref(request, form.cleaned_data["applicant"])
    if applicant is None:
        messages.error(request, REF_EXPIRED)
        return redirect("office:reception")
    agency = form.cleaned_data["agency"]
    # The service refuses a procedure the agency does not handle, or one withdrawn, with its message.
    procedure = get_object_or_404(Procedure, pk=form.cleaned_data["procedure"])
    try:
        dossier = services.dossier_create_at_counter(
            by=request.user,
            procedure=procedure,
            applicant=applicant,
            receiving_agency=agency,
            client_key=form.cleaned_data["key"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_start_url(request, applicant, form.cleaned_data["query"], agency))
    return redirect("office:reception_dossier", pk=dossier.pk)


def _documents(dossier: Any) -> list[Any]:
    return list(dossier.procedure.documents.all())


@officer_access(*FRONT_DESK)
@require_GET
def reception_dossier(request: OfficerRequest, pk: int) -> HttpResponse:
    dossier = dossier_for(request, pk)
    return _render_reception(request, dossier)


def _render_reception(
    request: OfficerRequest,
    dossier: Any,
    *,
    status: int = 200,
    documents_form: Form | None = None,
    upload_form: Form | None = None,
    authorised_form: Form | None = None,
    error: str = "",
    kept: str = "",
    file_dropped: bool = False,
) -> HttpResponse:
    """The reception page; after a refusal, ``kept`` names the form shown again with the officer's entries."""
    required = _documents(dossier)
    received_ids = set(
        dossier.documents.filter(received=True, required_document__isnull=False).values_list(
            "required_document_id", flat=True
        )
    )
    if documents_form is None:
        documents_form = forms.DocumentsReceivedForm(
            documents=required,
            initial={"expected_version": dossier.version, "required_documents": [str(i) for i in received_ids]},
        )
    if upload_form is None:
        upload_form = forms.UploadForm(documents=required, initial={"expected_version": dossier.version})
    authorised = (dossier.applicant_snapshot or {}).get("authorised") or {}
    if authorised_form is None:
        authorised_form = forms.AuthorisedPersonForm(initial={"expected_version": dossier.version, **authorised})
    available = set(selectors.dossier_actions_for(dossier=dossier, user=request.user))
    uploads = list(dossier.documents.exclude(file="").order_by("pk"))
    context = {
        "dossier": dossier,
        "documents_form": documents_form,
        "upload_form": upload_form,
        "form_rows": selectors.dossier_form_rows(dossier=dossier),
        "uploads": uploads,
        "can_tick": "documents_mark_received" in available,
        "can_upload": "document_add" in available,
        # The scans a draft's front desk may take off it before reception (one attached by mistake).
        "removable_scans": [d for d in uploads if d.kind == DocumentKind.SCAN]
        if "document_remove" in available
        else [],
        "authorised_form": authorised_form,
        "authorised": authorised,
        "can_authorise": "authorised_person_set" in available,
        "can_discard": "draft_discard" in available,
        "reception_actions": [(a, ACTIONS[a].label, ACTIONS[a].danger) for a in RECEPTION_ACTIONS if a in available],
        "error": error,
        "kept": kept,
        "file_dropped": file_dropped,
        "nav": "reception",
        **due_flags(dossier),
    }
    return render(request, "office/reception/dossier.html", context, status=status)


@officer_access(*FRONT_DESK)
@require_POST
def reception_documents(request: OfficerRequest, pk: int) -> HttpResponse:
    """Record which required documents the applicant handed in."""
    dossier = dossier_for(request, pk)
    form = forms.DocumentsReceivedForm(request.POST, documents=_documents(dossier))
    if not form.is_valid():
        return _render_reception(request, dossier, status=400, documents_form=form)
    try:
        services.dossier_documents_mark_received(
            by=request.user,
            dossier=dossier,
            required_document_ids=form.cleaned_ids(),
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        ticked = {"required_documents": sorted(set(form.cleaned_ids()))}
        if not _sent_twice(request, fresh, form, exc, action="documents_mark_received", data=ticked):
            return _refused(request, fresh, form, exc, slot="documents_form", documents=_documents(fresh))
    success_once(request, _("The list of documents received is saved."))
    return redirect("office:reception_dossier", pk=dossier.pk)


def _sent_twice(
    request: OfficerRequest, fresh: Any, form: forms.OfficeForm, exc: DomainError, *, action: str, data: dict[str, Any]
) -> DossierEvent | None:
    """The event of this very ``form`` sent a moment ago, when that is why ``exc`` refused it again (see
    ``sent_twice``); None otherwise."""
    version = form.cleaned_data["expected_version"]
    return sent_twice(exc, dossier=fresh, by=request.user, action=action, expected_version=version, data=data)


def _refused(
    request: OfficerRequest, fresh: Any, form: forms.OfficeForm, exc: DomainError, *, slot: str, **form_kwargs: Any
) -> HttpResponse:
    """A service's refusal of ``form`` (the page's ``slot``, built with ``form_kwargs``), ``fresh`` the dossier
    read again since.

    At the field it names: 400, what was typed kept. Otherwise above the page (409), which shows the dossier as
    it is now and ``form`` again with what the officer entered, at the current version, to confirm again (a
    chosen file cannot be kept). The page offers only what is still open.
    """
    if exc.field in form.fields:
        form.add_error(exc.field, exc.message)
        form.mark_invalid()
        shown: dict[str, Any] = {slot: form}
        return _render_reception(request, fresh, status=400, **shown)
    shown = {slot: form_kept(form, version=fresh.version, **form_kwargs)}
    return _render_reception(
        request, fresh, status=409, error=refusal_text(exc), kept=slot, file_dropped=bool(request.FILES), **shown
    )


@officer_access(*FRONT_DESK)
@require_POST
def reception_authorised(request: OfficerRequest, pk: int) -> HttpResponse:
    """Record the person lodging the dossier under a power of attorney; the form posted empty removes them."""
    dossier = dossier_for(request, pk)
    form = forms.AuthorisedPersonForm(request.POST)
    if not form.is_valid():
        return _render_reception(request, dossier, status=400, authorised_form=form)
    details = {name: form.cleaned_data[name] for name in services.AUTHORISED_FIELDS}
    try:
        services.dossier_authorised_person_set(
            by=request.user, dossier=dossier, details=details, expected_version=form.cleaned_data["expected_version"]
        )
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        # The same details sent twice: the first request saved them (other details stay a conflict to show).
        same = {"details": authorised_details_digest(details)}
        if not _sent_twice(request, fresh, form, exc, action="authorised_person_set", data=same):
            return _refused(request, fresh, form, exc, slot="authorised_form")
    success_once(request, _("The authorised person is saved."))
    return redirect("office:reception_dossier", pk=dossier.pk)


@officer_access(*FRONT_DESK)
@require_http_methods(["POST"])
def reception_upload(request: OfficerRequest, pk: int) -> HttpResponse:
    """Attach a scan of a document handed in at the counter."""
    dossier = dossier_for(request, pk)
    required = _documents(dossier)
    form = forms.UploadForm(request.POST, request.FILES, documents=required)
    if not form.is_valid():
        return _render_reception(request, dossier, status=400, upload_form=form)
    upload = form.cleaned_data["upload"]
    required_document = next((d for d in required if d.pk == form.cleaned_data["required_document"]), None)
    name = form.cleaned_data["name"] or (required_document.name[:255] if required_document else upload.name)
    try:
        services.dossier_document_add(
            by=request.user,
            dossier=dossier,
            upload=upload,
            name=name,
            kind="scan",
            required_document=required_document,
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        # The same form sent twice sends the same file again: the first request attached it.
        first = _sent_twice(request, fresh, form, exc, action="document_add", data={"sha256": _sha256(upload)})
        if first is None:
            return _refused(request, fresh, form, exc, slot="upload_form", documents=required)
        name = first.data["name"]
    success_once(request, _("File %(name)s attached.") % {"name": name})
    return redirect("office:reception_dossier", pk=dossier.pk)


@officer_access(*FRONT_DESK)
@require_http_methods(["GET", "POST"])
def reception_scan_remove(request: OfficerRequest, pk: int, document_pk: int) -> HttpResponse:
    """GET asks to confirm; POST takes a scan attached by mistake off a draft before reception."""
    dossier = dossier_for(request, pk)
    if request.method == "GET":
        form = forms.PlainActionForm(initial={"expected_version": dossier.version})
        return _render_scan_remove(request, dossier, document_pk, form)
    form = forms.PlainActionForm(request.POST)
    if not form.is_valid():
        return _render_scan_remove(request, dossier, document_pk, form, status=400)
    scan = _scan_of(dossier, document_pk)
    try:
        services.dossier_scan_remove(
            by=request.user,
            dossier=dossier,
            document_id=document_pk,
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        # Confirmed twice (a double click): the first request removed it.
        first = _sent_twice(request, fresh, form, exc, action="document_remove", data={"document": document_pk})
        if first is None:
            form = forms.PlainActionForm(initial={"expected_version": fresh.version})
            return _render_scan_remove(request, fresh, document_pk, form, status=409, error=refusal_text(exc))
        name = first.data["name"]
    else:
        name = scan.name if scan is not None else ""
    success_once(request, _("Scan %(name)s removed.") % {"name": name})
    return redirect("office:reception_dossier", pk=dossier.pk)


def _scan_of(dossier: Any, document_pk: int) -> Any:
    """The scan ``document_pk`` of ``dossier`` with its file, or None (removed, a tick, another kind of file)."""
    return dossier.documents.filter(pk=document_pk, kind=DocumentKind.SCAN).exclude(file="").first()


def _render_scan_remove(
    request: OfficerRequest, dossier: Any, document_pk: int, form: Form, *, status: int = 200, error: str = ""
) -> HttpResponse:
    scan = _scan_of(dossier, document_pk)
    available = "document_remove" in selectors.dossier_actions_for(dossier=dossier, user=request.user)
    context = {
        "dossier": dossier,
        "scan": scan,
        "form": form,
        "error": error,
        "unavailable": scan is None or not available,
        "nav": "reception",
        **due_flags(dossier),
    }
    return render(request, "office/reception/scan_remove.html", context, status=status)


def _sha256(upload: UploadedFile) -> str:
    """The file's SHA-256, as the service records it in the event of its attachment."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@officer_access(*FRONT_DESK)
@require_GET
def reception_outcome(request: OfficerRequest, pk: int) -> HttpResponse:
    """What the counter hands the applicant after deciding: the receipt, refusal or supplement slip."""
    dossier = dossier_for(request, pk)
    return render(
        request, "office/reception/outcome.html", {"dossier": dossier, "nav": "reception", **due_flags(dossier)}
    )


@officer_access(*FRONT_DESK)
@require_http_methods(["GET", "POST"])
def reception_discard(request: OfficerRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes a draft opened at the counter and never received (opened twice, or by
    mistake), and the reception goes on with the same applicant."""
    if request.method == "GET":
        dossier = dossier_for(request, pk)
        form = forms.PlainActionForm(initial={"expected_version": dossier.version})
        return _render_discard(request, dossier, form)
    try:
        dossier = dossier_for(request, pk)
    except Http404:
        return _discarded_already(request)
    form = forms.PlainActionForm(request.POST)
    if not form.is_valid():
        return _render_discard(request, dossier, form, status=400)
    applicant = dossier.applicant
    try:
        services.counter_draft_discard(
            by=request.user, dossier=dossier, expected_version=form.cleaned_data["expected_version"]
        )
    except ObjectDoesNotExist:  # deleted while this request waited for it
        return _discarded_already(request)
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        form = forms.PlainActionForm(initial={"expected_version": fresh.version})
        return _render_discard(request, fresh, form, status=409, error=refusal_text(exc))
    messages.success(request, _("The draft was discarded."))
    return redirect(_start_url(request, applicant))


def _discarded_already(request: OfficerRequest) -> HttpResponse:
    """The discard confirmed twice (a double click): the first request deleted the draft. Said as it would be of
    a dossier the officer may not see, so nothing is told of those."""
    messages.info(request, _("There is no such draft to discard: it may have been discarded already."))
    return redirect("office:reception")


def _render_discard(
    request: OfficerRequest, dossier: Any, form: Form, *, status: int = 200, error: str = ""
) -> HttpResponse:
    available = "draft_discard" in selectors.dossier_actions_for(dossier=dossier, user=request.user)
    context = {
        "dossier": dossier,
        "form": form,
        "error": error,
        "unavailable": not available,
        "nav": "reception",
        **due_flags(dossier),
    }
    return render(request, "office/reception/discard.html", context, status=status)
