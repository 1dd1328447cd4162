"""Build the data of a slip from a dossier: the only place where forms meet the models.

The keys are those documented in ``slips.py``. Dates stay ``datetime`` objects: ``render_slip``
formats them in Vietnamese style.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from chinhquyen.core.text import clean

# Models are imported inside the functions: this package must import before the app registry is ready.
if TYPE_CHECKING:
    from chinhquyen.directory.models import Agency, User

    from ..models import ApologyLetter, Dossier, DossierEvent, DossierStep

# Where the public lookup lives when the portal has not named its page (``portal:dossier_lookup``).
DEFAULT_LOOKUP_PATH = "/tra-cuu-ho-so/"
_DIVISION_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


def slip_data_for(*, dossier: "Dossier | None", kind: str, **extra: Any) -> dict[str, Any]:
    """Return the data of form ``kind`` for ``dossier``; ``extra`` keys override or complete it.

    Useful extras: ``lookup_url`` (the absolute URL behind the QR code; built from
    ``settings.PUBLIC_BASE_URL`` when absent), ``number``, ``register`` {book, line}, ``return_place``,
    ``contact``; for form 04, ``letter`` (one of the dossier's apology letters; default the one sent, else the
    newest). Form 07 covers many dossiers: pass ``dossiers``, ``date_from``, ``date_to`` and
    ``agency`` (see :func:`register_data_for`) and ``dossier=None``.
    """
    if kind == "07":
        return register_data_for(**extra)
    if dossier is None:
        raise ValueError(f"Form {kind} needs a dossier.")
    builders: dict[str, Callable[[Dossier], dict[str, Any]]] = {
        "01": _receipt,
        "02": _supplement,
        "03": _refusal,
        "04": _apology,
        "05": _stop,
        "06": _control,
    }
    if kind not in builders:
        raise ValueError(f"Unknown slip kind {kind!r}.")
    # The slips are Vietnamese legal forms whatever the officer's interface language.
    with translation.override("vi"):
        # 01 and 06 read the receive event themselves, and name the procedure as received from it.
        data = _common(dossier, agency=dossier.receiving_agency, as_received=kind not in ("01", "06"))
        letter = extra.pop("letter", None) if kind == "04" else None
        data.update(_apology(dossier, letter=letter) if letter is not None else builders[kind](dossier))
        url = extra.pop("lookup_url", None) or lookup_url_for(dossier)
        # Before reception a dossier has no code, which the public lookup asks for: no QR code then.
        data["lookup_url"] = url if dossier.code else ""
    data.update(extra)
    return data


# The title of a result written at issue when the procedure names none (văn bản trả lời).
DEFAULT_RESULT_TITLE = "Thông báo kết quả giải quyết hồ sơ"


def result_title_for(dossier: "Dossier") -> str:
    """The title a written result takes by default: the procedure's first published result, else a notice."""
    name = dossier.procedure.results.exclude(name="").values_list("name", flat=True).first()
    return clean(name or "")[:255] or DEFAULT_RESULT_TITLE


def result_agency_for(dossier: "Dossier") -> "Agency":
    """The agency a written result comes from: the lead agency (its leader decides), else the receiving one."""
    return _lead_agency(dossier) or dossier.receiving_agency


def result_data_for(
    *, dossier: "Dossier", title: str, text: str, signer: "User | None", at: datetime | None = None
) -> dict[str, Any]:
    """The data of the result written at issue (dated ``at``): the officer's text, a paragraph per non-empty line."""
    agency = result_agency_for(dossier)
    with translation.override("vi"):
        data = _common(dossier, agency=agency)
        data.update(
            {
                "title": clean(title) or result_title_for(dossier),
                "paragraphs": [line for line in (clean(part) for part in text.splitlines()) if line],
                "signer": _signer(signer, agency),
                "lookup_url": lookup_url_for(dossier),
                "issued_at": at or timezone.now(),
            }
        )
    return data


def register_data_for(
    *,
    agency: "Agency",
    dossiers: Iterable["Dossier"],
    date_from: date,
    date_to: date,
    book: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """Data of the tracking register (form 07): one row per dossier, in the order given.

    Each row carries the dossier's own line of the register (``selectors.register_lines``), the one its
    receipt prints, and the procedure as received; the book is the year of reception unless ``book`` names it.
    The return is printed only for a result handed over or on its way by post (:func:`_handed_over`).
    """
    from ..models import DossierEvent, DossierStep
    from ..selectors import register_lines

    with translation.override("vi"):
        if isinstance(dossiers, QuerySet):
            dossiers = dossiers.select_related("procedure", "applicant", "receiving_agency").prefetch_related(
                Prefetch("steps", queryset=DossierStep.objects.select_related("agency"))
            )
        dossiers = list(dossiers)
        lines = register_lines(dossiers=dossiers)
        # What each reception recorded (the procedure as received): one query, the latest reception's wins.
        received_pks = [d.pk for d in dossiers if d.received_at is not None]
        receptions = dict(
            DossierEvent.objects.filter(dossier_id__in=received_pks, action="receive")
            .order_by("at", "pk")
            .values_list("dossier_id", "data")
            if received_pks
            else []
        )
        rows = []
        for d in dossiers:
            entered = lines.get(d.pk)
            snap = d.applicant_snapshot or {}
            lead = _lead_agency(d)
            handed = _handed_over(d)
            rows.append(
                {
                    "line": str(entered.line) if entered else "",
                    "code": d.code,
                    "procedure": _procedure_as_received(d, receptions.get(d.pk))["name"],
                    "applicant": snap.get("name") or d.applicant.name,
                    "address": snap.get("address", ""),
                    "phone": snap.get("phone", ""),
                    "lead_agency": lead.name if lead else d.receiving_agency.name,
                    "received_at": d.received_at,
                    "due_at": d.due_at,
                    "returned_at": d.returned_at if handed else None,
                    "return_method": d.get_return_method_display() if handed and d.return_method else "",
                }
            )
        data = {
            "agency": _agency(agency),
            "place": place_of(agency),
            "issued_at": timezone.now(),
            "period": {"from": date_from, "to": date_to},
            "book": book or "; ".join(sorted({str(e.book) for e in lines.values()})),
            "rows": rows,
        }
    data.update(extra)
    return data


def _handed_over(dossier: "Dossier") -> bool:
    """Whether the result was handed over, or is with the postal partner awaiting confirmation.

    A result ready at the front desk again (the postal order cancelled, the parcel brought back) was not, even
    when ``return_method`` is still ``postal`` or ``returned_at`` still holds the send date (parcels brought back
    before that cleared it).
    """
    from ..models import Substatus

    return dossier.returned_at is not None and dossier.substatus != Substatus.RESULT_READY


def _procedure_as_received(dossier: "Dossier", recorded: object) -> dict[str, str]:
    """The procedure's code and name as reception recorded them (``recorded`` is the receive event's data).

    The catalog's current ones for a dossier received before reception recorded them, or not received.
    """
    procedure = recorded.get("procedure") if isinstance(recorded, dict) else None
    if isinstance(procedure, dict) and procedure.get("name"):
        return {"code": str(procedure.get("code") or ""), "name": str(procedure["name"])}
    return {"code": dossier.procedure.code, "name": dossier.procedure.name}


# The lookup address's parameter holding the dossier code (the portal's lookup form reads it).
LOOKUP_CODE = "ma"


def lookup_url_for(dossier: "Dossier") -> str:
    """The public lookup page of the dossier, with the secret printed on the receipt."""
    try:
        path = reverse("portal:dossier_lookup")
    except NoReverseMatch:
        path = DEFAULT_LOOKUP_PATH
    base = getattr(settings, "PUBLIC_BASE_URL", "") or "http://localhost:8000/"
    query = {LOOKUP_CODE: dossier.code} | ({"k": dossier.lookup_secret} if dossier.lookup_secret else {})
    return f"{urljoin(base, path)}?{urlencode(query)}"


def lookup_url_code(text: str) -> str:
    """The dossier code a lookup address of :func:`lookup_url_for` carries (a slip's QR code, scanned); "" for
    any other text."""
    text = text.strip()
    if not text.lower().startswith(("http://", "https://")):
        return ""
    return parse_qs(urlsplit(text).query).get(LOOKUP_CODE, [""])[0].strip()


def place_of(agency: "Agency") -> str:
    """The place name of the date line ("Thanh Hóa, ngày …"): the agency's commune or province."""
    from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

    for node in [agency, *agency.ancestors()]:
        code = node.division_code
        try:
            if len(code) == 5:
                name = Ward.from_code(WardCode(int(code))).name
            elif len(code) == 2:
                name = Province.from_code(ProvinceCode(int(code))).name
            else:
                continue
        except (ValueError, KeyError):
            continue
        return _strip_division(name)
    try:
        return _strip_division(Province.from_code(ProvinceCode(int(settings.PROVINCE_CODE))).name)
    except (ValueError, KeyError):
        return ""


def person_name(user: "User | None") -> str:
    """A Vietnamese full name: family name first ("Nguyễn Văn A")."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _strip_division(name: str) -> str:
    for prefix in _DIVISION_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _agency(agency: "Agency") -> dict[str, str]:
    return {
        "name": agency.name,
        "parent_name": agency.parent.name if agency.parent_id and agency.parent else "",
        "code": agency.code,
        "address": agency.address,
        "phone": agency.phone,
    }


def _applicant(snap: dict[str, Any], fallback_name: str) -> dict[str, str]:
    return {
        "name": snap.get("name") or fallback_name,
        "id_number": snap.get("personal_id") or snap.get("tax_code") or "",
        "address": snap.get("address") or "",
        "phone": snap.get("phone") or "",
        "email": snap.get("email") or "",
    }


def _common(dossier: "Dossier", *, agency: "Agency", as_received: bool = True) -> dict[str, Any]:
    snap = dossier.applicant_snapshot or {}
    # Slips of a received dossier (04, 05, 06, a later 02) name the procedure as it was received, as 01 does:
    # a catalog update since must not change what a reprint says. Before reception, the catalog's (03, 02).
    receive = _last_event(dossier, "receive") if as_received and dossier.received_at is not None else None
    data: dict[str, Any] = {
        "agency": _agency(agency),
        "place": place_of(agency),
        "issued_at": timezone.now(),
        "code": dossier.code,
        "lookup_secret": dossier.lookup_secret,
        "applicant": _applicant(snap, dossier.applicant.name),
        "procedure": _procedure_as_received(dossier, receive.data if receive is not None else None),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }
    authorised = snap.get("authorised")
    if authorised:
        # Someone lodging under a power of attorney (người được ủy quyền), recorded at the counter.
        data["representative"] = {
            "kind": "authorised",
            "name": authorised.get("name", ""),
            "id_number": authorised.get("personal_id", ""),
            "address": authorised.get("address", ""),
            "phone": authorised.get("phone", ""),
            "email": authorised.get("email", ""),
            "authorisation": authorised.get("authorisation", ""),
        }
    elif snap.get("representative"):
        # An organisation's legal representative.
        data["representative"] = {"name": snap["representative"], "kind": "legal"}
    return data


def _last_event(dossier: "Dossier", *actions: str) -> Any:
    return dossier.events.filter(action__in=actions).order_by("-at", "-pk").first()


def _receipt(dossier: "Dossier") -> dict[str, Any]:
    from ..models import HANDED_IN_KINDS
    from ..selectors import documents_ticked, register_lines

    rows: dict[object, dict[str, Any]] = {}
    receive = _last_event(dossier, "receive")
    docs = dossier.documents.filter(kind__in=HANDED_IN_KINDS).select_related("required_document")
    if receive is not None:
        # The receipt lists what was received with the dossier: a reprint leaves out what a supplement
        # asked for during processing brought later (the events after reception name those files).
        later = dossier.events.filter(pk__gt=receive.pk).values_list("data", flat=True)
        docs = docs.exclude(
            pk__in=[data["document"] for data in later if isinstance(data, dict) and "document" in data]
        )
    ticked = documents_ticked(dossier=dossier)
    for doc in docs.order_by("pk"):
        # What the officer ticked (or scanned) was received; online, every upload, unless the officer ticked.
        # A document ticked and scanned is one row.
        if not doc.received and ticked:
            continue
        rd = doc.required_document
        key = rd.pk if rd is not None else f"doc-{doc.pk}"
        if key in rows:
            continue
        if rd is not None:
            originals, copies = rd.originals or 0, rd.copies or 0
            if not originals and not copies:
                originals = 1
            rows[key] = {"name": rd.name, "originals": originals, "copies": copies}
        else:
            rows[key] = {"name": doc.name, "originals": 0, "copies": 1}
    entered = register_lines(dossiers=[dossier]).get(dossier.pk)
    return {
        # The receipt is numbered by its line in the tracking register, where it is entered (form 07).
        "number": str(entered.line) if entered else "",
        "register": {"book": str(entered.book), "line": str(entered.line)} if entered else {},
        "documents": list(rows.values()),
        # A reprint gives the procedure the dossier was received under, whatever the catalog calls it now.
        "procedure": _procedure_as_received(dossier, receive.data if receive is not None else None),
        "sets": "01",
        "time_limit": _time_limit(dossier),
        "due_at": _due_at_reception(dossier, receive),
        "return_place": dossier.receiving_agency.name,
        "officer": {"name": person_name(receive.actor if receive else None)},
        "issued_at": dossier.received_at or timezone.now(),
    }


def _due_at_reception(dossier: "Dossier", receive: "DossierEvent | None") -> datetime | None:
    """The return date the receipt gave: the one reception recorded, whatever moved it since (a supplement or a
    payment pausing the clock, an apology letter extending it). A reprint is the same appointment."""
    recorded = (receive.data or {}).get("due_at") if receive is not None else None
    if isinstance(recorded, str) and recorded:
        try:
            return datetime.fromisoformat(recorded)
        except ValueError:
            pass
    return dossier.original_due_at or dossier.due_at


def _supplement(dossier: "Dossier") -> dict[str, Any]:
    from ..transitions import SUPPLEMENT_REQUESTS

    # The request standing now: the first one, or the one an answer found not enough put back with what is
    # still missing.
    event = _last_event(dossier, *SUPPLEMENT_REQUESTS)
    officer = person_name(event.actor if event else None)
    phone = (event.actor.phone if event and event.actor else "") or dossier.receiving_agency.phone
    return {
        "items": list((event.data or {}).get("items", [])) if event else [],
        "reason": event.reason if event else "",
        "contact": {"name": officer, "phone": phone},
        "officer": {"name": officer},
        "issued_at": event.at if event else timezone.now(),
    }


def _refusal(dossier: "Dossier") -> dict[str, Any]:
    event = _last_event(dossier, "refuse")
    reasons = list((event.data or {}).get("reasons", [])) if event else []
    return {
        "reasons": reasons or ([event.reason] if event and event.reason else []),
        "officer": {"name": person_name(event.actor if event else None)},
        "issued_at": event.at if event else timezone.now(),
    }


def _apology(dossier: "Dossier", letter: "ApologyLetter | None" = None) -> dict[str, Any]:
    from ..models import LetterState

    if letter is None:
        # The letter sent, once one is (there is only one extension); before that, the newest being prepared
        # (one withdrawn never will be).
        letters = dossier.apology_letters.select_related("agency__parent", "approved_by")
        letters = letters.exclude(state=LetterState.WITHDRAWN)
        letter = letters.filter(state=LetterState.SENT).first() or letters.order_by("-pk").first()
    elif letter.dossier_id != dossier.pk:
        raise ValueError(f"Letter {letter.pk} is not one of dossier {dossier.code}'s.")
    elif letter.state == LetterState.WITHDRAWN:
        raise ValueError(f"Letter {letter.pk} was withdrawn: it is never sent.")
    if letter is None:
        raise ValueError(f"Dossier {dossier.code} has no apology letter.")
    # Sent, the letter keeps the due date it replaced; being prepared, it will replace the one in force now
    # (a supplement may have moved it since the drafting).
    sent = letter.state == LetterState.SENT
    replaced = (letter.old_due_at if sent else dossier.due_at) or letter.old_due_at or dossier.original_due_at
    return {
        # The letter comes from the agency at fault, whose head signs it.
        "agency": _agency(letter.agency),
        "place": place_of(letter.agency),
        "receiving_agency": dossier.receiving_agency.name,
        "original_due_at": replaced,
        "new_due_at": letter.new_due_at,
        "reason": letter.reason,
        "signer": _signer(letter.approved_by, letter.agency),
        "issued_at": letter.sent_at or timezone.now(),
    }


def _stop(dossier: "Dossier") -> dict[str, Any]:
    from chinhquyen.directory.models import Agency

    event = _last_event(dossier, "stop")
    # The notice comes from the agency in whose name its leader stopped the dossier (recorded by the stop);
    # for stops recorded before that, the lead agency.
    named = (event.data or {}).get("agency") if event else None
    agency = (Agency.objects.filter(pk=named).first() if isinstance(named, int) else None) or (
        _lead_agency(dossier) or dossier.receiving_agency
    )
    return {
        "agency": _agency(agency),
        "place": place_of(agency),
        "reason": event.reason if event else "",
        "stopped_at": timezone.localdate(event.at) if event else timezone.localdate(),
        "signer": _signer(event.actor if event else None, agency),
        "issued_at": event.at if event else timezone.now(),
    }


def _signer(user: "User | None", agency: "Agency") -> dict[str, str]:
    """Name and job title (e.g. "Chủ tịch"); without a title the form prints "Thủ trưởng cơ quan"."""
    from chinhquyen.directory.models import StaffRole

    title = ""
    if user is not None:
        titles = StaffRole.objects.filter(user=user, agency=agency).exclude(title="").values_list("title", flat=True)
        title = titles.first() or ""
    return {"name": person_name(user), "title": title}


def _control(dossier: "Dossier") -> dict[str, Any]:
    from chinhquyen.directory.models import Role, User

    steps = list(dossier.steps.select_related("agency", "assignee").order_by("order", "pk"))
    by_pk = {s.pk: s for s in steps}
    lead = _lead_agency(dossier)
    events = list(dossier.events.filter(action__in=_CONTROL_ACTIONS).select_related("actor").order_by("at", "pk"))
    undone = _returns_undone(events)
    named = {v for e in events for k in ("to_user", "from_user") if isinstance(v := (e.data or {}).get(k), int)}
    users = User.objects.in_bulk(named) if named else {}
    holders = _Holders(users)
    applicant = (dossier.applicant_snapshot or {}).get("name") or dossier.applicant.name
    office = dossier.receiving_agency.name
    # The step returning the result, to which a result the post undid comes back.
    desk = steps[-1] if steps and steps[-1].role == Role.FRONT_DESK else None
    # The last event after which a step's due date may differ from what it was then (a release is judged by it).
    moved = max((e.pk for e in events if e.action in _DUE_MOVING), default=0)
    current: DossierStep | None = None  # the step the file is at, as the events tell
    paused_at: datetime | None = None  # when the clock stopped, while the file waits on the applicant
    handoffs: list[dict[str, Any]] = []
    for event in events:
        data = event.data or {}
        source: DossierStep | None
        target: DossierStep | None
        if event.action in _HOLDING_ACTIONS:
            holders.took(event)
            current = _step(by_pk, data.get("step")) or current
            continue
        if event.action in (*_PAUSES, *_RESUMES):
            pause = _pause_row(event, current, applicant=applicant, fallback=office, holders=holders)
            if pause is not None:
                handoffs.append(pause)
                paused_at = event.at if event.action in _PAUSES else None
            continue
        if event.action == "release":
            current = _step(by_pk, data.get("step")) or current
            # Released while the clock stood still: the step's time ran out, or not, when it stopped.
            judged_at = (paused_at or event.at) if event.pk > moved else None
            handoffs.append(_release_row(event, current, fallback=office, holders=holders, judged_at=judged_at))
            continue
        if event.action in _POSTAL_UNDOING:
            if event.pk in undone.values():
                # The result comes back to the front desk, which hands it over anew (the next return).
                receiver = event.actor or holders.holding(desk)
                handoffs.append(
                    {
                        "from_unit": POSTAL_PARTNER,
                        "from_person": "",
                        **_unit("to", desk, fallback=office),
                        "to_person": person_name(receiver),
                        "at": event.at,
                        "outcome": "",
                        "note": _POSTAL_UNDONE_NOTES[event.action],
                    }
                )
            current = desk or current
            continue
        if event.action in _DATES_ONLY:
            continue  # read only to know when a release can still be judged
        if event.action == "receive":
            # The reception step, when the process has one, is the giver; otherwise the counter itself.
            source = steps[0] if len(steps) > 1 and steps[0].role == Role.FRONT_DESK else None
            target = steps[1] if source is not None else (steps[0] if steps else None)
        elif event.action == "return":
            # The last hand-off: from the step returning the result to the applicant, by the method chosen.
            source = steps[-1] if steps and steps[-1].role == Role.FRONT_DESK else None
            current = source or current
            # An applicant downloading the result online took it: no officer of the step handed it over.
            by_applicant = event.actor_id is not None and event.actor_id == dossier.applicant.user_id
            if not by_applicant:
                holders.left(event, source)
            # Handed to the postal partner, then the order cancelled or the parcel brought back: the applicant
            # never received it; the post did, and gave it back (the next row); the hand-over comes later.
            by_post_undone = event.pk in undone
            handoffs.append(
                {
                    **_unit("from", source, fallback=office),
                    "from_person": "" if by_applicant else person_name(event.actor),
                    "to_unit": POSTAL_PARTNER if by_post_undone else RETURN_RECEIVER,
                    "to_person": "" if by_post_undone else applicant,
                    "at": event.at,
                    "outcome": data.get("outcome", ""),
                    "note": _return_method_label(data.get("method", "")),
                }
            )
            continue
        elif event.action in ("approve", "issue_result"):
            # The leader hands the approved file on to the next step (the one returning the result); issuing
            # the result from the leader's step does the same (its event names the step; otherwise no row).
            source = _step(by_pk, data.get("step"))
            later = [s for s in steps if source is not None and s.order > source.order]
            target = later[0] if later else None
        elif event.action == "consult_agency":
            target = _step(by_pk, data.get("step"))
            # The asking step is named by the event; older events did not, and the step before stood for it.
            earlier = [s for s in steps if target is not None and s.order < target.order]
            source = _step(by_pk, data.get("from_step")) or (earlier[-1] if earlier else None)
        else:
            source, target = _step(by_pk, data.get("from_step")), _step(by_pk, data.get("to_step"))
        # Whoever acted handed the file over, claimed or not; a consultation taken back was handed back by
        # nobody there (the officer who took it back is of the receiving side), or by whoever held it then.
        holder = holders.holding(source)
        holders.left(event, source)
        if target is None:
            continue
        current = target
        giver = person_name(holder) if event.action == "consult_recall" else person_name(event.actor or holder)
        row = {
            **_unit("from", source, fallback=office),
            "from_person": giver,
            "to_unit": _unit("to", target, fallback="")["to_unit"],
            "to_person": "",
            "at": event.at,
            "outcome": data.get("outcome") or (source.outcome if source is not None else ""),
            "note": event.reason if event.action != "receive" else "",
        }
        holders.entered(event, source, target, row)
        handoffs.append(row)
    holders.settle(by_pk)
    others = []
    for s in steps:
        if s.agency_id not in (dossier.receiving_agency_id, lead.pk if lead else None) and s.agency.name not in others:
            others.append(s.agency.name)
    received = next((e.data for e in reversed(events) if e.action == "receive"), None)
    return {
        "procedure": _procedure_as_received(dossier, received),
        "lead_agency": lead.name if lead else office,
        "coordinating_agencies": others,
        "handoffs": handoffs,
    }


def _pause_row(
    event: "DossierEvent", step: "DossierStep | None", *, applicant: str, fallback: str, holders: "_Holders"
) -> dict[str, Any] | None:
    """The row of a pause (the file waits on the applicant: a payment, documents) or of its end; no outcome.

    A supplement asked for before reception is not one: the slip starts at reception.
    """
    from ..models import DossierStatus

    processing = (DossierStatus.RECEIVED, DossierStatus.PROCESSING)
    status = event.to_status if event.action in _RESUMES else event.from_status
    if event.action in _SUPPLEMENT_ACTIONS and status not in processing:
        return None
    note = _with_reason(_PAUSE_NOTES[event.action], event.reason)
    if event.action in _PAUSES:
        # The officer of the step asked the applicant: the file waits on the applicant.
        holders.left(event, step)
        return {
            **_unit("from", step, fallback=fallback),
            "from_person": person_name(event.actor),
            "to_unit": RETURN_RECEIVER,
            "to_person": applicant,
            "at": event.at,
            "outcome": "",
            "note": note,
        }
    row = {
        "from_unit": RETURN_RECEIVER,
        "from_person": applicant,
        **_unit("to", step, fallback=fallback),
        "to_person": "",
        "at": event.at,
        "outcome": "",
        "note": note,
    }
    holders.resumed(step, row)
    return row


def _release_row(
    event: "DossierEvent",
    step: "DossierStep | None",
    *,
    fallback: str,
    holders: "_Holders",
    judged_at: datetime | None,
) -> dict[str, Any]:
    """The row of a step given back to its unit by an officer who left it: received by whoever takes it next.

    Judged at ``judged_at`` (the release, or the start of the pause it happened in) against the step's due date;
    None when a later event may have moved that date (a pause ended, a send-back, an apology letter sent, the
    calendar or the agency changed): then, unless the event recorded it, no outcome.
    """
    from ..deadlines import outcome_of

    data = event.data or {}
    officer = holders.users.get(pk) if isinstance(pk := data.get("from_user"), int) else None
    outcome = data.get("outcome") or ""
    if not outcome and judged_at is not None and step is not None and step.due_at is not None:
        outcome = str(outcome_of(finished_at=judged_at, due_at=step.due_at))
    unit = _unit("from", step, fallback=fallback)["from_unit"]
    row = {
        "from_unit": unit,
        "from_person": person_name(officer),
        "to_unit": unit,
        "to_person": "",
        "at": event.at,
        "outcome": outcome,
        "note": RELEASED_NOTE,
    }
    holders.released(step, officer, row)
    return row


def _with_reason(note: str, reason: str) -> str:
    return f"{note}: {reason}" if reason else note


class _Holders:
    """Who held each step as the events tell it, for the receiving person of each hand-off of form 06.

    The person who received a hand-off is who held the step it went to right after it, as it was then, not
    the step's assignee now (a later reassignment does not change who received an earlier hand-off):

    1. the officer the hand-off named (``to_user`` in the event's data, when it records one);
    2. for the latest hand-off into a step, when nobody claimed or was assigned the step since, the step's
       assignee (given by the hand-off, or the officer who handed it on, recorded as having done it);
    3. whoever held the step when the file last left it (a dossier sent back returns to the officer of the
       earlier step), or for the answer of a consultation, the officer of the step that asked;
    4. the first officer to claim the step, be assigned it or hand it on after the hand-off;
    5. else nobody (the step ended before anyone took it, e.g. a consultation taken back).
    """

    def __init__(self, users: dict[int, "User"]) -> None:
        self.users = users
        self.held: dict[int, User | None] = {}  # step -> its holder as far as the events tell
        self.waiting: dict[int, list[dict[str, Any]]] = {}  # step -> rows whose receiver is its next holder
        self.latest: dict[int, tuple[dict[str, Any], bool]] = {}  # step -> (its latest hand-off's row, named)
        self.taken_since: set[int] = set()  # steps claimed or reassigned since their latest hand-off
        self.asked_by: dict[int, User | None] = {}  # consultation step -> who its answer goes back to

    def holding(self, step: "DossierStep | None") -> "User | None":
        return self.held.get(step.pk) if step is not None else None

    def took(self, event: "DossierEvent") -> None:
        """A claim or a reassignment: the step's holder from now on."""
        data = event.data or {}
        step = data.get("step")
        if not isinstance(step, int):
            return
        person = event.actor if event.action == "claim" else self._named(data)
        self.held[step] = person
        self.taken_since.add(step)
        self._receive(step, person)

    def left(self, event: "DossierEvent", step: "DossierStep | None") -> None:
        """The file leaves ``step``: whoever handed it on had it, when nobody had taken it before."""
        if step is None:
            return
        if event.action == "consult_recall":
            # Taken back by the asking side: nobody at the consulted agency received it unless one took it.
            self.waiting.pop(step.pk, None)
            return
        self._receive(step.pk, event.actor)
        if self.held.get(step.pk) is None and event.action != "send_back":
            self.held[step.pk] = event.actor  # a step finished unclaimed is recorded as its finisher's

    def entered(
        self, event: "DossierEvent", source: "DossierStep | None", target: "DossierStep", row: dict[str, Any]
    ) -> None:
        """The file reaches ``target`` by the hand-off of ``row``."""
        named = self._named(event.data or {})
        if named is not None:
            self.held[target.pk] = named
        elif source is not None and source.pk in self.asked_by and self.held.get(target.pk) is None:
            self.held[target.pk] = self.asked_by[source.pk]
        if event.action == "consult_agency":
            self.asked_by[target.pk] = self.holding(source) or event.actor
        self.latest[target.pk] = (row, named is not None)
        self.taken_since.discard(target.pk)
        person = self.held.get(target.pk)
        if person is not None:
            row["to_person"] = person_name(person)
        else:
            self.waiting.setdefault(target.pk, []).append(row)

    def settle(self, by_pk: dict[int, "DossierStep"]) -> None:
        """Rule 2, for each step's latest hand-off."""
        for pk, (row, named) in self.latest.items():
            step = by_pk.get(pk)
            if not named and pk not in self.taken_since and step is not None and step.assignee is not None:
                row["to_person"] = person_name(step.assignee)

    def resumed(self, step: "DossierStep | None", row: dict[str, Any]) -> None:
        """The file is back at ``step`` after a pause: received by whoever holds the step, else its next holder."""
        if step is None:
            return
        person = self.held.get(step.pk)
        if person is not None:
            row["to_person"] = person_name(person)
        else:
            self.waiting.setdefault(step.pk, []).append(row)

    def released(self, step: "DossierStep | None", officer: "User | None", row: dict[str, Any]) -> None:
        """``officer`` gave ``step`` back to its unit: what waited for its holder was theirs; ``row`` waits for
        whoever takes the step next (rule 2 no longer applies: the step's assignee now is not who had it)."""
        if step is None:
            return
        self._receive(step.pk, officer)
        self.held[step.pk] = None
        self.taken_since.add(step.pk)
        self.waiting.setdefault(step.pk, []).append(row)

    def _named(self, data: dict[str, Any]) -> "User | None":
        pk = data.get("to_user")
        return self.users.get(pk) if isinstance(pk, int) else None

    def _receive(self, step: int, person: "User | None") -> None:
        for row in self.waiting.pop(step, []):
            row["to_person"] = person_name(person)


_HANDOFF_ACTIONS = (
    "receive",
    "forward",
    "send_back",
    "consult_agency",
    "consult_recall",
    "approve",
    "issue_result",
    "return",
)
# What changes who holds a step between hand-offs (form 06 names who received each hand-off).
_HOLDING_ACTIONS = ("claim", "reassign")
# The postal partner's updates that undo a return by post: the result is back at the front desk.
_POSTAL_UNDOING = ("postal_cancelled", "postal_returned_to_sender")
# The file waits on the applicant (the clock stopped), then goes on: rows without an outcome.
_PAUSES = ("request_payment", "request_supplement", "supplement_reject")
_RESUMES = ("payment_confirmed", "supplement_provided")
_SUPPLEMENT_ACTIONS = ("request_supplement", "supplement_reject", "supplement_provided")
# Events after which a step's due date may not be what it was at an earlier release (no row of their own).
_DATES_ONLY = ("calendar_retime", "agency_handover", "letter_send")
_DUE_MOVING = ("payment_confirmed", "supplement_provided", "send_back", *_DATES_ONLY)
_CONTROL_ACTIONS = tuple(
    dict.fromkeys(
        (*_HANDOFF_ACTIONS, *_HOLDING_ACTIONS, *_POSTAL_UNDOING, *_PAUSES, *_RESUMES, *_DUE_MOVING, "release")
    )
)
# The notes of form 06 (a Vietnamese legal form, as the template's wording; the reason given follows).
_PAUSE_NOTES = {
    "request_payment": "Tạm dừng chờ thanh toán",
    "payment_confirmed": "Đã thanh toán, tiếp tục giải quyết",
    "request_supplement": "Tạm dừng chờ bổ sung hồ sơ",
    "supplement_reject": "Tạm dừng chờ bổ sung hồ sơ",
    "supplement_provided": "Đã bổ sung hồ sơ, tiếp tục giải quyết",
}
RELEASED_NOTE = "Cán bộ xử lý không còn đảm nhận, trả lại đơn vị để cán bộ khác nhận xử lý"
_POSTAL_UNDONE_NOTES = {
    "postal_cancelled": "Trả lại bộ phận một cửa: đơn hàng bưu chính bị hủy",
    "postal_returned_to_sender": "Trả lại bộ phận một cửa: bưu chính chuyển hoàn, không phát được",
}
# The receiving side of the last row of form 06: the result goes back to whoever lodged the dossier.
RETURN_RECEIVER = "Tổ chức, cá nhân nộp hồ sơ"
# Who a result sent by post is handed to (Decision 45/2016: the public postal service provider).
POSTAL_PARTNER = "Doanh nghiệp cung ứng dịch vụ bưu chính công ích"


def _returns_undone(events: list["DossierEvent"]) -> dict[int, int]:
    """The ``return`` events that a later postal cancellation or bring-back undid: {return pk: update pk}.

    Each such update undoes the latest return written before it (in the order written, whatever the partner's
    dates say); a return by post confirmed, or not yet tracked, stands.
    """
    undone: dict[int, int] = {}
    latest: int | None = None
    for event in sorted(events, key=lambda e: e.pk):
        if event.action == "return":
            latest = event.pk
        elif event.action in _POSTAL_UNDOING and latest is not None:
            undone[latest] = event.pk
            latest = None
    return undone


def _return_method_label(method: str) -> str:
    from ..models import ReturnMethod

    return str(ReturnMethod(method).label) if method and method in ReturnMethod.values else ""


def _step(by_pk: dict[int, "DossierStep"], pk: object) -> "DossierStep | None":
    return by_pk.get(pk) if isinstance(pk, int) else None


def _unit(side: str, step: "DossierStep | None", *, fallback: str) -> dict[str, str]:
    if step is None:
        return {f"{side}_unit": fallback, f"{side}_person": ""}
    return {f"{side}_unit": f"{step.name} - {step.agency.name}", f"{side}_person": person_name(step.assignee)}


def _lead_agency(dossier: "Dossier") -> "Agency | None":
    from chinhquyen.directory.models import Role

    # The lead (chủ trì) agency is the one whose leader signs the result: the last processing step's.
    # Filtered in Python so that a prefetched ``steps__agency`` (the register) costs no query.
    steps = sorted((s for s in dossier.steps.all() if s.role != Role.FRONT_DESK), key=lambda s: (s.order, s.pk))
    return steps[-1].agency if steps else None


def _time_limit(dossier: "Dossier") -> str:
    # The limit reception applied (the channel's own, when the catalog publishes one); dossiers received
    # before it was recorded print the procedure's.
    from chinhquyen.catalog.selectors import TimeLimit

    if dossier.time_limit_text:
        return dossier.time_limit_text
    return TimeLimit.of(dossier.procedure).label()
