"""Services (writes) of the dossiers app: every change to a dossier goes through one of these."""

from .authorised import AUTHORISED_FIELDS, dossier_authorised_person_set
from .base import Change, transition_apply
from .departed import officer_steps_release
from .digitisation import dossier_result_awaiting_delivery, dossier_result_delivery_record
from .dispatch import (
    dossier_event_hook_add,
    dossier_event_hook_remove,
    dossier_event_hooks,
    dossier_events_dispatch,
)
from .drafts import counter_draft_discard
from .handover import HandOver, OpenWork, agency_open_work, agency_work_hand_over, hand_over_summary
from .letters import apology_letter_approve, apology_letter_draft, apology_letter_send
from .online import (
    online_document_remove,
    online_draft_agency_set,
    online_draft_discard,
    online_draft_save,
    online_draft_start,
    online_draft_submit,
    online_result_downloaded,
)
from .pickup import (
    dossier_pickup_arrival_record,
    dossier_pickup_called_off_record,
    dossier_pickup_cancel,
    dossier_pickup_request,
)
from .processing import (
    CONSULT_DAYS,
    CONSULT_DAYS_MAX,
    dossier_approve,
    dossier_claim,
    dossier_consult_agency,
    dossier_consult_recall,
    dossier_forward,
    dossier_payment_confirmed,
    dossier_reassign,
    dossier_request_payment,
    dossier_return,
    dossier_send_back,
    dossier_stop,
)
from .reception import (
    Upload,
    applicant_snapshot,
    dossier_create_at_counter,
    dossier_create_with_documents,
    dossier_document_add,
    dossier_documents_mark_received,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_submit_online,
    dossier_supplement_provided,
    dossier_withdraw,
    handed_in_kind,
)
from .result import dossier_issue_result
from .retime import dossiers_retime
from .supplement import dossier_supplement_accept, dossier_supplement_reject

__all__ = [
    "CONSULT_DAYS",
    "CONSULT_DAYS_MAX",
    "AUTHORISED_FIELDS",
    "Change",
    "HandOver",
    "OpenWork",
    "Upload",
    "agency_open_work",
    "agency_work_hand_over",
    "apology_letter_approve",
    "apology_letter_draft",
    "apology_letter_send",
    "counter_draft_discard",
    "applicant_snapshot",
    "dossier_approve",
    "dossier_authorised_person_set",
    "dossier_claim",
    "dossier_consult_agency",
    "dossier_consult_recall",
    "dossier_create_at_counter",
    "dossier_create_with_documents",
    "dossier_document_add",
    "dossier_documents_mark_received",
    "dossier_event_hook_add",
    "dossier_event_hook_remove",
    "dossier_event_hooks",
    "dossier_events_dispatch",
    "dossier_forward",
    "dossier_issue_result",
    "dossier_payment_confirmed",
    "dossier_pickup_arrival_record",
    "dossier_pickup_called_off_record",
    "dossier_pickup_cancel",
    "dossier_pickup_request",
    "dossier_reassign",
    "dossier_receive",
    "dossier_refuse",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_result_awaiting_delivery",
    "dossier_result_delivery_record",
    "dossier_return",
    "dossier_send_back",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_supplement_accept",
    "dossier_supplement_provided",
    "dossier_supplement_reject",
    "dossier_withdraw",
    "dossiers_retime",
    "hand_over_summary",
    "handed_in_kind",
    "officer_steps_release",
    "online_document_remove",
    "online_draft_agency_set",
    "online_draft_discard",
    "online_draft_save",
    "online_draft_start",
    "online_draft_submit",
    "online_result_downloaded",
    "transition_apply",
]
