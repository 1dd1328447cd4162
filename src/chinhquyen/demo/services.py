"""Build the demo province: agencies, staff, applicants, the catalog and process templates."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import typst
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chinhquyen.catalog import services as catalog_services
from chinhquyen.catalog.models import Procedure, ProcessTemplate
from chinhquyen.core.text import fold
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import Agency, Applicant, User
from chinhquyen.identity.models import VerifiedIdentity
from chinhquyen.identity.simulator.identities import subject_of

from . import province
from .dossiers import COMMUNE as SAMPLE_COMMUNE
from .dossiers import demo_dossiers_count, demo_dossiers_ensure
from .eforms import eform_for
from .feedback import demo_feedback_ensure
from .otp import demo_devices_ensure

TEMPLATE_TARGET = 30


@dataclass
class DemoReport:
    agencies: int = 0
    staff: int = 0
    procedures: int = 0
    assigned: int = 0
    templates: int = 0
    dossiers: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, roles, agency


def demo_is_built() -> bool:
    """True when an earlier run finished (its last step writes the process templates)."""
    return Agency.objects.filter(code=province.ROOT).exists() and ProcessTemplate.objects.count() >= TEMPLATE_TARGET


def demo_logins() -> list[tuple[str, str, str]]:
    """The accounts to print: the province's staff, the sample commune's (its office holds the sample
    dossiers), the applicants; each with its roles and agency."""
    agencies = {a.code: a.name for a in province.AGENCIES}
    sample = {f"{prefix}.{SAMPLE_COMMUNE}" for prefix in ("motcua", "chuyenvien", "lanhdao")}
    staff = province.STAFF[:12] + [row for row in province.STAFF if row[0] in sample]
    logins = [(username, ", ".join(roles), agencies[code]) for username, _given, _family, code, roles in staff]
    logins += [(c[0], "citizen", "") for c in province.CITIZENS]
    return logins + [(o[0], "organisation", "") for o in province.ORGANISATIONS]


@transaction.atomic
def demo_province_build(*, password: str, force: bool = False) -> DemoReport:
    """Create (or bring up to date) the demo province; safe to run again.

    A province that is already built is left as it is (a second ``make run`` starts in seconds)
    unless ``force`` is given.
    """
    report = DemoReport()
    report.logins = demo_logins()
    if not force and demo_is_built():
        # The password printed must be the one that works, also after DEMO_PASSWORD changed.
        if not _password_current(password):
            _passwords_reset(make_password(password))
            demo_devices_ensure(usernames=[row[0] for row in province.STAFF], password=password)
        report.agencies = Agency.objects.count()
        report.staff = len(province.STAFF)
        report.procedures = Procedure.objects.count()
        report.assigned = Procedure.objects.filter(agencies__isnull=False).distinct().count()
        report.templates = ProcessTemplate.objects.count()
        report.dossiers = demo_dossiers_count()
        return report
    agencies = _agencies()
    report.agencies = len(agencies)
    # Hash the shared demo password once: a PBKDF2 hash takes ~0.3 s, and there are dozens of accounts.
    password_hash = make_password(password)
    report.staff = _staff(agencies, password_hash)
    _applicants(password_hash)
    if force:
        # Accounts kept from an earlier run keep their hash (get_or_create): give them the password printed
        # (their authenticators get the key derived from it below).
        _passwords_reset(password_hash)
    catalog_services.catalog_load_demo()
    report.procedures = Procedure.objects.count()
    report.assigned = _assign_procedures(agencies)
    report.templates = _templates(agencies)
    demo_devices_ensure(usernames=[row[0] for row in province.STAFF], password=password)
    report.dossiers = demo_dossiers_ensure()
    demo_feedback_ensure()
    return report


def _demo_usernames() -> list[str]:
    accounts = province.STAFF, province.CITIZENS, province.ORGANISATIONS
    return [row[0] for rows in accounts for row in rows]


def _password_current(password: str) -> bool:
    """Whether the demo's accounts still have ``password`` (checked on the first official's: one hash)."""
    first = User.objects.filter(username=province.STAFF[0][0]).first()
    return first is None or first.check_password(password)


def _passwords_reset(password_hash: str) -> None:
    """Give every demo account the password hashed as ``password_hash``."""
    User.objects.filter(username__in=_demo_usernames()).update(password=password_hash)


def _agencies() -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    for spec in province.AGENCIES:
        agency = Agency.objects.filter(code=spec.code).first() or Agency(code=spec.code)
        agency.name, agency.name_en, agency.kind = spec.name, spec.name_en, spec.kind
        agency.division_code = spec.division
        agency.address, agency.address_division_code, agency.phone = spec.address, spec.address_division, spec.phone
        agency.parent = by_code[spec.parent] if spec.parent else None
        agency.email = f"{spec.slug}@ninhbinh.gov.vn"
        by_code[spec.code] = directory_services.agency_save(agency=agency)
    return by_code


def _user(username: str, first: str, last: str, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.vn", "password": password_hash},
    )
    return user


def _staff(agencies: dict[str, Agency], password_hash: str) -> int:
    for username, first, last, agency_code, roles in province.STAFF:
        user = _user(username, first, last, password_hash)
        for role in roles:
            directory_services.staff_role_grant(user=user, agency=agencies[agency_code], role=role)
        if "province_admin" in roles and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return len(province.STAFF)


def _applicants(password_hash: str) -> None:
    for username, name, personal_id, birth in province.CITIZENS:
        user = _user(username, name.split()[-1], " ".join(name.split()[:-1]), password_hash)
        if not Applicant.objects.filter(personal_id=personal_id).exists():
            directory_services.citizen_create(
                name=name, personal_id=personal_id, birth_date=date.fromisoformat(birth), user=user, phone="0912345678"
            )
        _verified(user, subject_of(personal_id))
    for username, name, tax_code in province.ORGANISATIONS:
        user = _user(username, "Đại diện", name, password_hash)
        if not Applicant.objects.filter(tax_code=tax_code).exists():
            directory_services.organisation_create(
                name=name, tax_code=tax_code, user=user, representative="Lê Minh Khoa"
            )
        _verified(user, f"demo-organisation-{tax_code}")


def _verified(user: User, subject: str) -> None:
    """The demo's applicants stand for people the national identity has verified: their accounts hold the
    dossiers of their records, those lodged at the counter too (``dossiers.ownership``)."""
    now = timezone.now()
    VerifiedIdentity.objects.get_or_create(
        user=user,
        defaults={
            "issuer": settings.OIDC_OP_ISSUER or "demo",
            "subject": subject,
            "first_verified_at": now,
            "last_verified_at": now,
        },
    )


def _agencies_for(procedure: Procedure) -> set[str]:
    names = procedure.implementing_agencies_list() or [procedure.competent_authority or ""]
    codes: set[str] = set()
    for name in names:
        folded = fold(name)
        for keywords, targets in province.AGENCY_RULES:
            if any(k in folded for k in keywords):
                codes.update(targets)
                break
    if not codes:
        if procedure.level_commune:
            codes.update(province.COMMUNE_CODES)
        if procedure.level_province:
            codes.add(province.ROOT)
    return codes


def _assign_procedures(agencies: dict[str, Agency]) -> int:
    assignments = {p.pk: [agencies[c].pk for c in _agencies_for(p)] for p in Procedure.objects.all()}
    catalog_services.procedures_assign_agencies(assignments=assignments)
    return sum(1 for agency_ids in assignments.values() if agency_ids)


def _shares(hours: Decimal) -> list[Decimal]:
    """Split a limit into reception, processing, approval and return, in half hours."""
    if hours <= 8:
        return [Decimal("0.5"), hours - 2, Decimal(1), Decimal("0.5")]
    approval = (hours * Decimal("0.2") * 2).quantize(Decimal(1)) / 2
    return [Decimal(4), hours - 8 - approval, approval, Decimal(4)]


def _template_steps(procedure: Procedure, agencies: dict[str, Agency]) -> list[dict[str, object]]:
    # Calendar-day limits get the same split over their length counted as working days.
    hours = procedure.time_limit_hours or (procedure.time_limit_value or Decimal(1)) * 8
    own = [a for a in procedure.agencies.all() if a.kind != "commune_committee"]
    desk = None if procedure.level_commune or not own else agencies[province.CENTRE]
    office = None if procedure.level_commune or not own else own[0]
    names = ["Tiếp nhận và chuyển hồ sơ", "Thẩm định, dự thảo kết quả", "Phê duyệt, ký kết quả", "Trả kết quả"]
    roles = ["front_desk", "specialist", "leader", "front_desk"]
    places = [desk, office, office, desk]
    return [
        {"order": i, "name": n, "role": r, "agency": a, "share_hours": s}
        for i, (n, r, a, s) in enumerate(zip(names, roles, places, _shares(hours), strict=True), start=1)
    ]


# The national record marks as mandatory documents needed only in some case, and the demo's procedures
# inherit that (the catalog import never guesses: ADR 0006). For the demo's own data only, a document is
# optional when the clause naming it (its text up to the first ";" or sentence end: what follows gives
# alternatives or exemptions, as in "Giấy chứng sinh; trường hợp không có ...") states a condition, is
# shown or filed only at the counter or by post, is the interactive e-form (the portal's e-form replaces
# it), or is something the national databases hold. Markers are folded (lower-case, no diacritics).
CONDITION_MARKERS = (
    "truong hop",  # "trong trường hợp", "đối với trường hợp", "Trường hợp …"
    "neu ",  # "nếu …", "(nếu có)"
    "(neu co)",
    "doi voi",  # "đối với …"
    " khi ",  # "khi làm thủ tục trực tiếp"
    "ban chinh de doi chieu",  # an original shown at the counter to check a copy
    "hinh thuc truc",  # "theo hình thức trực tiếp / trực tuyến"
    "truc tiep tai",  # "trực tiếp tại cơ quan …"
    "buu chinh",  # filed by post
    "tuong tac",  # "Mẫu (hộ tịch) điện tử tương tác": the portal's e-form
    "co so du lieu",  # held by a national database
    "uy quyen",  # acting on someone else's behalf is itself a case
)
_CLAUSE_END = re.compile(r";|\.(?:\s|$)")


def demo_document_conditional(name: str) -> bool:
    """Whether the demo treats a required document named ``name`` as needed only in some case."""
    clause = _CLAUSE_END.split(fold(name), maxsplit=1)[0]
    return any(marker in f" {clause} " for marker in CONDITION_MARKERS)


def _conditional_documents_optional(procedure: Procedure) -> None:
    for document in procedure.documents.filter(mandatory=True):
        if demo_document_conditional(document.name):
            document.mandatory = False
            document.save(update_fields=["mandatory"])


# Blank forms the demo province publishes, by procedure: (folded start of the document's name, typst source).
FORM_TEMPLATES = {"1.001193": ("to khai dang ky khai sinh", "to-khai-dang-ky-khai-sinh.typ")}
FORMS_DIR = Path(__file__).resolve().parent / "forms"


def _form_templates_attach(procedure: Procedure) -> None:
    if procedure.code not in FORM_TEMPLATES:
        return
    prefix, source = FORM_TEMPLATES[procedure.code]
    for document in procedure.documents.filter(template_file=""):
        if fold(document.name).startswith(prefix):
            pdf = typst.compile(str(FORMS_DIR / source))
            document.template_file.save(source.replace(".typ", ".pdf"), ContentFile(pdf), save=True)


def _templates(agencies: dict[str, Agency]) -> int:
    """Publish the common procedures' limits and online levels, then set their process templates."""
    by_code = {p.code: p for p in Procedure.objects.filter(code__in=[c for c, *_ in province.COMMON_PROCEDURES])}
    count = 0
    for code, limit, online_level in province.COMMON_PROCEDURES:
        procedure = by_code.get(code)
        if procedure is None:
            continue
        if limit is not None and procedure.time_limit_hours is None:
            procedure.time_limit_value, procedure.time_limit_unit = Decimal(limit[0]), limit[1]
            procedure.time_limit_text = f"{limit[0]} Ngày làm việc"
        procedure.online_level = online_level
        procedure.eform_schema = eform_for(code)
        catalog_services.procedure_save(procedure=procedure)
        _conditional_documents_optional(procedure)
        _form_templates_attach(procedure)
        catalog_services.process_template_set(procedure=procedure, steps=_template_steps(procedure, agencies))
        count += 1
    return count
