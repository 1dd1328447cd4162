"""The simulator's demo people are the demo province's applicants, so their sign-in lands on those records."""

from datetime import date

import pytest

from chinhquyen.demo import province
from chinhquyen.directory.models import Applicant
from chinhquyen.identity.simulator.identities import DEMO_PEOPLE, demo_person

from .helpers import sign_in


def test_every_demo_citizen_and_business_can_sign_in_through_the_simulator():
    citizens = {(username, name, pid, birth) for username, name, pid, birth in province.CITIZENS}
    simulated = {(p.key, p.name, p.personal_id, p.birthdate) for p in DEMO_PEOPLE if not p.tax_code}
    assert simulated == citizens
    businesses = {(p.key, p.organisation_name, p.tax_code) for p in DEMO_PEOPLE if p.tax_code}
    assert businesses == set(province.ORGANISATIONS)


@pytest.mark.django_db
def test_the_demo_citizens_land_on_their_demo_records(client, idp_transport):
    from chinhquyen.demo.services import _applicants

    _applicants("!unusable")

    for key in ("congdan", "congdan2", "doanhnghiep"):
        client.post("/tai-khoan/dang-xuat/")
        sign_in(client, key)
        person = demo_person(key)
        applicant = Applicant.objects.get(user__username=key)
        assert client.session["_auth_user_id"] == str(applicant.user_id), key
        if person.tax_code:
            assert (applicant.tax_code, applicant.representative) == (person.tax_code, "Lê Minh Khoa")
        else:
            assert (applicant.personal_id, applicant.birth_date) == (
                person.personal_id,
                date.fromisoformat(person.birthdate),
            )
    assert Applicant.objects.count() == 3
