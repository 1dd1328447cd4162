"""ID numbers as people type them: a branch's 13-digit tax code, the century digit, a birth date to come."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.directory import selectors, services
from chinhquyen.directory.models import Applicant
from chinhquyen.directory.validators import identifier_kind, pid_birth_year, validate_personal_id


@pytest.fixture
def today_1_june_2026(monkeypatch):
    """Vietnam's date is 1 June 2026."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2026, 6, 1))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0101248141001", "0101248141-001"),
        ("0101 248 141 001", "0101248141-001"),
        ("０１０１２４８１４１００１", "0101248141-001"),
        ("0101248141-001", "0101248141-001"),
        ("0101248141", "0101248141"),
        ("037 090 001 234", "037090001234"),
    ],
    ids=["branch-13-digits", "branch-in-groups", "branch-full-width", "branch-as-stored", "tax-code", "personal-id"],
)
def test_identifier_normal_gives_the_number_as_stored(typed, stored):
    assert selectors.identifier_normal(typed) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0101248141001", "0101 248 141 001"], ids=["13-digits", "in-groups"])
def test_a_branch_is_found_by_its_tax_code_typed_without_the_hyphen(typed):
    branch = services.organisation_create(name="Chi nhánh Công ty FPT", tax_code="0101248141-001")

    assert selectors.applicant_find(identifier=typed) == branch
    assert (
        selectors.applicant_found(
            *(call(**params) for call, params in selectors.applicant_find_calls(identifier=typed))
        )
        == branch
    )


@pytest.mark.django_db
def test_a_branch_registered_with_13_digits_is_stored_with_its_hyphen():
    branch = services.organisation_create(name="Chi nhánh Công ty FPT", tax_code="0101248141001")

    assert Applicant.objects.get(pk=branch.pk).tax_code == "0101248141-001"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("037090001234", "personal_id"),
        ("0101248141", "tax_code"),
        ("0101248141-001", "tax_code"),
        ("123456789", "old_id_card"),
        ("12345", ""),
        ("03709000123a", ""),
    ],
    ids=["12-digits", "10-digits", "branch", "9-digits", "5-digits", "letter"],
)
def test_identifier_kind_tells_what_a_number_looks_like(value, kind):
    assert identifier_kind(value) == kind


@pytest.mark.parametrize(
    ("pid", "year"),
    [
        ("037090001234", 1990),
        ("037190001234", 1990),
        ("037203001234", 2003),
        ("037303001234", 2003),
        ("037450001234", 2150),
        ("037650001234", 2250),
        ("037850001234", 2350),
        ("037950001234", 2350),
    ],
    ids=["0-male-1900s", "1-female-1900s", "2-2000s", "3-2000s", "4-2100s", "6-2200s", "8-2300s", "9-2300s"],
)
def test_the_century_digit_follows_circular_07_2016(pid, year):
    assert pid_birth_year(pid) == year


@pytest.mark.parametrize("pid", ["037490001234", "037890001234", "037227001234"], ids=["2190s", "2389", "next-year"])
def test_a_personal_id_encoding_a_birth_year_to_come_is_refused(today_1_june_2026, pid):
    with pytest.raises(ValidationError) as refused:
        validate_personal_id(pid)

    assert refused.value.code == "pid_future"


def test_a_personal_id_of_this_year_is_accepted(today_1_june_2026):
    validate_personal_id("037226001234")
    validate_personal_id("037226001234", date(2026, 5, 31))


@pytest.mark.parametrize(
    ("pid", "born", "code"),
    [
        ("037230001234", date(2030, 5, 1), "pid_future"),
        ("037226001234", date(2026, 6, 2), "birth_date_future"),
    ],
    ids=["2030", "tomorrow"],
)
def test_a_birth_date_to_come_is_refused(today_1_june_2026, pid, born, code):
    with pytest.raises(ValidationError) as refused:
        validate_personal_id(pid, born)

    assert refused.value.code == code


@pytest.mark.django_db
def test_a_citizen_born_tomorrow_is_refused_at_the_birth_date(today_1_june_2026):
    with pytest.raises(ValidationError) as refused:
        services.citizen_create(name="Lê Văn Cường", personal_id="037226001234", birth_date=date(2026, 6, 2))

    assert [(field, [e.code for e in errors]) for field, errors in refused.value.error_dict.items()] == [
        ("birth_date", ["birth_date_future"])
    ]
    assert Applicant.objects.count() == 0


@pytest.mark.django_db
def test_a_citizen_whose_id_encodes_a_year_to_come_is_refused_at_the_id(today_1_june_2026):
    with pytest.raises(ValidationError) as refused:
        services.citizen_create(name="Lê Văn Cường", personal_id="037490001234")

    assert [(field, [e.code for e in errors]) for field, errors in refused.value.error_dict.items()] == [
        ("personal_id", ["pid_future"])
    ]
    assert Applicant.objects.count() == 0
