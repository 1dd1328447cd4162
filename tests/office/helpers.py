"""Office test data: one agency with its front desk, specialist and leader, a procedure with a process."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chinhquyen.catalog.services import process_template_set
from chinhquyen.directory.models import Agency, AgencyKind, User
from chinhquyen.directory.services import staff_role_grant
from tests.catalog.factories import ProcedureFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory, UserFactory
from tests.office.auth_helpers import officer_login


@dataclass
class Office:
    agency: Agency
    front_desk: User
    specialist: User
    leader: User
    procedure: Any
    documents: list[Any]


def office_make(*, prefix: str = "a", kind: str = AgencyKind.SERVICE_CENTRE) -> Office:
    """An agency that receives and processes its own dossiers (specialist 32 h, leader 8 h)."""
    agency = AgencyFactory(kind=kind)
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = UserFactory(username=f"{prefix}.{role}", first_name=role.replace("_", " ").title(), last_name=prefix)
        staff_role_grant(user=user, agency=agency, role=role)
        users[role] = user
    procedure = ProcedureFactory(name=f"Đăng ký khai sinh {prefix}", agencies=[agency], online_level="full")
    documents = [
        RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh"),
        RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh"),
    ]
    process_template_set(
        procedure=procedure,
        steps=[
            {"name": "Thụ lý", "role": "specialist", "share_hours": Decimal(32), "agency": None},
            {"name": "Phê duyệt", "role": "leader", "share_hours": Decimal(8), "agency": None},
        ],
    )
    return Office(agency, users["front_desk"], users["specialist"], users["leader"], procedure, documents)


def login(client: Any, user: User) -> Any:
    """Sign ``user`` in as an official whose session passed TOTP (the real login is tested elsewhere)."""
    officer_login(client, user)
    return client


def pdf_upload(name: str = "scan.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def pdf_bytes() -> bytes:
    """A valid one-page A4 PDF (the result is signed, so it must parse)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def draft(o: Office) -> Any:
    """A dossier opened at the counter (status 0)."""
    from chinhquyen.dossiers import services
    from tests.factories import CitizenFactory

    return services.dossier_create_at_counter(by=o.front_desk, procedure=o.procedure, applicant=CitizenFactory())


def received(o: Office) -> Any:
    """A dossier received at the counter (status 2), its first step (specialist) active."""
    from chinhquyen.dossiers import services

    dossier = draft(o)
    services.dossier_documents_mark_received(
        by=o.front_desk, dossier=dossier, required_document_ids=[d.pk for d in o.documents]
    )
    return services.dossier_receive(by=o.front_desk, dossier=dossier)


def applicant_ref(officer: User, applicant: Any) -> str:
    """The signed reference to ``applicant`` that ``officer``'s reception pages carry."""
    from chinhquyen.office.views.reception import applicant_ref as ref

    return ref(officer=officer, applicant=applicant)


def reception_params(url: str, officer: User) -> dict[str, Any]:
    """The query of a reception page's URL, the applicant's reference read back to their number."""
    from urllib.parse import parse_qsl

    from django.core import signing
    from django.urls import reverse

    from chinhquyen.office.views.reception import APPLICANT_REF_SALT

    path, _, query = url.partition("?")
    assert path == reverse("office:reception")
    params: dict[str, Any] = dict(parse_qsl(query))
    if "applicant" in params:
        params["applicant"] = signing.loads(params["applicant"], salt=f"{APPLICANT_REF_SALT}:{officer.pk}")
    return params
