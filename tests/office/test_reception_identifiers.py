"""ID numbers at the counter: a branch's tax code without its hyphen, an old 9-digit ID card, a birth date to
come, the authorised person's number typed in groups."""

from datetime import date

import pytest
from django.urls import reverse

from chinhquyen.directory import services
from chinhquyen.directory.models import Applicant
from tests.office.helpers import draft, reception_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_1_june_2026(monkeypatch):
    """Vietnam's date is 1 June 2026."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2026, 6, 1))


@pytest.mark.parametrize("typed", ["0101248141001", "0101 248 141 001"], ids=["13-digits", "in-groups"])
def test_a_branch_is_found_by_its_13_digit_tax_code(as_user, office, typed):
    branch = services.organisation_create(name="Chi nhánh Công ty FPT", tax_code="0101248141-001")

    response = as_user(office.front_desk).post(reverse("office:applicant_lookup"), {"identifier": typed})

    assert response.status_code == 302
    assert reception_params(response["Location"], office.front_desk) == {"applicant": branch.pk}


@pytest.mark.parametrize(
    ("typed", "citizen", "organisation"),
    [
        ("037 090 001 234", {"personal_id": "037090001234"}, {}),
        ("0300588569", {}, {"tax_code": "0300588569"}),
        ("0101 248 141 001", {}, {"tax_code": "0101248141-001"}),
        ("12345", {}, {}),
    ],
    ids=["personal-id", "tax-code", "branch", "5-digits"],
)
def test_a_number_not_found_prefills_only_the_form_whose_shape_it_has(as_user, office, typed, citizen, organisation):
    response = as_user(office.front_desk).post(reverse("office:applicant_lookup"), {"identifier": typed})

    assert response.status_code == 200
    assert (response.context["citizen_form"].initial, response.context["organisation_form"].initial) == (
        citizen,
        organisation,
    )
    assert "Register them below." in response.content.decode()


def test_an_old_9_digit_id_card_asks_for_the_12_digit_number_and_prefills_nothing(as_user, office):
    response = as_user(office.front_desk).post(reverse("office:applicant_lookup"), {"identifier": "171 234 567"})
    body = response.content.decode()

    assert response.status_code == 200
    assert (response.context["citizen_form"].initial, response.context["organisation_form"].initial) == ({}, {})
    assert "171234567 is the number of an old 9-digit ID card" in body
    assert "ask for their 12-digit personal identification number" in body
    assert "Register them below." not in body


def test_a_branch_registered_from_the_prefilled_form_is_stored_with_its_hyphen(as_user, office):
    response = as_user(office.front_desk).post(
        reverse("office:applicant_create"),
        {"kind": "organisation", "org-name": "Chi nhánh Công ty FPT", "org-tax_code": "0101248141-001"},
    )

    assert response.status_code == 302
    assert Applicant.objects.get().tax_code == "0101248141-001"


@pytest.mark.parametrize(
    ("personal_id", "birth_date", "fields"),
    [("037230001234", "2030-05-01", ["birth_date", "personal_id"]), ("037490001234", "", ["personal_id"])],
    ids=["born-2030", "id-of-the-2190s"],
)
def test_a_citizen_born_in_the_future_is_not_registered(
    as_user, office, today_1_june_2026, personal_id, birth_date, fields
):
    response = as_user(office.front_desk).post(
        reverse("office:applicant_create"),
        {
            "kind": "citizen",
            "citizen-name": "Lê Văn Cường",
            "citizen-personal_id": personal_id,
            "citizen-birth_date": birth_date,
        },
    )

    assert response.status_code == 400
    assert sorted(response.context["citizen_form"].errors) == fields
    assert Applicant.objects.count() == 0


def test_a_citizen_born_after_today_is_refused_at_the_birth_date(as_user, office, today_1_june_2026):
    response = as_user(office.front_desk).post(
        reverse("office:applicant_create"),
        {
            "kind": "citizen",
            "citizen-name": "Lê Văn Cường",
            "citizen-personal_id": "037226001234",
            "citizen-birth_date": "2026-06-02",
        },
    )

    assert response.status_code == 400
    assert response.context["citizen_form"].errors == {"birth_date": ["The birth date is in the future."]}
    assert Applicant.objects.count() == 0


@pytest.mark.parametrize(
    "typed",
    ["037 090 005 678", "０３７０９０００５６７８", "037090005678"],
    ids=["in-groups", "full-width", "plain"],
)
def test_the_authorised_persons_id_is_stored_as_12_ascii_digits(as_user, office, typed):
    dossier = draft(office)

    response = as_user(office.front_desk).post(
        reverse("office:reception_authorised", args=[dossier.pk]),
        {
            "expected_version": dossier.version,
            "name": "Lê Văn Tâm",
            "personal_id": typed,
            "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
        },
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.applicant_snapshot["authorised"]["personal_id"] == "037090005678"


def test_the_authorised_persons_id_of_11_digits_is_refused_at_the_field(as_user, office):
    dossier = draft(office)

    response = as_user(office.front_desk).post(
        reverse("office:reception_authorised", args=[dossier.pk]),
        {
            "expected_version": dossier.version,
            "name": "Lê Văn Tâm",
            "personal_id": "037 090 005 67",
            "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
        },
    )

    assert response.status_code == 400
    assert response.context["authorised_form"].errors == {
        "personal_id": ["A personal identification number has exactly 12 digits."]
    }
    dossier.refresh_from_db()
    assert "authorised" not in dossier.applicant_snapshot
