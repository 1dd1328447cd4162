"""My dossiers (hồ sơ của tôi): the signed-in applicant's dossiers, their timeline, supplements, payments, letters,
results, and withdrawing a dossier (rút hồ sơ)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.catalog.selectors import name_in_language
from chinhquyen.core.downloads import file_download
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import TextBoxField
from chinhquyen.core.text import amount_text
from chinhquyen.dossiers import documents, selectors, services
from chinhquyen.dossiers.models import OPEN_STATUSES, DocumentKind, Dossier, DossierEvent, DossierStatus, ReturnMethod
from chinhquyen.dossiers.services.handover import receiving_change_text
from chinhquyen.dossiers.services.retime import CALENDAR_RETIME, retime_line
from chinhquyen.dossiers.transitions import RECEIVING_AGENCY_CHANGE, SUPPLEMENT_REQUESTS
from chinhquyen.feedback import services as feedback_services
from chinhquyen.postal.selectors import postal_pickup_latest

from .applicant import PASSED_BY, applicant_access, form_version, own_dossier, passed_by_text, refusal_text
from .lookup_views import due_shown, result_post, status_words
from .pickup_views import pickup_actions_open

# What happened, in words for the applicant (internal events are never shown).
ACTION_WORDS: dict[str, Promise] = {
    "create": gettext_lazy("Application created"),
    "submit": gettext_lazy("You submitted the application online"),
    "document_add": gettext_lazy("A file was added"),
    "documents_mark_received": gettext_lazy("Documents checked at the counter"),
    "authorised_person_set": gettext_lazy("The person lodging on your behalf was recorded"),
    "receive": gettext_lazy("Received by the agency"),
    "refuse": gettext_lazy("Not accepted by the agency"),
    "request_supplement": gettext_lazy("The agency asked for more documents"),
    "supplement_provided": gettext_lazy("The requested documents were supplied"),
    "supplement_accept": gettext_lazy("The agency accepted the documents you supplied"),
    "supplement_reject": gettext_lazy("The documents supplied are not enough: the agency asked again"),
    "pickup_request": gettext_lazy("You asked the post office to collect your paper documents"),
    "pickup_cancel": gettext_lazy("You called off the collection of your paper documents by post"),
    "postal_pickup_arrived": gettext_lazy("Your paper documents reached the agency by post"),
    "postal_pickup_failed": gettext_lazy("The post office could not collect your paper documents"),
    "postal_pickup_called_off": gettext_lazy("The collection of your paper documents by post was called off"),
    "request_payment": gettext_lazy("Payment of fees requested"),
    "payment_confirmed": gettext_lazy("Payment confirmed"),
    "issue_result": gettext_lazy("The result is ready"),
    "return": gettext_lazy("The result was handed over"),
    "postal_delivered": gettext_lazy("The post office delivered the result to you"),
    "postal_returned_to_sender": gettext_lazy(
        "The post office could not deliver the result and brought it back to the agency"
    ),
    "postal_cancelled": gettext_lazy("The sending of the result by post was cancelled: it waits at the agency"),
    "withdraw": gettext_lazy("Withdrawn at your request"),
    "stop": gettext_lazy("Processing stopped"),
    "letter_send": gettext_lazy("Letter of apology and new due date sent to you"),
    # A merger of agencies: the row's reason names the new agency and the old one.
    "receiving_agency_change": gettext_lazy("The agency receiving your dossier changed"),
}
# The hand-over in words by how it was made; a result sent by post is not handed over until delivered.
RETURN_WORDS: dict[str, Promise] = {
    ReturnMethod.ONLINE: gettext_lazy("You received the result online"),
    ReturnMethod.POSTAL: gettext_lazy("The result was sent to you by post"),
}
# The message to the agency of a refused "Send the supplement", put back in the box by the page shown next.
NOTE_KEPT = "portal_supplement_note"
# The message box's limit (its maxlength), counting a line break as one character as the browser does.
NOTE_MAX = 2000
SUPPLIED = gettext_lazy("Thank you: the agency has been told and your dossier is being processed again.")
WITHDRAWN = gettext_lazy("Your dossier has been withdrawn. The agency will not process it further.")
SLIP_NAMES: dict[str, Promise] = {
    "01": gettext_lazy("Receipt and appointment slip"),
    "02": gettext_lazy("Request for more documents"),
    "03": gettext_lazy("Notice of refusal"),
    "04": gettext_lazy("Letter of apology and new due date"),
    "05": gettext_lazy("Notice of stopping"),
}


class SupplementForm(forms.Form):
    required_document = forms.TypedChoiceField(label=gettext_lazy("Document"), coerce=int, required=False)
    upload = forms.FileField(
        label=gettext_lazy("File (PDF, JPEG or PNG, at most 10 MB)"),
        error_messages={"required": gettext_lazy("Choose a file to attach.")},
    )


class WithdrawForm(forms.Form):
    reason = TextBoxField(
        label=gettext_lazy("Why do you withdraw the dossier?"),
        max_length=2000,
        rows=3,
        error_messages={"required": gettext_lazy("Say why you withdraw the dossier.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that withdrawing cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm that you withdraw the dossier.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _choices(form: forms.Form, choices: list[tuple[Any, str]]) -> None:
    field = form.fields["required_document"]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
    field.choices = choices


@applicant_access("An applicant lists their own dossiers", no_store=True)
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.applicant_dossiers(user=request.user)  # type: ignore[arg-type]
    drafts = [d for d in dossiers if d.is_online_draft]
    others = [d for d in dossiers if not d.is_online_draft and d.status != DossierStatus.DRAFT]
    payments = selectors.dossier_payment_requests(dossiers=others)
    closed = selectors.dossier_closed_at(dossiers=others)
    rows = [
        {
            "dossier": d,
            "words": status_words(d),
            "due": due_shown(d, closed_at=closed.get(d.pk)),
            "amount": _amount(payments.get(d.pk)),
        }
        for d in others
    ]
    return render(request, "portal/mine/list.html", {"drafts": drafts, "rows": rows})


def _amount(payment: selectors.PaymentRequest | None) -> str:
    return amount_text(payment.amount, payment.currency) if payment is not None and payment.amount else ""


def _applicant_actions(request: HttpRequest, dossier: Dossier) -> list[str]:
    """What the signed-in user may do on ``dossier`` as its applicant: none once it is closed or its result handed
    over; a result the post office brought back (status 10, ``result_ready``) is handed over anew, online too."""
    if dossier.status not in OPEN_STATUSES and not selectors.result_awaits_hand_over(dossier):
        return []
    # No roles: on the portal the user acts as the applicant, even one who is also an official.
    return selectors.dossier_actions_for(dossier=dossier, user=request.user, roles=frozenset())  # type: ignore[arg-type]


def _timeline(events: list[DossierEvent]) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        if event.action == CALENDAR_RETIME:
            # The row's reason is the officials' record: the applicant reads the move and why in their language.
            moved, why = retime_line(event.data or {})
            rows.append({"at": event.at, "words": moved, "reason": why, "data": event.data})
            continue
        words = ACTION_WORDS.get(event.action)
        if words is None:
            continue
        if event.action == RECEIVING_AGENCY_CHANGE:
            rows.append({"at": event.at, "words": words, "reason": _merger_line(event.data or {}), "data": event.data})
            continue
        if event.action == "return":
            words = RETURN_WORDS.get(str((event.data or {}).get("method") or ""), words)
        rows.append({"at": event.at, "words": words, "reason": event.reason, "data": event.data})
    return rows


def _merger_line(data: dict[str, Any]) -> str:
    """A merger's row in the reader's language, the agencies named as the catalog names them on this page."""
    old, new = selectors.receiving_change_agencies(data=data)
    if old is None or new is None:
        return ""
    return receiving_change_text(old=name_in_language(old), new=name_in_language(new))


def _supplement_request(events: list[DossierEvent]) -> DossierEvent | None:
    """The request standing now: the first one, or what is still missing after an insufficient supply."""
    requests = [e for e in events if e.action in SUPPLEMENT_REQUESTS]
    return requests[-1] if requests else None


@applicant_access("An applicant reads one of their dossiers", no_store=True)
@require_GET
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.is_online_draft:
        return redirect("portal:apply_form", pk=dossier.pk)
    return _render_detail(request, dossier, SupplementForm())


def _note_kept(request: HttpRequest, dossier: Dossier) -> str:
    """The note a refused sending of ``dossier``'s supplement kept, once; another dossier's is dropped."""
    kept = request.session.pop(NOTE_KEPT, None)
    if isinstance(kept, dict) and kept.get("dossier") == dossier.pk:
        return str(kept.get("note") or "")
    return ""


def _render_detail(request: HttpRequest, dossier: Any, form: SupplementForm, status: int = 200) -> HttpResponse:
    events = selectors.dossier_timeline(dossier=dossier, for_applicant=True)
    supplement = _supplement_request(events) if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED else None
    note = _note_kept(request, dossier)  # taken in any case: it never turns up in a later request's box
    required = list(dossier.procedure.documents.order_by("position", "pk"))
    _choices(form, [("", _("Other document")), *[(rd.pk, rd.name) for rd in required]])
    files = selectors.dossier_documents_for_applicant(dossier=dossier)
    results = [d for d in files if d.kind == DocumentKind.RESULT]
    pickup_actions = pickup_actions_open(request=request, dossier=dossier)
    actions = _applicant_actions(request, dossier)
    payment = selectors.dossier_payment_requests(dossiers=[dossier]).get(dossier.pk)
    closed_at = selectors.dossier_closed_at(dossiers=[dossier]).get(dossier.pk)
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "status_words": status_words(dossier),
        "due": due_shown(dossier, closed_at=closed_at),
        "payment": payment,
        "payment_amount": _amount(payment),
        "result_post": result_post(dossier),
        "timeline": _timeline(events),
        "supplement": supplement,
        "supplement_form": form,
        "supplement_note": note if supplement is not None else "",
        "uploads": [d for d in files if d.kind == DocumentKind.COMPONENT],
        "results": results,
        # The table decides (an online application keeps its online result when the post brought its papers).
        "result_online": "return" in actions and bool(results),
        # Downloadable once handed over; a result the post brought back waits for its hand-over again.
        "result_open": dossier.status == DossierStatus.RETURNED and not selectors.result_awaits_hand_over(dossier),
        "slips": [(kind, SLIP_NAMES[kind]) for kind in selectors.applicant_slip_kinds(dossier=dossier)],
        "form_rows": selectors.dossier_form_rows(dossier=dossier),
        "pickup": postal_pickup_latest(dossier=dossier),
        "pickup_offered": "pickup_request" in pickup_actions,
        "pickup_cancel_offered": "pickup_cancel" in pickup_actions,
        "withdraw_offered": "withdraw" in actions,
        "rating_offered": feedback_services.dossier_rateable(dossier),
        # Shown after a refused upload too, whose address takes POST only: a change of language reloads this.
        "language_next": reverse("portal:my_dossier", args=[dossier.pk]),
    }
    return render(request, "portal/mine/detail.html", context, status=status)


@applicant_access("An applicant attaches a file the agency asked for")
@require_POST
def supplement_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        # Files are attached here only when the agency asks for them (a draft has its own documents step).
        messages.error(
            request, _("Files can be added to this dossier only while the agency waits for documents it asked you for.")
        )
        if dossier.is_online_draft:
            return redirect("portal:apply_documents", pk=dossier.pk)
        return redirect("portal:my_dossier", pk=dossier.pk)
    form = SupplementForm(request.POST, request.FILES)
    _choices(form, [("", ""), *[(rd.pk, rd.name) for rd in dossier.procedure.documents.all()]])
    if form.is_valid():
        chosen = dossier.procedure.documents.filter(pk=form.cleaned_data["required_document"] or 0).first()
        upload = form.cleaned_data["upload"]
        try:
            services.dossier_document_add(
                by=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                upload=upload,
                name=chosen.name if chosen else upload.name,
                required_document=chosen,
                once=True,  # sent twice (a double click, Back and send again): attached once
            )
        except DomainError as exc:
            if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
                # The page has no supplement box to show the form's errors in: say it at the top instead.
                messages.error(request, refusal_text(exc))
                return redirect("portal:my_dossier", pk=dossier.pk)
            form.add_error("upload" if exc.field == "upload" else None, refusal_text(exc))
        else:
            messages.success(request, _("The file was attached. Send the supplement when everything is there."))
            return redirect("portal:my_dossier", pk=dossier.pk)
    return _render_detail(request, dossier, form, status=400)


@applicant_access("An applicant tells the agency the requested documents are supplied")
@require_POST
def supplement_send(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    # The browser sends each line break as two characters (CR LF): cut as the box counted, not short of it.
    note = request.POST.get("note", "").replace("\r\n", "\n").replace("\r", "\n")[:NOTE_MAX]
    try:
        services.dossier_supplement_provided(
            by=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            note=note,
            expected_version=form_version(request),
        )
    except DomainError as exc:
        dossier = own_dossier(request, pk)
        if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED and exc.code in {"stale_version", *PASSED_BY}:
            if selectors.supplement_answered_by(dossier=dossier, user=request.user):  # type: ignore[arg-type]
                # Sent twice (a double click, Back and send again): the first sending answered the request.
                messages.success(request, SUPPLIED)
            else:
                # Answered otherwise meanwhile (papers handed in at the counter): nothing is left to send again.
                messages.error(request, passed_by_text())
            return redirect("portal:my_dossier", pk=dossier.pk)
        messages.error(request, refusal_text(exc))
        if note.strip():
            # The page shown next asks to attach the file, or to check and send again: with the message as typed.
            request.session[NOTE_KEPT] = {"dossier": dossier.pk, "note": note}
    else:
        messages.success(request, SUPPLIED)
    return redirect("portal:my_dossier", pk=dossier.pk)


@applicant_access("An applicant receives the result of an online dossier")
@require_POST
def result_receive(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    try:
        services.online_result_downloaded(by=request.user, dossier=dossier)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
    return redirect("portal:my_dossier", pk=dossier.pk)


@applicant_access("An applicant downloads a file of their dossier")
@require_GET
def my_file(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    dossier = own_dossier(request, pk)
    files = selectors.dossier_documents_for_applicant(dossier=dossier)
    document = next((d for d in files if d.pk == document_pk), None)
    if document is None or not selectors.document_open_to_applicant(dossier=dossier, document=document):
        raise Http404(_("No such file."))
    response = file_download(
        document.file.open("rb"), name=f"{dossier.code or dossier.pk}-{document.pk}", content_type=document.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@applicant_access("An applicant downloads a slip or letter addressed to them")
@require_GET
def my_slip(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if kind not in selectors.applicant_slip_kinds(dossier=dossier):
        raise Http404(_("No such letter."))
    # The applicant's electronic copy carries the issuing agency's signature (spec §3).
    content = documents.slip_pdf_for_applicant(dossier=dossier, kind=kind)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.pk}-{kind}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@applicant_access("An applicant withdraws one of their dossiers")
@require_http_methods(["GET", "POST"])
def dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if request.method == "GET":
        if "withdraw" not in _applicant_actions(request, dossier):
            messages.error(request, _("This dossier cannot be withdrawn on the portal now."))
            return redirect("portal:my_dossier", pk=dossier.pk)
        return _render_withdraw(request, dossier, WithdrawForm(initial={"version": dossier.version}))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_withdraw(request, dossier, form, status=400)
    try:
        services.dossier_withdraw(
            by=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        dossier = own_dossier(request, pk)
        if dossier.status == DossierStatus.WITHDRAWN:
            # Sent twice (a double click, Back and send again): the first sending withdrew it.
            messages.success(request, WITHDRAWN)
            return redirect("portal:my_dossier", pk=dossier.pk)
        # Shown on the form with what was typed; the version is the current one, so sending again acts on
        # the dossier as the page now shows it, unless it can no longer be withdrawn at all.
        data = request.POST.copy()
        data["version"] = str(dossier.version)
        form = WithdrawForm(data)
        if exc.code in PASSED_BY or "withdraw" not in _applicant_actions(request, dossier):
            message = _(
                "This dossier can no longer be withdrawn on the portal. Contact %(agency)s if you still wish to "
                "withdraw it."
            ) % {"agency": name_in_language(dossier.receiving_agency)}
        else:
            message = refusal_text(exc)
        form.add_error(None, message)
        return _render_withdraw(request, dossier, form, status=409)
    messages.success(request, WITHDRAWN)
    return redirect("portal:my_dossier", pk=dossier.pk)


def _render_withdraw(request: HttpRequest, dossier: Dossier, form: WithdrawForm, status: int = 200) -> HttpResponse:
    pickup_actions = pickup_actions_open(request=request, dossier=dossier)
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "status_words": status_words(dossier),
        "form": form,
        # Withdrawing calls off a collection the postman has not made (the postal app's event hook): say so.
        "pickup_cancel_offered": "pickup_cancel" in pickup_actions,
    }
    return render(request, "portal/mine/withdraw.html", context, status=status)
