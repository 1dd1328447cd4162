"""Factories and small builders for dossier tests."""

import functools
import io
from datetime import datetime
from decimal import Decimal

import factory

from chinhquyen.catalog.models import ProcessStep, ProcessTemplate
from chinhquyen.directory.models import Agency, ApplicantKind, StaffRole, User
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_create_at_counter, dossier_receive
from chinhquyen.workcal.engine import TZ
from tests.catalog.factories import ProcedureFactory
from tests.factories import AgencyFactory, CitizenFactory, StaffRoleFactory, UserFactory

__all__ = ["AgencyFactory", "CitizenFactory", "ProcedureFactory", "StaffRoleFactory", "UserFactory"]


@functools.cache
def pdf_bytes() -> bytes:
    """A small valid PDF (uploads must parse as what their first bytes say)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def png_bytes() -> bytes:
    """A valid 1×1 PNG."""
    return _image_bytes("PNG")


@functools.cache
def jpeg_bytes() -> bytes:
    """A valid 1×1 JPEG."""
    return _image_bytes("JPEG")


def _image_bytes(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(out, kind)
    return out.getvalue()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in Vietnam time."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def officer(agency: Agency, *roles: str) -> User:
    """A staff user holding ``roles`` in ``agency``."""
    user = UserFactory(is_staff=True)
    for role in roles:
        StaffRole.objects.create(user=user, agency=agency, role=role)
    return user


class OwnedCitizenFactory(CitizenFactory):
    """A citizen with an account of their own (to act on their dossiers)."""

    kind = ApplicantKind.CITIZEN
    user = factory.SubFactory(UserFactory)


# What the specialist of a dossier just received may do (status 2, the specialist's step active).
SPECIALIST_ACTIONS_ON_RECEIPT = [
    "request_supplement",
    "claim",
    "forward",
    "consult_agency",
    "request_payment",
    "letter_draft",
]


def template_add(procedure, steps: list[tuple[str, str, Agency | None, str]]) -> ProcessTemplate:
    """Give ``procedure`` a process template: (name, role, agency or None, share hours) per step."""
    template = ProcessTemplate.objects.create(procedure=procedure)
    for order, (name, role, agency, hours) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            template=template, order=order, name=name, role=role, agency=agency, share_hours=Decimal(hours)
        )
    return template


class World:
    """One agency with a front desk, a specialist and a leader, a procedure it handles (online too) and a citizen."""

    def __init__(self, *, days: int | None = 5, unit: str = "working_days") -> None:
        self.agency = AgencyFactory()
        self.front_desk = officer(self.agency, "front_desk")
        self.specialist = officer(self.agency, "specialist")
        self.leader = officer(self.agency, "leader")
        self.procedure = ProcedureFactory(
            time_limit_value=None if days is None else Decimal(days),
            time_limit_unit="" if days is None else unit,
            time_limit_text="",
            online_level="full",
        )
        self.procedure.agencies.add(self.agency)  # handled by the agency, at its counter and online
        self.applicant = OwnedCitizenFactory()

    def draft(self, at: datetime | None = None) -> Dossier:
        return dossier_create_at_counter(by=self.front_desk, procedure=self.procedure, applicant=self.applicant, at=at)

    def received(self, at: datetime | None = None) -> Dossier:
        return dossier_receive(by=self.front_desk, dossier=self.draft(at=at), at=at)


def supplement_send(world: World, dossier: Dossier, *, at: datetime | None = None, note: str = "") -> Dossier:
    """The applicant attaches a file and sends the supplement asked for, as on the portal."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyen.dossiers.services import dossier_document_add, dossier_supplement_provided

    upload = SimpleUploadedFile("bo-sung.pdf", pdf_bytes(), content_type="application/pdf")
    dossier_document_add(by=world.applicant.user, dossier=dossier, upload=upload, name="Bản bổ sung", at=at)
    return dossier_supplement_provided(by=world.applicant.user, dossier=dossier, at=at, note=note)


def online_offer(world: World) -> None:
    """Offer the world's procedure online (fully), received by the world's agency."""
    world.procedure.online_level = "full"
    world.procedure.save(update_fields=["online_level"])
    world.procedure.agencies.add(world.agency)


def online_world() -> World:
    """A world whose agency receives its procedure online."""
    world = World()
    online_offer(world)
    return world


def online_start(world: World) -> Dossier:
    """The applicant's online draft of the world's procedure."""
    from chinhquyen.dossiers.services import online_draft_start

    return online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="k"
    )
