"""Build the demo province: agencies, staff, applicants, the catalog and process templates."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from chinhquyen.catalog import services as catalog_services
from chinhquyen.catalog.models import ProcessTemplate, Procedure
from chinhquyen.core.text import fold
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import Agency, Applicant, User

from . import province

# The procedures people ask for most (name keywords, folded), in order: civil status, residence,
# certification, land, construction, business households, judicial records.
COMMON_PROCEDURE_KEYWORDS = [
    "dang ky khai sinh",
    "dang ky ket hon",
    "dang ky khai tu",
    "dang ky nhan cha, me, con",
    "trich luc ho tich",
    "xac nhan tinh trang hon nhan",
    "dang ky giam ho",
    "thay doi, cai chinh, bo sung thong tin ho tich",
    "dang ky thuong tru",
    "dang ky tam tru",
    "xoa dang ky thuong tru",
    "khai bao tam vang",
    "chung thuc ban sao tu ban chinh",
    "chung thuc chu ky",
    "chung thuc hop dong, giao dich",
    "dang ky dat dai, tai san gan lien voi dat lan dau",
    "chuyen muc dich su dung dat",
    "dang ky bien dong",
    "cap doi giay chung nhan",
    "cap lai giay chung nhan",
    "giay phep xay dung",
    "dang ky ho kinh doanh",
    "thay doi noi dung dang ky ho kinh doanh",
    "tam ngung kinh doanh",
    "cham dut hoat dong ho kinh doanh",
    "cap phieu ly lich tu phap",
    "cap ban sao van ban cong chung",
    "cap giay chung nhan quyen su dung dat",
    "dang ky tai san gan lien",
    "thong bao luu tru",
    "cap the can cuoc",
    "xac nhan thong tin ve cu tru",
    "dang ky thanh lap hop tac xa",
    "dang ky doanh nghiep",
]
TEMPLATE_TARGET = 30


@dataclass
class DemoReport:
    agencies: int = 0
    staff: int = 0
    procedures: int = 0
    assigned: int = 0
    templates: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def demo_is_built() -> bool:
    """True when an earlier run finished (its last step writes the process templates)."""
    return (
        Agency.objects.filter(code=province.ROOT).exists()
        and ProcessTemplate.objects.count() >= TEMPLATE_TARGET
    )


@transaction.atomic
def demo_province_build(*, password: str, force: bool = False) -> DemoReport:
    """Create (or bring up to date) the demo province; safe to run again.

    A province that is already built is left as it is (a second ``make run`` starts in seconds)
    unless ``force`` is given.
    """
    report = DemoReport()
    report.logins = [(username, ", ".join(roles)) for username, *_rest, roles in province.STAFF[:12]]
    report.logins += [(c[0], "citizen") for c in province.CITIZENS] + [(o[0], "organisation") for o in province.ORGANISATIONS]
    if not force and demo_is_built():
        report.agencies = Agency.objects.count()
        report.staff = len(province.STAFF)
        report.procedures = Procedure.objects.count()
        report.assigned = Procedure.objects.filter(agencies__isnull=False).distinct().count()
        report.templates = ProcessTemplate.objects.count()
        return report
    agencies = _agencies()
    report.agencies = len(agencies)
    report.staff = _staff(agencies, password)
    _applicants(password)
    catalog_services.catalog_load_demo()
    report.procedures = Procedure.objects.count()
    report.assigned = _assign_procedures(agencies)
    report.templates = _templates(agencies)
    return report


def _agencies() -> dict[str, Agency]:
    by_code: dict[str, Agency] = {}
    for spec in province.AGENCIES:
        agency = Agency.objects.filter(code=spec.code).first() or Agency(code=spec.code)
        agency.name, agency.name_en, agency.kind = spec.name, spec.name_en, spec.kind
        agency.division_code = spec.division
        agency.parent = by_code[spec.parent] if spec.parent else None
        agency.email = f"{spec.slug}@ninhbinh.gov.vn"
        by_code[spec.code] = directory_services.agency_save(agency=agency)
    return by_code


def _user(username: str, first: str, last: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.vn"}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _staff(agencies: dict[str, Agency], password: str) -> int:
    for username, first, last, agency_code, roles in province.STAFF:
        user = _user(username, first, last, password)
        for role in roles:
            directory_services.staff_role_grant(user=user, agency=agencies[agency_code], role=role)
        if "province_admin" in roles and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    return len(province.STAFF)


def _applicants(password: str) -> None:
    for username, name, personal_id, birth in province.CITIZENS:
        user = _user(username, name.split()[-1], " ".join(name.split()[:-1]), password)
        if not Applicant.objects.filter(personal_id=personal_id).exists():
            directory_services.citizen_create(
                name=name, personal_id=personal_id, birth_date=date.fromisoformat(birth), user=user, phone="0912345678"
            )
    for username, name, tax_code in province.ORGANISATIONS:
        user = _user(username, "Đại diện", name, password)
        if not Applicant.objects.filter(tax_code=tax_code).exists():
            directory_services.organisation_create(name=name, tax_code=tax_code, user=user, representative="Lê Minh Khoa")


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
    assigned = 0
    for procedure in Procedure.objects.all():
        codes = _agencies_for(procedure)
        catalog_services.procedure_assign_agencies(procedure=procedure, agencies=[agencies[c] for c in sorted(codes)])
        assigned += bool(codes)
    return assigned


def _shares(hours: Decimal) -> list[Decimal]:
    """Split a limit into reception, processing, approval and return, in half hours."""
    if hours <= 8:
        return [Decimal("0.5"), hours - 2, Decimal(1), Decimal("0.5")]
    approval = (hours * Decimal("0.2") * 2).quantize(Decimal(1)) / 2
    return [Decimal(4), hours - 8 - approval, approval, Decimal(4)]


def _template_steps(procedure: Procedure, agencies: dict[str, Agency]) -> list[dict[str, object]]:
    hours = procedure.time_limit_hours or Decimal(0)
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


def _templates(agencies: dict[str, Agency]) -> int:
    candidates = Procedure.objects.filter(time_limit_hours__gte=3).prefetch_related("agencies")
    chosen: list[Procedure] = []
    for keyword in COMMON_PROCEDURE_KEYWORDS:
        for procedure in candidates.filter(search_text__contains=keyword).order_by("code"):
            if procedure not in chosen and procedure.agencies.exists():
                chosen.append(procedure)
                break
    for procedure in candidates.exclude(pk__in=[p.pk for p in chosen]).order_by("code"):
        if len(chosen) >= TEMPLATE_TARGET:
            break
        chosen.append(procedure)
    for procedure in chosen:
        catalog_services.process_template_set(procedure=procedure, steps=_template_steps(procedure, agencies))
    return len(chosen)
