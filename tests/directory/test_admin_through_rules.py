"""The admin keeps the services' rules for applicants' records and identities: nothing changes hands there."""

import pytest

from chinhquyen.directory.models import Applicant
from chinhquyen.identity.models import LocalAccount, VerifiedIdentity
from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(applicant, **changes):
    data = {
        "kind": applicant.kind,
        "name": applicant.name,
        "personal_id": applicant.personal_id,
        "birth_date": "",
        "tax_code": "",
        "representative": "",
        "address": "",
        "division_code": "",
        "phone": applicant.phone,
        "email": applicant.email,
    }
    return {**data, **changes}


@pytest.fixture
def english(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def test_an_identity_or_a_local_account_cannot_be_deleted_in_the_admin(english):
    citizen = CitizenFactory(user=UserFactory(username="citizen"))
    identity = VerifiedIdentity.objects.get(user=citizen.user)
    account = LocalAccount.objects.create(user=UserFactory(username="local"), login="an@example.vn", channel="email")

    assert english.post(f"/admin/identity/verifiedidentity/{identity.pk}/delete/", {"post": "yes"}).status_code == 403
    assert english.post(f"/admin/identity/localaccount/{account.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (VerifiedIdentity.objects.count(), LocalAccount.objects.count()) == (1, 1)


def test_the_record_cannot_be_handed_to_another_account_in_the_admin(english):
    owner = UserFactory(username="owner")
    applicant = CitizenFactory(user=owner)
    other = UserFactory(username="someone.else")

    response = english.post(f"/admin/directory/applicant/{applicant.pk}/change/", _form(applicant, user=other.pk))

    assert response.status_code == 302  # saved: the account field is not part of the form
    applicant.refresh_from_db()
    assert applicant.user_id == owner.pk


@pytest.mark.parametrize(("typed", "stored"), [("+84 912 345 678", "0912345678"), ("", "")])
def test_the_phone_is_stored_in_the_national_format(english, typed, stored):
    applicant = CitizenFactory(phone="0987654321")

    english.post(f"/admin/directory/applicant/{applicant.pk}/change/", _form(applicant, phone=typed))

    assert Applicant.objects.get(pk=applicant.pk).phone == stored


def test_a_wrong_phone_is_a_form_error(english):
    applicant = CitizenFactory(phone="0987654321")

    response = english.post(f"/admin/directory/applicant/{applicant.pk}/change/", _form(applicant, phone="12ab"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["phone"]
    assert Applicant.objects.get(pk=applicant.pk).phone == "0987654321"
