"""Postal test data: a dossier whose result is ready (status 9) and whose applicant can receive it by post."""

from typing import Any

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from tests.factories import CitizenFactory
from tests.office.helpers import Office

# Xã Gia Viễn, Ninh Bình (2025 divisions).
COMMUNE = "14464"
RECEIVER = {
    "receiver_name": "Trần Thị Bình",
    "receiver_phone": "0912 345 678",
    "receiver_address": "Số 5, thôn Đông",
    "receiver_division_code": COMMUNE,
}
# The simulator's first order in an empty database (S10 serial 1, check digit 4).
FIRST_ITEM = "EB000000014VN"
FIRST_ORDER = "SIM00000001"


def applicant_make(**kwargs: Any) -> Any:
    return CitizenFactory(phone="0912345678", address="Số 5, thôn Đông", division_code=COMMUNE, **kwargs)


def resolved(o: Office, applicant: Any = None) -> Dossier:
    """A dossier received, processed and issued by the leader: the result waits to be returned."""
    dossier = services.dossier_create_at_counter(
        by=o.front_desk, procedure=o.procedure, applicant=applicant or applicant_make()
    )
    services.dossier_receive(by=o.front_desk, dossier=dossier)
    services.dossier_forward(by=o.specialist, dossier=dossier)
    return services.dossier_issue_result(by=o.leader, dossier=dossier)
