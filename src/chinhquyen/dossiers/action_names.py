"""The actions of the dossier transitions table in words, for messages that name one (a refusal)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_NAMES: dict[str, Promise] = {
    "agency_handover": _("hand the work over to the successor agency"),
    "approve": _("approve the result"),
    "authorised_person_set": _("record the authorised person"),
    "calendar_retime": _("move the due dates with the working calendar"),
    "claim": _("take the step"),
    "consult_agency": _("consult another agency"),
    "consult_recall": _("call the consultation back"),
    "document_add": _("attach a file"),
    "document_remove": _("remove a file"),
    "documents_mark_received": _("record the documents handed in"),
    "draft_discard": _("discard the draft"),
    "draft_save": _("save the draft"),
    "forward": _("forward to the next step"),
    "issue_result": _("issue the result"),
    "letter_approve": _("approve the apology letter"),
    "letter_draft": _("draft an apology letter"),
    "letter_send": _("send the apology letter"),
    "letter_withdraw": _("withdraw the apology letter"),
    "payment_confirmed": _("confirm the payment"),
    "pickup_cancel": _("call off the pickup by post"),
    "pickup_request": _("ask the post to collect the papers"),
    "reassign": _("reassign the step"),
    "receive": _("receive the dossier"),
    "refuse": _("refuse the dossier"),
    "release": _("give the step back to its role"),
    "request_payment": _("ask for a payment"),
    "request_supplement": _("ask for more documents"),
    "return": _("hand over the result"),
    "send_back": _("send back to the previous step"),
    "stop": _("stop processing"),
    "submit": _("submit online"),
    "supplement_accept": _("accept the documents supplied"),
    "supplement_provided": _("record the documents supplied"),
    "supplement_reject": _("find the documents supplied not enough"),
    "withdraw": _("withdraw the dossier"),
}


def action_name(action: str) -> str:
    """``action`` in words in the active language (the code itself if it has none)."""
    name = ACTION_NAMES.get(action)
    return str(name) if name is not None else action
