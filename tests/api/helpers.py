"""API test data: an agency with its officers, a procedure, callers of each kind, and HTTP helpers."""

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.catalog.services import process_template_set
from chinhquyen.directory.models import Agency, AgencyKind, Applicant, User
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.integrations.models import System
from chinhquyen.integrations.services import api_key_issue, officer_token_issue, system_create
from tests.catalog.factories import ProcedureFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory, CitizenFactory, UserFactory

ALL_SCOPES = ("catalog:read", "dossiers:read", "dossiers:submit", "dossiers:act", "webhooks:manage")


@dataclass
class Place:
    """One agency that receives and processes its dossiers, its officers and one procedure."""

    agency: Agency
    front_desk: User
    specialist: User
    leader: User
    procedure: Any
    documents: list[Any]


def place_make(prefix: str = "a") -> Place:
    agency = AgencyFactory(kind=AgencyKind.SERVICE_CENTRE)
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = UserFactory(username=f"{prefix}.{role}", is_staff=True)
        staff_role_grant(user=user, agency=agency, role=role)
        users[role] = user
    procedure = ProcedureFactory(name=f"Đăng ký khai sinh {prefix}", agencies=[agency], online_level="full")
    documents = [
        RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh"),
        RequiredDocumentFactory(procedure=procedure, name="Giấy chứng sinh", mandatory=False),
    ]
    process_template_set(
        procedure=procedure,
        steps=[
            {"name": "Thụ lý", "role": "specialist", "share_hours": Decimal(32), "agency": None},
            {"name": "Phê duyệt", "role": "leader", "share_hours": Decimal(8), "agency": None},
        ],
    )
    return Place(agency, users["front_desk"], users["specialist"], users["leader"], procedure, documents)


def admin_user() -> User:
    return UserFactory(username="province.admin", is_staff=True, is_superuser=True)


def system_make(
    *, code: str = "motcua", scopes: tuple[str, ...] = ALL_SCOPES, roles: tuple[tuple[Agency, str], ...] = ()
) -> tuple[System, str]:
    """A system with one key of ``scopes``; its account holds ``roles``. Returns the system and the secret."""
    admin = User.objects.filter(username="province.admin").first() or admin_user()
    system = system_create(by=admin, code=code, name=f"Hệ thống {code}")
    for agency, role in roles:
        staff_role_grant(user=system.account, agency=agency, role=role)
    issued = api_key_issue(by=admin, system=system, name="test", scopes=scopes)
    return system, issued.secret


def token_for(user: User) -> str:
    """An officer token of ``user``, who gets a confirmed TOTP device first if they have none (tokens need one)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return officer_token_issue(by=user, user=user, name="test").secret


def citizen_with_account(username: str = "citizen") -> Applicant:
    return CitizenFactory(user=UserFactory(username=username))


def api_client(secret: str | None = None) -> Client:
    """A client whose every request carries the secret as a Bearer token and asks for English."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers={**headers, "Accept-Language": "en"})


def session_client(user: User) -> Client:
    """A signed-in applicant's browser session, with CSRF checks on."""
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    """Set a CSRF cookie on ``client`` as the portal's pages do, and return the token to send back."""
    from django.middleware.csrf import _get_new_csrf_string  # the secret Django puts in the cookie

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    return secret


def post_json(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_file(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")
