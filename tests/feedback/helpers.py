"""Builders for the feedback tests: a returned dossier and its owner, petitions at each stage."""

from dataclasses import dataclass
from typing import Any

from chinhquyen.directory.models import User
from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services import dossier_forward, dossier_issue_result, dossier_return
from chinhquyen.feedback import services
from chinhquyen.feedback.models import Petition
from tests.dossiers.factories import World, template_add, vn
from tests.factories import AgencyFactory, UserFactory

STEPS = [("Thẩm định", "specialist", None, "30"), ("Phê duyệt", "leader", None, "10")]
SCORES = {
    "total_time": 2,
    "agency_time": 2,
    "contacts": 1,
    "agencies_contacted": 2,
    "front_desk": 2,
    "publicity": 1,
    "attitude": 2,
    "complaints": 2,
    "online_progress": 0,
}  # 14 points


def world_with_template() -> World:
    world = World()
    template_add(world.procedure, STEPS)
    return world


def returned(world: World, *, at: Any = None) -> Dossier:
    """A dossier of ``world``'s applicant taken to status 10 (result handed over)."""
    dossier = dossier_forward(by=world.specialist, dossier=world.received(at=at))
    dossier = dossier_issue_result(by=world.leader, dossier=dossier)
    return dossier_return(by=world.front_desk, dossier=dossier, method="counter")


@dataclass
class StaffedAgency:
    """An agency with its front desk, specialist and leader (petition handlers)."""

    agency: Any
    front_desk: User
    specialist: User
    leader: User


def agency_with_staff(prefix: str = "p") -> StaffedAgency:
    agency = AgencyFactory()
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = UserFactory(username=f"{prefix}.{role}", is_staff=True)
        staff_role_grant(user=user, agency=agency, role=role)
        users[role] = user
    return StaffedAgency(agency, users["front_desk"], users["specialist"], users["leader"])


def province_admin(username: str = "quantri") -> User:
    user = UserFactory(username=username, is_staff=True)
    staff_role_grant(user=user, agency=AgencyFactory(), role="province_admin")
    return user


def petition(*, about: Any = None, sender_user: Any = None, at: Any = None, **overrides: Any) -> Petition:
    values = {
        "subject": "Thời gian chờ quá lâu",
        "content": "Tôi là Nguyễn Văn An, gọi 0912 345 678 hoặc an@example.vn; CCCD 037090001234.",
        "sender_name": "Nguyễn Văn An",
        "sender_address": "12 Trần Hưng Đạo",
        "sender_phone": "0912345678",
        "sender_email": "an@example.vn",
        **overrides,
    }
    return services.petition_file(about_agency=about, sender_user=sender_user, at=at or vn(2026, 3, 2, 9, 0), **values)


def answered(p: StaffedAgency, **kwargs: Any) -> Petition:
    """A petition about ``p``'s agency, assigned by its leader and answered by its front desk."""
    filed = petition(about=p.agency, **kwargs)
    services.petition_assign(petition=filed, by=p.leader, agency=p.agency)
    return services.petition_answer(
        petition=filed, by=p.front_desk, answer="Đã liên hệ ông Nguyễn Văn An qua số 0912345678 để hướng dẫn."
    )


def published(p: StaffedAgency, **kwargs: Any) -> Petition:
    return services.petition_publish(petition=answered(p, **kwargs), by=p.leader)


__all__ = ["SCORES", "vn"]
