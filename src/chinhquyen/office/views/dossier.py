"""One dossier: what it is, where it stands, and the actions the officer may take on it now."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.core.downloads import file_download
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import TextBoxField
from chinhquyen.core.text import amount_text, clean
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.documents import SLIP_KINDS
from chinhquyen.dossiers.models import DossierStatus, ReturnMethod
from chinhquyen.workcal.engine import TZ

from ..actions import ACTIONS, Action, event_label, prepare
from ..permissions import ANY_OFFICER, PROCESSORS, officer_access
from .common import (
    OfficerRequest,
    dossier_for,
    due_flags,
    form_entered,
    form_kept,
    refusal_text,
    sent_twice,
    success_once,
)
from .postal import postal_context, postal_send_redirect

# After these actions from a draft or submitted dossier the counter hands over a slip.
RECEPTION_OUTCOMES = {"receive", "refuse", "request_supplement"}
# Actions on one apology letter (phiếu xin lỗi), chosen by ?letter= on the dossier page.
LETTER_ACTIONS = {"letter_approve", "letter_send", "letter_withdraw"}
# Actions whose event records the form's reason (cleaned) as its own.
REASON_RECORDED = {"withdraw", "stop", "send_back", "consult_recall", "letter_draft", "letter_withdraw"}
# Refusals of a letter's approval or sending that no waiting cures: the letter can only be withdrawn.
UNSENDABLE = {
    "letter_too_late",
    "letter_date_not_later",
    "letter_adds_no_time",
    "letter_date_not_working_time",
    "letter_date_out_of_range",
}


def _available(dossier: Any, user: Any) -> list[Action]:
    names = selectors.dossier_actions_for(dossier=dossier, user=user)
    return [ACTIONS[name] for name in names if name in ACTIONS]


@officer_access(*ANY_OFFICER)
@require_GET
def dossier_detail(request: OfficerRequest, pk: int) -> HttpResponse:
    dossier = dossier_for(request, pk)
    names = selectors.dossier_actions_for(dossier=dossier, user=request.user)
    context = {
        "dossier": dossier,
        "form_rows": selectors.dossier_form_rows(dossier=dossier),
        "steps": selectors.dossier_steps(dossier=dossier),
        "documents": selectors.dossier_documents(dossier=dossier),
        **_letters(dossier),
        "letter_draft_closed": _letter_draft_closed(dossier, request.user, names),
        "timeline": _labelled(selectors.dossier_timeline(dossier=dossier)),
        "actions": [ACTIONS[name] for name in names if name in ACTIONS],
        "slips": _slips(dossier),
        "can_attach": "document_add" in names,
        **postal_context(dossier),
        **due_flags(dossier),
        **_payment(dossier),
    }
    return render(request, "office/dossier/detail.html", context)


def _payment(dossier: Any) -> dict[str, Any]:
    """The payment asked of the applicant while it is awaited (status 6; one query, none in another status): the
    front desk confirms that amount, as the portal shows it to the applicant."""
    payment = selectors.dossier_payment_requests(dossiers=[dossier]).get(dossier.pk)
    amount = amount_text(payment.amount, payment.currency) if payment is not None and payment.amount else ""
    return {"payment": payment, "payment_amount": amount}


def _letters(dossier: Any) -> dict[str, Any]:
    """The apology letters and, while one is still to send, the last day it may be sent (once past, the letters
    left unsent are to be withdrawn)."""
    letters = list(dossier.apology_letters.select_related("agency").order_by("pk"))
    days = (selectors.apology_letter_send_by(letter=letter, dossier=dossier) for letter in letters)
    return {
        "letters": letters,
        "letter_send_by": next((day for day in days if day is not None), None),
        # Closed, or extended once already: the letters left are a record, with nothing to approve or send.
        "letters_open": selectors.apology_letters_open(dossier=dossier),
        "letters_too_late": selectors.apology_letters_too_late(dossier=dossier),
    }


def _letter_draft_closed(dossier: Any, user: Any, names: list[str]) -> str | None:
    """Why "Draft an apology letter" is not offered to an officer at fault who could draft one before: the last day
    a letter could be sent has passed. None when it is offered, or never was this officer's to draft."""
    if "letter_draft" in names or selectors.apology_letters_too_late(dossier=dossier) is None:
        return None
    refused = selectors.letter_action_refusal(dossier=dossier, user=user, action="letter_draft")
    return refused.message if refused is not None and refused.code == "letter_too_late" else None


def _labelled(events: list[Any]) -> list[Any]:
    for event in events:
        event.action_label = event_label(event.action)
    return events


def _slips(dossier: Any) -> list[tuple[str, Any]]:
    """The slips that exist for the dossier in its current state, with their names."""
    return [(kind, SLIP_KINDS[kind].label) for kind in selectors.slip_kinds_for(dossier=dossier)]


def _action_or_404(name: str) -> Action:
    action = ACTIONS.get(name)
    if action is None:
        raise Http404
    return action


def _form(action: Action, request: OfficerRequest, dossier: Any, data: Any = None, files: Any = None) -> Any:
    kwargs = action.form_kwargs(request, dossier)
    if data is None:
        initial = {"expected_version": dossier.version}
        if "letter" in request.GET:
            initial["letter"] = request.GET["letter"]
        return action.form_class(initial=initial, **kwargs)
    return action.form_class(data, files, **kwargs)


def _chosen_letter(form: Any) -> Any:
    """The dossier's apology letter the form names (posted, kept or from ?letter=), or None."""
    try:
        return form.fields["letter"].to_python(form["letter"].value())
    except ValidationError:
        return None


@officer_access(*PROCESSORS)
@require_http_methods(["GET", "POST"])
def dossier_action(request: OfficerRequest, pk: int, action: str) -> HttpResponse:
    """GET shows the action's form and what it will do; POST confirms it and calls the service."""
    spec = _action_or_404(action)
    dossier = dossier_for(request, pk)
    if request.method == "GET":
        form = _form(spec, request, dossier)
        why = _why_not(spec, dossier, request.user, form)
        return _render_action(
            request,
            dossier,
            spec,
            form,
            unavailable=why is not None or not _open(spec, dossier, request.user),
            why=why.message if why is not None else "",
            refusal_code=why.code if why is not None else "",
        )
    form = _form(spec, request, dossier, request.POST, request.FILES)
    # A page shown again cannot hold the chosen file: the officer is told to choose it again.
    dropped = bool(request.FILES)
    if not form.is_valid():
        return _render_action(request, dossier, spec, form, status=400, file_dropped=dropped)
    if spec.name == "return" and form.cleaned_data["method"] == ReturnMethod.POSTAL:
        # By post, the receiver and the amount to collect are asked on a page of their own.
        return postal_send_redirect(dossier=dossier, version=form.cleaned_data["expected_version"])
    status_before = dossier.status
    try:
        spec.perform(request.user, dossier, prepare(spec, form))
    except DomainError as exc:
        fresh = dossier_for(request, pk)
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            form.mark_invalid()
            return _render_action(request, fresh, spec, form, status=400, file_dropped=dropped)
        first = sent_twice(
            exc,
            dossier=fresh,
            by=request.user,
            action=spec.name,
            expected_version=form.cleaned_data["expected_version"],
            data=_event_data(spec, form),
            reason=_event_reason(spec, form),
        )
        if first is not None:
            return _performed(request, fresh, spec, status_before=first.from_status)
        return _refused(request, fresh, spec, form, exc, file_dropped=dropped)
    return _performed(request, dossier, spec, status_before=status_before)


def _open(action: Action, dossier: Any, user: Any) -> bool:
    """Whether ``action`` is open to ``user`` on ``dossier`` now, as its page offers it."""
    # Letters are checked against the letter itself when posted; the others are listed by the domain.
    available = {a.name for a in _available(dossier, user)}
    if selectors.apology_letters_open(dossier=dossier):
        available |= LETTER_ACTIONS  # closed or extended already: a letter left unsent is a record only
    return action.name in available


def _why_not(action: Action, dossier: Any, user: Any, form: Any) -> DomainError | None:
    """Why a letter's action (drafting, or one on the letter the page names) would be refused now, as confirming
    it would be told: the page says so instead of offering a confirmation bound to be refused."""
    if action.name == "letter_draft":
        return selectors.letter_action_refusal(dossier=dossier, user=user, action=action.name)
    letter = _chosen_letter(form) if action.name in LETTER_ACTIONS else None
    if letter is None:
        return None
    return selectors.letter_action_refusal(dossier=dossier, user=user, action=action.name, letter=letter)


def _event_data(action: Action, form: Any) -> dict[str, Any] | None:
    """What the action's event must record to be this form's: the letter, for a letter's action; the new due
    date, for a letter drafted (another letter may be drafted after it)."""
    letter = form.cleaned_data.get("letter")
    if action.name in LETTER_ACTIONS and letter is not None:
        return {"letter": letter.pk}
    if action.name == "letter_draft":
        return {"new_due_at": form.cleaned_data["new_due_at"].astimezone(TZ).isoformat()}
    return None


def _event_reason(action: Action, form: Any) -> str | None:
    """The reason the action's event records from this form (as the service cleans it), for the actions that
    record the form's reason as theirs: a stop or a withdrawal corrected after the first was done is not the
    first sent twice. None for the others."""
    return clean(form.cleaned_data["reason"]) if action.name in REASON_RECORDED else None


def _performed(request: OfficerRequest, dossier: Any, action: Action, *, status_before: int | None) -> HttpResponse:
    """Where a confirmed action leads: to the slip to hand over after a reception decision, else the dossier."""
    before_reception = status_before in (DossierStatus.DRAFT, DossierStatus.SUBMITTED)
    # A refusal is always at reception, also while a supplement asked for before it was awaited.
    if action.name == "refuse" or (action.name in RECEPTION_OUTCOMES and before_reception):
        return redirect("office:reception_outcome", pk=dossier.pk)
    success_once(request, _("Done: %(action)s.") % {"action": action.label})
    return redirect("office:dossier", pk=dossier.pk)


def _refused(
    request: OfficerRequest, fresh: Any, action: Action, form: Any, exc: DomainError, *, file_dropped: bool
) -> HttpResponse:
    """The dossier as it is now (``fresh``) with why ``action`` was refused (409), and the form again with what
    the officer entered, at the current version; not when a change made meanwhile has closed the action."""
    # Refused at the version its page showed (not stale), the action was offered there: the form stays.
    if exc.code == "stale_version" and not _open(action, fresh, request.user):
        return _render_action(
            request, fresh, action, form, status=409, error=refusal_text(exc), unavailable=True, typed=_typed(form)
        )
    kept = form_kept(form, version=fresh.version, **action.form_kwargs(request, fresh))
    return _render_action(
        request,
        fresh,
        action,
        kept,
        status=409,
        error=refusal_text(exc),
        kept=form_entered(kept),
        file_dropped=file_dropped,
        refusal_code=exc.code,
    )


def _typed(form: Any) -> list[tuple[str, str]]:
    """The texts the officer typed in the text boxes of ``form`` (a written result may run to pages), with their
    labels: an action closed meanwhile offers no form to keep them in, so they are shown to copy."""
    return [
        (str(field.label), value)
        for name, field in form.fields.items()
        if isinstance(field, TextBoxField) and (value := form.cleaned_data.get(name))
    ]


def _render_action(
    request: OfficerRequest,
    dossier: Any,
    action: Action,
    form: Any,
    *,
    status: int = 200,
    error: str = "",
    unavailable: bool = False,
    kept: bool = False,
    file_dropped: bool = False,
    typed: list[tuple[str, str]] | None = None,
    why: str = "",
    refusal_code: str = "",
) -> HttpResponse:
    """The action's page. ``why``: the reason it is not open (a page opened, not a confirmation refused);
    ``refusal_code``: the code of the refusal shown, which for a letter that can no longer be sent points to its
    withdrawal."""
    context = {
        "dossier": dossier,
        "action": action,
        "form": form,
        "error": error,
        "why": why or None,
        "unavailable": unavailable,
        "kept": kept,
        "file_dropped": file_dropped,
        "typed": typed or [],
        **due_flags(dossier),
    }
    if action.reception:
        context["received_documents"] = list(dossier.documents.filter(received=True).order_by("pk"))
    if action.name in LETTER_ACTIONS:
        # A dossier may have several letters: the page says which one is approved or sent.
        letter = context["letter"] = _chosen_letter(form)
        # Approved or sent no more (too late, or a date no longer valid): the way out is to withdraw it.
        context["withdraw_instead"] = (
            letter is not None and action.name != "letter_withdraw" and refusal_code in UNSENDABLE
        )
    if action.name == "receive":
        context["missing_documents"] = selectors.mandatory_documents_missing(dossier=dossier)
    if action.name == "payment_confirmed":
        context.update(_payment(dossier))  # what the front desk confirms was paid
    return render(request, "office/dossier/action.html", context, status=status)


@officer_access(*ANY_OFFICER)
@require_GET
def dossier_document(request: OfficerRequest, pk: int, document_pk: int) -> FileResponse:
    """Serve a dossier's file to an officer who may see the dossier (MEDIA is never served directly)."""
    dossier = dossier_for(request, pk)
    document = dossier.documents.filter(pk=document_pk).first()
    if document is None or not document.file:
        raise Http404
    return file_download(document.file.open("rb"), name=document.name, content_type=document.content_type)
