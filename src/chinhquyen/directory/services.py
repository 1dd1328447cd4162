"""Writes for the directory: agencies, staff roles, applicants, CSV import of agencies."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from chinhquyen.core.phones import PHONE_INVALID, phone_normalise, phone_valid

from .models import Agency, Applicant, ApplicantKind, Role, StaffRole, User
from .selectors import identifier_normal

AGENCY_CSV_COLUMNS = ("code", "name", "name_en", "kind", "parent_code", "division_code", "address", "phone", "email")


def division_check_code(*, code: str) -> None:
    """Refuse a code that is not a current (2025) province (2 digits) or commune (5 digits)."""
    try:
        if len(code) == 2 and code.isdigit():
            Province.from_code(ProvinceCode(int(code)))
            return
        if len(code) == 5 and code.isdigit():
            Ward.from_code(WardCode(int(code)))
            return
    except ValueError:
        pass
    raise ValidationError(
        {"division_code": _("%(code)s is not a province or commune code of the 2025 divisions.") % {"code": code}}
    )


def agency_check_parent(*, agency: Agency, parent: Agency) -> None:
    """Refuse a parent that would put ``agency`` under itself (a cycle in the tree)."""
    node: Agency | None = parent
    while node is not None:
        if agency.pk is not None and node.pk == agency.pk:
            raise ValidationError({"parent": _("An agency cannot be placed under itself or its own sub-agency.")})
        node = node.parent


@transaction.atomic
def agency_save(*, agency: Agency) -> Agency:
    """Validate and save an agency."""
    agency.full_clean()
    agency.save()
    return agency


@dataclass
class AgencyImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def agencies_import_csv(*, data: str) -> AgencyImportResult:
    """Create or update agencies from CSV; refuse the whole file if any row is bad.

    Rows may name a parent defined later in the file: parents are linked after every row is read.
    """
    result = AgencyImportResult()
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    missing = [c for c in ("code", "name", "kind") if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(_("The file lacks the column(s): %(cols)s.") % {"cols": ", ".join(missing)})
        return result
    rows = list(reader)
    try:
        with transaction.atomic():
            _import_rows(rows, result)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = 0
    return result


class _Rollback(Exception):
    pass


def _import_rows(rows: list[dict[str, str]], result: AgencyImportResult) -> None:
    saved: list[tuple[int, Agency, str]] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        values = {k: (row.get(k) or "").strip() for k in AGENCY_CSV_COLUMNS}
        if values["code"] in seen:
            result.errors.append(
                _("Line %(line)d: code %(code)s appears twice.") % {"line": line, "code": values["code"]}
            )
            continue
        seen.add(values["code"])
        agency = Agency.objects.filter(code=values["code"]).first() or Agency(code=values["code"])
        is_new = agency.pk is None
        for name in ("name", "name_en", "kind", "division_code", "address", "phone", "email"):
            setattr(agency, name, values[name])
        try:
            agency.full_clean(exclude=["parent"])
        except ValidationError as exc:
            result.errors.append(_line_error(line, exc))
            continue
        agency.save()
        saved.append((line, agency, values["parent_code"]))
        if is_new:
            result.created += 1
        else:
            result.updated += 1
    for line, agency, parent_code in saved:
        if not parent_code:
            continue
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None:
            result.errors.append(
                _("Line %(line)d: parent agency %(code)s does not exist.") % {"line": line, "code": parent_code}
            )
            continue
        try:
            agency_check_parent(agency=agency, parent=parent)
        except ValidationError as exc:
            result.errors.append(_line_error(line, exc))
            continue
        agency.parent = parent
        agency.save(update_fields=["parent"])


def _line_error(line: int, exc: ValidationError) -> str:
    parts = [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in exc.message_dict.items()]
    return _("Line %(line)d: %(reason)s") % {"line": line, "reason": "; ".join(parts)}


@transaction.atomic
def staff_role_grant(*, user: User, agency: Agency, role: Role | str, title: str = "") -> StaffRole:
    """Give ``user`` a role in ``agency`` (idempotent)."""
    staff_role, _created = StaffRole.objects.get_or_create(
        user=user, agency=agency, role=role, defaults={"title": title}
    )
    official_mark(user=user)
    return staff_role


def official_mark(*, user: User) -> None:
    """Mark the holder of a role as an official (``is_staff``), however the role was given (here or in the admin).

    An official signs in with password and second factor only: the portal's sessions of the account end
    (``identity.backends`` refuses staff), so a citizen's account given a role cannot stay signed in as a citizen.
    """
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def citizen_create(
    *, name: str, personal_id: str, birth_date: date | None = None, user: User | None = None, **contact: str
) -> Applicant:
    """Register a citizen applicant after checking the personal identification number and the phone."""
    applicant = Applicant(
        kind=ApplicantKind.CITIZEN,
        name=name,
        personal_id=identifier_normal(personal_id),
        birth_date=birth_date,
        user=user,
        **_contact_clean(contact),
    )
    return _applicant_save(applicant, "personal_id")


def organisation_create(*, name: str, tax_code: str, user: User | None = None, **contact: str) -> Applicant:
    """Register an organisation applicant after checking its tax code and the phone."""
    applicant = Applicant(
        kind=ApplicantKind.ORGANISATION,
        name=name,
        tax_code=identifier_normal(tax_code),
        user=user,
        **_contact_clean(contact),
    )
    return _applicant_save(applicant, "tax_code")


def _contact_clean(contact: dict[str, str]) -> dict[str, str]:
    """The contact details with the phone in the national format (``0912345678``); a wrong number is refused."""
    phone = (contact.get("phone") or "").strip()
    if phone and not phone_valid(phone):
        raise ValidationError({"phone": ValidationError(PHONE_INVALID, code="phone_invalid")})
    return {**contact, "phone": phone_normalise(phone)} if "phone" in contact else contact


def _applicant_save(applicant: Applicant, identifier: str) -> Applicant:
    """Check and save ``applicant``; the same ``identifier`` saved at the same moment is refused as a duplicate."""
    applicant.full_clean()
    try:
        with transaction.atomic():
            applicant.save()
    except IntegrityError as exc:
        # Another request saved the same number between the check and the save (a double click): as if checked.
        if not Applicant.objects.filter(**{identifier: getattr(applicant, identifier)}).exists():
            raise
        constraint = next(c for c in Applicant._meta.constraints if getattr(c, "fields", ()) == (identifier,))
        message = constraint.get_violation_error_message()
        raise ValidationError({identifier: ValidationError(message, code="unique")}) from exc
    return applicant
