"""The people the simulator knows: the demo province's citizens and the representative of its business.

They match ``chinhquyen.demo.province`` (a test checks it), so signing in as them lands on the demo
applicants. Any other valid identity can be typed on the authorise page.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class Person:
    key: str
    personal_id: str
    name: str
    birthdate: str
    phone: str = ""
    email: str = ""
    address: str = ""
    tax_code: str = ""
    organisation_name: str = ""

    @property
    def birth_date(self) -> date:
        """``birthdate`` (ISO, as the claim gives it) as a date, to be shown day first."""
        return date.fromisoformat(self.birthdate)

    @property
    def on_behalf_of_organisation(self) -> bool:
        return bool(self.tax_code)


DEMO_PEOPLE: tuple[Person, ...] = (
    Person(
        key="congdan",
        personal_id="037090001234",
        name="Nguyễn Văn An",
        birthdate="1990-03-15",
        phone="0912345678",
        email="congdan@example.vn",
        address="Phường Hoa Lư, tỉnh Ninh Bình",
    ),
    Person(
        key="congdan2",
        personal_id="037195004321",
        name="Trần Thị Bích",
        birthdate="1995-08-02",
        phone="0987654321",
        email="congdan2@example.vn",
        address="Xã Gia Viễn, tỉnh Ninh Bình",
    ),
    Person(
        key="doanhnghiep",
        personal_id="037085001357",
        name="Lê Minh Khoa",
        birthdate="1985-11-20",
        phone="0903123456",
        email="doanhnghiep@example.vn",
        tax_code="2700123459",
        organisation_name="Công ty TNHH Tràng An Xanh",
    ),
)


def demo_person(key: str) -> Person | None:
    return next((person for person in DEMO_PEOPLE if person.key == key), None)


def subject_of(personal_id: str) -> str:
    """A stable subject identifier that does not reveal the personal ID."""
    return salted_hmac("chinhquyen.identity.simulator.subject", personal_id, algorithm="sha256").hexdigest()[:32]


def person_claims(person: Person) -> dict[str, Any]:
    """The person's claims, named as in :mod:`chinhquyen.identity.claims`."""
    claims: dict[str, Any] = {
        "sub": subject_of(person.personal_id),
        "personal_id": person.personal_id,
        "name": person.name,
        "birthdate": person.birthdate,
    }
    if person.phone:
        claims["phone_number"] = person.phone
        claims["phone_number_verified"] = True
    if person.email:
        claims["email"] = person.email
        claims["email_verified"] = True
    if person.address:
        claims["address"] = {"formatted": person.address}
    if person.on_behalf_of_organisation:
        claims["organisation"] = {"tax_code": person.tax_code, "name": person.organisation_name}
    return claims
