"""Writes of the feedback app: rate a returned dossier; file, route, answer, publish, unpublish and close petitions.

Every write is one transaction ending with an audit entry. Petition services go through
:func:`_petition_apply`, which locks the petition, checks the transitions table, bumps the version and
writes a :class:`PetitionEvent`. Nothing here sends mail: every event row is the outbox entry of the
petition hooks (``dispatch.py``, ADR 0018), which the worker runs after the commit; the notifications
app registers one that e-mails and texts the sender when the petition is answered or closed.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.catalog.models import Procedure
from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Agency, User
from chinhquyen.dossiers.models import Dossier, DossierStatus, Substatus
from chinhquyen.dossiers.ownership import account_holds
from chinhquyen.dossiers.selectors import result_awaits_hand_over
from chinhquyen.workcal.selectors import deadline_add_working_days

from .codes import petition_code_new
from .criteria import AGENCY_TIME, ASKED, TOTAL_TIME, Overall, total_time_points
from .dispatch import dispatch_soon
from .errors import PetitionRefused, RatingRefused
from .models import Petition, PetitionEvent, PetitionStatus, Rating
from .publication import petition_masked
from .selectors import dossier_agency_time
from .transitions import Transition, transition_find

# Only a dossier whose result was handed over may be rated (spec §6: the rating of a finished dossier).
RATEABLE_STATUSES = frozenset({DossierStatus.RETURNED})
# Working days an agency has to answer a petition (?): Decree 20/2008 leaves it to the agency's rules.
ANSWER_WORKING_DAYS = 10
CODE_ATTEMPTS = 5
_PHONE = re.compile(r"^\+?[0-9 .\-()]{8,20}$")
MIN_CONTENT = 10
# The longest reason (closing, unpublishing), as the office's reason box allows.
REASON_MAX = 2000


def _text(value: str) -> str:
    """NFC, trimmed, line breaks kept (``clean`` would fold them into spaces)."""
    lines = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").split("\n")
    return "\n".join(clean(line) for line in lines).strip()


def dossier_rateable(dossier: Dossier) -> bool:
    """Whether the result of ``dossier`` has been handed over, so that it may be rated (rated or not yet).

    Status 10 with the result back at the agency (the post office brought it back) is not handed over yet,
    nor is a result still with the postal partner: the post may bring it back instead of delivering it.
    """
    return (
        dossier.status in RATEABLE_STATUSES
        and dossier.substatus != Substatus.RESULT_AWAITING_CONFIRMATION
        and not result_awaits_hand_over(dossier)
    )


def _audit(*, by: User | None, action: str, target: str, data: dict[str, Any]) -> None:
    audit_record(actor=by, action=action, target=target, data=data)


# --- Ratings ------------------------------------------------------------------------------------


def _scores_clean(scores: Mapping[str, Any]) -> dict[str, int]:
    """The points of the criteria asked; any other key (``total_time``, ``agency_time``: worked out instead) is
    ignored."""
    cleaned = {}
    for c in ASKED:
        value = scores.get(c.key)
        allowed = {points for points, _words in c.options}
        try:
            points = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            points = -1
        if points not in allowed:
            raise InvalidInput(_("Choose one answer for this question."), code="invalid_score", field=c.key)
        cleaned[c.key] = points
    return cleaned


def rating_submit(
    *,
    dossier: Dossier,
    by: User,
    scores: Mapping[str, Any],
    overall: str,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """Record the applicant's rating of their returned dossier (đánh giá); once, and final.

    ``scores`` holds the points of the criteria asked; ``total_time`` is the dossier's own (its outcome) and
    ``agency_time`` its steps' (each agency's outcome, :func:`~chinhquyen.feedback.selectors.dossier_agency_time`),
    so a value given for either is ignored: an applicant may not rate a late dossier "shorter than allowed".
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=dossier.pk)
        if not account_holds(dossier=locked, user=by, owner_id=locked.applicant.user_id):
            raise RatingRefused(_("Only the applicant of this dossier may rate it."), code="not_owner")
        if not dossier_rateable(locked):
            raise RatingRefused(_("A dossier can be rated once its result has been handed over."), code="not_returned")
        if Rating.objects.filter(dossier=locked).exists():
            raise RatingRefused(_("This dossier has already been rated."), code="already_rated")
        asked = _scores_clean(scores)
        worked_out = {
            TOTAL_TIME: total_time_points(locked.outcome),
            AGENCY_TIME: dossier_agency_time(dossier=locked).points,
        }
        points = {**worked_out, **asked}
        if overall not in Overall.values:
            raise InvalidInput(_("Choose your overall rating."), code="invalid_overall", field="overall")
        comment = _text(comment)
        if len(comment) > 2000:
            raise InvalidInput(_("Please keep the comment under 2,000 characters."), code="too_long", field="comment")
        rating = Rating(
            dossier=locked,
            applicant=locked.applicant,
            agency_id=locked.receiving_agency_id,
            procedure_id=locked.procedure_id,
            by=by,
            total=sum(points.values()),
            overall=overall,
            comment=comment,
            created_at=at,
            **points,
        )
        try:
            with transaction.atomic():
                rating.save(force_insert=True)
        except IntegrityError as exc:  # a second submission racing the first
            raise RatingRefused(_("This dossier has already been rated."), code="already_rated") from exc
        _audit(
            by=by,
            action="rating.submit",
            target=f"dossier:{locked.pk}",
            data={"rating": rating.pk, "scores": points, "total": rating.total, "overall": overall},
        )
    return rating


# --- Petitions: filing --------------------------------------------------------------------------


def _contact_clean(*, address: str, phone: str, email: str) -> tuple[str, str, str]:
    address, phone, email = clean(address), clean(phone), clean(email).lower()
    if not (address or phone or email):
        raise InvalidInput(
            _("Give an address, a phone number or an e-mail address, so that the agency can reach you."),
            code="contact_required",
            field="sender_address",
        )
    if phone and (not _PHONE.match(phone) or not 8 <= sum(ch.isdigit() for ch in phone) <= 15):
        raise InvalidInput(_("Enter a valid phone number."), code="invalid_phone", field="sender_phone")
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(_("Enter a valid e-mail address."), code="invalid_email", field="sender_email") from exc
    return address, phone, email


def _required(value: str, *, field_name: str, message: str, limit: int, minimum: int = 1) -> str:
    if len(value) < minimum:
        raise InvalidInput(message, code="required", field=field_name)
    if len(value) > limit:
        raise InvalidInput(
            _("Please use at most %(limit)d characters.") % {"limit": limit}, code="too_long", field=field_name
        )
    return value


def _responsible(*, procedure: Procedure | None, about_agency: Agency | None) -> Agency | None:
    """The agency the petition names, else the procedure's only implementing agency, else none yet."""
    if about_agency is not None:
        return about_agency
    if procedure is not None:
        agencies = list(procedure.agencies.filter(is_active=True)[:2])
        if len(agencies) == 1:
            return agencies[0]
    return None


def petition_file(
    *,
    subject: str,
    content: str,
    sender_name: str,
    sender_address: str = "",
    sender_phone: str = "",
    sender_email: str = "",
    procedure: Procedure | None = None,
    about_agency: Agency | None = None,
    sender_user: User | None = None,
    at: datetime | None = None,
) -> Petition:
    """File a petition (gửi phản ánh, kiến nghị); anyone may, with a name and a way to be reached."""
    petition, _new = petition_file_once(
        client_key="",
        subject=subject,
        content=content,
        sender_name=sender_name,
        sender_address=sender_address,
        sender_phone=sender_phone,
        sender_email=sender_email,
        procedure=procedure,
        about_agency=about_agency,
        sender_user=sender_user,
        at=at,
    )
    return petition


def _once_digest(client_key: str, petition: Petition) -> str:
    """What identifies one form sent: its one-time key with the petition it carries and who sent it.

    A repeat (the same form sent again) matches; the same key with other words or another sender (the form
    edited after going back, a key copied) files a petition of its own, and learns nothing of the first one.
    """
    if not client_key:
        return ""
    sent = [
        client_key,
        petition.subject,
        petition.content,
        petition.procedure_id,
        petition.about_agency_id,
        petition.sender_name,
        petition.sender_address,
        petition.sender_phone,
        petition.sender_email,
        petition.sender_user_id,
    ]
    return hashlib.sha256(json.dumps(sent, ensure_ascii=False).encode()).hexdigest()


def petition_file_once(
    *,
    client_key: str,
    subject: str,
    content: str,
    sender_name: str,
    sender_address: str = "",
    sender_phone: str = "",
    sender_email: str = "",
    procedure: Procedure | None = None,
    about_agency: Agency | None = None,
    sender_user: User | None = None,
    at: datetime | None = None,
    new_allowed: bool = True,
) -> tuple[Petition, bool]:
    """File the petition of a form carrying the one-time ``client_key``; the petition and whether it is new.

    The same form sent again (Enter pressed twice) gives the petition it filed, and False: one petition, one
    code, one filing for the hourly limit. Two sends at the same moment meet at the unique key. With
    ``new_allowed`` False (the sender is over that limit) only a repeat is answered; a new one is refused.
    """
    at = at or timezone.now()
    subject = _required(clean(subject), field_name="subject", message=_("Enter a subject."), limit=200)
    content = _required(
        _text(content),
        field_name="content",
        message=_("Describe your report or proposal in at least %(n)d characters.") % {"n": MIN_CONTENT},
        limit=5000,
        minimum=MIN_CONTENT,
    )
    sender_name = _required(clean(sender_name), field_name="sender_name", message=_("Enter your name."), limit=150)
    address, phone, email = _contact_clean(address=sender_address, phone=sender_phone, email=sender_email)
    if about_agency is not None and not about_agency.is_active:
        raise InvalidInput(_("This agency no longer exists."), code="agency_inactive", field="about_agency")
    if sender_user is not None and not sender_user.is_authenticated:
        sender_user = None
    petition = Petition(
        subject=subject,
        content=content,
        procedure=procedure,
        about_agency=about_agency,
        agency=_responsible(procedure=procedure, about_agency=about_agency),
        sender_name=sender_name,
        sender_address=address,
        sender_phone=phone,
        sender_email=email,
        sender_user=sender_user,
        status=PetitionStatus.RECEIVED,
        filed_at=at,
        due_at=deadline_add_working_days(start=at, days=ANSWER_WORKING_DAYS),
    )
    petition.client_key = _once_digest(client_key, petition)
    same_form = Petition.objects.filter(client_key=petition.client_key) if petition.client_key else None
    if same_form is not None and (filed := same_form.first()) is not None:
        return filed, False
    if not new_allowed:
        raise PetitionRefused(
            _("Several petitions were sent from your connection in the last hour. Please try again later."),
            code="over_limit",
        )
    with transaction.atomic():
        for attempt in range(CODE_ATTEMPTS):
            petition.code = petition_code_new(at=at)
            try:
                with transaction.atomic():
                    petition.save(force_insert=True)
                break
            except IntegrityError:
                if same_form is not None and (filed := same_form.first()) is not None:
                    return filed, False  # the same form, sent at the same moment, was filed first
                if attempt == CODE_ATTEMPTS - 1:
                    raise
                petition.pk = None
        PetitionEvent.objects.create(
            petition=petition, at=at, actor=sender_user, action="file", from_status="", to_status=petition.status
        )
        dispatch_soon()
        _audit(
            by=sender_user,
            action="petition.file",
            target=f"petition:{petition.pk}",
            data={
                "code": petition.code,
                "agency": petition.agency_id,
                "procedure": procedure.pk if procedure else None,
            },
        )
    return petition, True


# --- Petitions: handling ------------------------------------------------------------------------


@dataclass
class _Change:
    petition: Petition
    row: Transition
    by: User
    at: datetime
    fields: set[str] = field(default_factory=set)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def set(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self.petition, name, value)
        self.fields.update(values)


@contextmanager
def _petition_apply(
    *, petition: Petition, by: User, action: str, expected_version: int | None, at: datetime | None = None
) -> Iterator[_Change]:
    """Lock, check ``action`` against the table, yield the change; save, log and audit on leaving."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if expected_version is not None and expected_version != locked.version:
            raise PetitionRefused(
                _("Someone else changed this petition in the meantime; reload it and try again."),
                code="stale_version",
            )
        row = transition_find(petition=locked, action=action, user=by)
        change = _Change(petition=locked, row=row, by=by, at=at)
        from_status = locked.status
        yield change
        if row.target is not None and row.target != from_status:
            change.set(status=row.target)
        change.set(version=locked.version + 1)
        locked.save(update_fields=sorted(change.fields))
        PetitionEvent.objects.create(
            petition=locked,
            at=at,
            actor=by,
            action=action,
            from_status=from_status,
            to_status=locked.status,
            note=change.note,
            data=change.data,
        )
        dispatch_soon()  # the hooks (the sender's notifications) run in the worker, after the commit
        _audit(
            by=by,
            action=f"petition.{action}",
            target=f"petition:{locked.pk}",
            data={"from": from_status, "to": locked.status, "version": locked.version, **change.data},
        )
    for f in Petition._meta.concrete_fields:  # the caller's instance follows
        setattr(petition, f.attname, getattr(locked, f.attname))


def petition_assign(
    *, petition: Petition, by: User, agency: Agency, note: str = "", expected_version: int | None = None
) -> Petition:
    """Make ``agency`` responsible for the petition (tiếp nhận, chuyển xử lý)."""
    if not agency.is_active:
        raise InvalidInput(_("This agency no longer exists."), code="agency_inactive", field="agency")
    with _petition_apply(petition=petition, by=by, action="assign", expected_version=expected_version) as c:
        c.data = {"from_agency": c.petition.agency_id, "agency": agency.pk}
        c.note = _text(note)
        c.set(agency=agency)
    return petition


def petition_answer(
    *, petition: Petition, by: User, answer: str, note: str = "", expected_version: int | None = None
) -> Petition:
    """Record the responsible agency's answer (trả lời)."""
    answer = _required(_text(answer), field_name="answer", message=_("Write the answer."), limit=10000)
    with _petition_apply(petition=petition, by=by, action="answer", expected_version=expected_version) as c:
        c.note = _text(note)
        c.set(answer=answer, answered_by=by, answered_at=c.at)
    return petition


def petition_publish(*, petition: Petition, by: User, expected_version: int | None = None) -> Petition:
    """Publish the answered petition (công khai) with the sender's personal data masked."""
    with _petition_apply(petition=petition, by=by, action="publish", expected_version=expected_version) as c:
        texts = petition_masked(petition=c.petition)
        c.set(
            published_at=c.at,
            published_subject=texts.subject,
            published_content=texts.content,
            published_answer=texts.answer,
            published_search=texts.search,
        )
    return petition


def petition_unpublish(*, petition: Petition, by: User, reason: str, expected_version: int | None = None) -> Petition:
    """Withdraw the published petition from public view (a mistake, personal data left in); back to answered.

    The masked copies go too, so that nothing withdrawn stays readable; publishing again masks afresh. The answer
    and the sender's rating stay; the reason is the event's note.
    """
    reason = _required(_text(reason), field_name="reason", message=_("Give the reason."), limit=REASON_MAX)
    with _petition_apply(petition=petition, by=by, action="unpublish", expected_version=expected_version) as c:
        c.note = reason
        c.set(
            published_at=None,
            published_subject="",
            published_content="",
            published_answer="",
            published_search="",
        )
    return petition


def petition_close(*, petition: Petition, by: User, reason: str, expected_version: int | None = None) -> Petition:
    """Close the petition without publishing it (duplicate, out of scope, private matter…)."""
    reason = _required(_text(reason), field_name="reason", message=_("Give the reason."), limit=REASON_MAX)
    with _petition_apply(petition=petition, by=by, action="close", expected_version=expected_version) as c:
        c.note = reason
        c.set(closed_reason=reason, closed_at=c.at)
    return petition


def petition_note_add(*, petition: Petition, by: User, note: str, expected_version: int | None = None) -> Petition:
    """Add an internal note (ghi chú nội bộ), never published."""
    note = _required(_text(note), field_name="note", message=_("Write the note."), limit=2000)
    with _petition_apply(petition=petition, by=by, action="note", expected_version=expected_version) as c:
        c.note = note
    return petition


def petition_answer_rate(*, petition: Petition, by: User, satisfied: bool) -> Petition:
    """The sender says whether the answer satisfied them (feeds the satisfaction indicator); once."""
    with _petition_apply(petition=petition, by=by, action="rate_answer", expected_version=None) as c:
        c.data = {"satisfied": satisfied}
        c.set(sender_satisfied=satisfied)
    return petition
