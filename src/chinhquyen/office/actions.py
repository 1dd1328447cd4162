"""The actions an official can take on a dossier: one form, one service call and one confirmation each.

The names are those ``dossier_actions_for`` returns. Each entry only maps a form onto a service call;
whether the action is allowed, and what it changes, is decided by the domain.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.forms import Form
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.action_names import action_name
from chinhquyen.dossiers.documents import result_title_for
from chinhquyen.dossiers.models import ReturnMethod

from . import forms

Perform = Callable[[Any, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    form_class: type[Form]
    perform: Perform
    confirm: str | Promise
    danger: bool = False
    reception: bool = False
    form_kwargs: Callable[[Any, Any], dict[str, Any]] = field(default=lambda request, dossier: {})


def _next_step(request: Any, dossier: Any) -> dict[str, Any]:
    """Forward offers the officials of the step after the active one."""
    active = dossier.active_step
    after = active.order if active is not None else -1
    pending = [s for s in selectors.dossier_steps(dossier=dossier) if s.state == "pending" and s.order > after]
    return {"step": pending[0] if pending else None}


def _active_step(request: Any, dossier: Any) -> dict[str, Any]:
    """Reassign offers the officials who hold the active step's role in its agency."""
    return {"step": dossier.active_step}


def _consult_bound(request: Any, dossier: Any) -> dict[str, Any]:
    """A consultation's answer may not be due after the dossier: the field shows that date, counted from now."""
    return {"bound": services.consult_bound(dossier=dossier, at=timezone.now())}


def _methods(request: Any, dossier: Any) -> dict[str, Any]:
    """The download is offered only for a dossier with an electronic result (the service refuses it otherwise)."""
    downloadable = selectors.result_downloadable(dossier=dossier)
    return {"methods": [c for c in ReturnMethod.choices if c[0] and (c[0] != ReturnMethod.ONLINE or downloadable)]}


def _result_title(request: Any, dossier: Any) -> dict[str, Any]:
    """A written result is titled after the procedure's published result by default."""
    return {"title": result_title_for(dossier)}


def _letters(request: Any, dossier: Any) -> dict[str, Any]:
    return {"letters": dossier.apology_letters.all()}


def _letter_agencies(request: Any, dossier: Any) -> dict[str, Any]:
    """A letter is drafted in the name of an agency at fault the officer works in (a choice, if several)."""
    return {"agencies": selectors.letter_agencies_for(dossier=dossier, user=request.user)}


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "receive",
            _("Receive"),
            forms.PlainActionForm,
            lambda by, d, c: services.dossier_receive(by=by, dossier=d, expected_version=c["expected_version"]),
            _("Receive this dossier? It gets its code and due date, and the receipt slip is issued."),
            reception=True,
        ),
        Action(
            "refuse",
            _("Refuse"),
            forms.RefuseForm,
            lambda by, d, c: services.dossier_refuse(
                by=by, dossier=d, expected_version=c["expected_version"], reasons=c["reasons_list"]
            ),
            _("Refuse this dossier? The refusal slip is issued and the dossier is closed."),
            danger=True,
            reception=True,
        ),
        Action(
            "request_supplement",
            _("Request a supplement"),
            forms.SupplementForm,
            lambda by, d, c: services.dossier_request_supplement(
                by=by, dossier=d, expected_version=c["expected_version"], items=c["items_list"], reason=c["reason"]
            ),
            _("Ask the applicant for these items? The clock pauses until they are supplied."),
        ),
        Action(
            "supplement_provided",
            _("Record the supplement"),
            forms.NoteForm,
            lambda by, d, c: services.dossier_supplement_provided(
                by=by, dossier=d, expected_version=c["expected_version"], note=c["note"]
            ),
            _("Record that the applicant supplied the requested items? The clock resumes."),
        ),
        Action(
            "supplement_accept",
            _("Accept the supplement"),
            forms.NoteForm,
            lambda by, d, c: services.dossier_supplement_accept(
                by=by, dossier=d, expected_version=c["expected_version"], note=c["note"]
            ),
            _("Accept the documents the applicant supplied? The applicant is told they were accepted."),
        ),
        Action(
            "supplement_reject",
            _("Supplement not sufficient"),
            forms.SupplementRejectForm,
            lambda by, d, c: services.dossier_supplement_reject(
                by=by, dossier=d, expected_version=c["expected_version"], items=c["items_list"], reason=c["reason"]
            ),
            _(
                "Tell the applicant the documents supplied are not enough, and ask for these items? "
                "The clock pauses again until they are supplied."
            ),
        ),
        Action(
            "consult_recall",
            _("Take back the consultation"),
            forms.ReasonForm,
            lambda by, d, c: services.dossier_consult_recall(
                by=by, dossier=d, expected_version=c["expected_version"], reason=c["reason"]
            ),
            _(
                "Take the dossier back from the agency consulted, without its opinion? Its step ends unanswered "
                "and the dossier comes back to your agency's step."
            ),
        ),
        Action(
            "claim",
            _("Claim"),
            forms.PlainActionForm,
            lambda by, d, c: services.dossier_claim(by=by, dossier=d, expected_version=c["expected_version"]),
            _("Take this dossier as yours to work on?"),
        ),
        Action(
            "forward",
            _("Forward to the next step"),
            forms.ForwardForm,
            lambda by, d, c: services.dossier_forward(
                by=by, dossier=d, expected_version=c["expected_version"], note=c["note"], to_user=c["to_user"]
            ),
            _("Forward this dossier to the next step?"),
            form_kwargs=_next_step,
        ),
        Action(
            "send_back",
            _("Send back"),
            forms.ReasonForm,
            lambda by, d, c: services.dossier_send_back(
                by=by, dossier=d, expected_version=c["expected_version"], reason=c["reason"]
            ),
            _("Send this dossier back to the previous step?"),
        ),
        Action(
            "reassign",
            _("Reassign"),
            forms.ReassignForm,
            lambda by, d, c: services.dossier_reassign(
                by=by, dossier=d, expected_version=c["expected_version"], to_user=c["to_user"]
            ),
            _("Give this dossier's current step to another official?"),
            form_kwargs=_active_step,
        ),
        Action(
            "consult_agency",
            _("Consult another agency"),
            forms.ConsultForm,
            lambda by, d, c: services.dossier_consult_agency(
                by=by,
                dossier=d,
                expected_version=c["expected_version"],
                agency=c["agency"],
                question=c["question"],
                answer_days=c["answer_days"],
            ),
            _("Send this dossier to another agency for its opinion?"),
            form_kwargs=_consult_bound,
        ),
        Action(
            "request_payment",
            _("Request payment"),
            forms.PaymentForm,
            lambda by, d, c: services.dossier_request_payment(
                by=by, dossier=d, expected_version=c["expected_version"], amount=c["amount"], note=c["note"]
            ),
            _("Ask the applicant to pay this amount? Processing waits for the payment."),
        ),
        Action(
            "payment_confirmed",
            _("Confirm payment"),
            forms.PlainActionForm,
            lambda by, d, c: services.dossier_payment_confirmed(
                by=by, dossier=d, expected_version=c["expected_version"]
            ),
            _("Confirm that the applicant has paid?"),
        ),
        Action(
            "approve",
            _("Approve"),
            forms.NoteForm,
            lambda by, d, c: services.dossier_approve(
                by=by, dossier=d, expected_version=c["expected_version"], note=c["note"]
            ),
            _("Approve this dossier?"),
        ),
        Action(
            "issue_result",
            _("Issue the result"),
            forms.IssueResultForm,
            lambda by, d, c: services.dossier_issue_result(
                by=by,
                dossier=d,
                expected_version=c["expected_version"],
                upload=c["upload"],
                title=c["title"],
                text=c["text"],
            ),
            _("Issue the result? The dossier is marked as resolved and the result is signed."),
            form_kwargs=_result_title,
        ),
        Action(
            "return",
            _("Return the result"),
            forms.ReturnForm,
            lambda by, d, c: services.dossier_return(
                by=by, dossier=d, expected_version=c["expected_version"], method=c["method"]
            ),
            _("Record that the result was handed over? This closes the dossier."),
            form_kwargs=_methods,
        ),
        Action(
            "withdraw",
            _("Withdraw"),
            forms.ReasonForm,
            lambda by, d, c: services.dossier_withdraw(
                by=by, dossier=d, expected_version=c["expected_version"], reason=c["reason"]
            ),
            _("Withdraw this dossier at the applicant's request? This cannot be undone."),
            danger=True,
        ),
        Action(
            "stop",
            _("Stop processing"),
            forms.ReasonForm,
            lambda by, d, c: services.dossier_stop(
                by=by, dossier=d, expected_version=c["expected_version"], reason=c["reason"]
            ),
            _("Stop processing this dossier? The stop notice is issued. This cannot be undone."),
            danger=True,
        ),
        Action(
            "letter_draft",
            _("Draft an apology letter"),
            forms.ApologyDraftForm,
            lambda by, d, c: services.apology_letter_draft(
                by=by,
                dossier=d,
                expected_version=c["expected_version"],
                reason=c["reason"],
                new_due_at=c["new_due_at"],
                agency=c.get("agency"),
            ),
            _("Draft the apology letter with this reason and new due date? The leader approves it before it is sent."),
            form_kwargs=_letter_agencies,
        ),
        Action(
            "letter_approve",
            _("Approve the apology letter"),
            forms.LetterForm,
            lambda by, d, c: services.apology_letter_approve(
                by=by, letter=c["letter"], expected_version=c["expected_version"]
            ),
            _("Approve the apology letter?"),
            form_kwargs=_letters,
        ),
        Action(
            "letter_send",
            _("Send the apology letter"),
            forms.LetterForm,
            lambda by, d, c: services.apology_letter_send(
                by=by, letter=c["letter"], expected_version=c["expected_version"]
            ),
            _("Send the apology letter? The due date moves to the new date; it can be moved only once."),
            form_kwargs=_letters,
        ),
        Action(
            "letter_withdraw",
            _("Withdraw the apology letter"),
            forms.LetterReasonForm,
            lambda by, d, c: services.apology_letter_withdraw(
                by=by, letter=c["letter"], reason=c["reason"], expected_version=c["expected_version"]
            ),
            _(
                "Withdraw the apology letter? It will never be sent and the due date stays as it is; a new letter "
                "may be drafted while one can still be sent in time."
            ),
            danger=True,
            form_kwargs=_letters,
        ),
    ]
}


def prepare(action: Action, form: Form) -> dict[str, Any]:
    """The cleaned data with the line lists some services take."""
    data = dict(form.cleaned_data)
    if isinstance(form, forms.RefuseForm):
        data["reasons_list"] = form.cleaned_reasons()
    if isinstance(form, forms.SupplementForm):
        data["items_list"] = form.cleaned_items()
    return data


# Timeline rows of actions that have no button here.
OTHER_EVENTS: dict[str, str | Promise] = {
    "create": _("Dossier opened"),
    "submit_online": _("Submitted online"),
    "document_add": _("File attached"),
    "documents_mark_received": _("Documents handed in recorded"),
    "authorised_person_set": _("Authorised person recorded"),
    "postal_delivered": _("Delivered by post"),
    "postal_returned_to_sender": _("Brought back by the postal service, not delivered"),
    "postal_cancelled": _("Postal order for the result cancelled: the result is back at the front desk"),
    "pickup_request": _("Pickup of the paper documents by post ordered"),
    "postal_pickup_arrived": _("Paper documents arrived by post"),
    "postal_pickup_failed": _("The postal service could not collect the paper documents"),
    "postal_pickup_called_off": _("Pickup of the paper documents by post called off"),
    "receiving_agency_change": _("Receiving agency changed (agencies merged)"),
}


def event_label(action: str) -> str | Promise:
    """The words for a timeline row's action: its button's, else its own here, else those the transitions table
    gives it (the code itself only for an action no table knows)."""
    if action in ACTIONS:
        return ACTIONS[action].label
    if action in OTHER_EVENTS:
        return OTHER_EVENTS[action]
    name = action_name(action)
    return action if name == action else capfirst(name)
