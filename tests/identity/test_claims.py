"""The provider's claims are checked and normalised before they touch an applicant."""

from datetime import date

import pytest

from chinhquyen.core.errors import InvalidInput
from chinhquyen.identity.claims import IdentityClaims, OrganisationClaims, claims_parse, phone_normalise

from .helpers import AN, KHOA, claims_of

ISSUER = "https://vneid.example"


def test_citizen_claims_are_normalised():
    raw = claims_of(AN, name="  Nguyễn  Văn An ", email="CongDan@Example.VN", phone_number="+84 912 345 678")

    claims = claims_parse(raw, issuer=ISSUER)

    assert claims == IdentityClaims(
        issuer=ISSUER,
        subject=raw["sub"],
        personal_id="037090001234",
        name="Nguyễn Văn An",
        birth_date=date(1990, 3, 15),
        phone="0912345678",
        email="congdan@example.vn",
        address="Phường Hoa Lư, tỉnh Ninh Bình",
        organisation=None,
    )


def test_organisation_claims_carry_the_tax_code_and_name():
    claims = claims_parse(claims_of(KHOA), issuer=ISSUER)

    assert claims.organisation == OrganisationClaims(tax_code="2700123459", name="Công ty TNHH Tràng An Xanh")
    assert claims.name == "Lê Minh Khoa"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"sub": ""}, "claims_no_subject"),
        ({"name": " "}, "claims_no_name"),
        ({"personal_id": "03709000123"}, "claims_personal_id"),
        ({"personal_id": "099090001234"}, "claims_personal_id"),
        ({"birthdate": "1991-03-15"}, "claims_personal_id"),
        ({"birthdate": "15/03/1990"}, "claims_birthdate"),
        ({"organisation": {"tax_code": "2700123458", "name": "X"}}, "claims_tax_code"),
        ({"organisation": {"tax_code": "2700123459", "name": ""}}, "claims_organisation"),
        ({"organisation": "2700123459"}, "claims_organisation"),
    ],
    ids=[
        "no-sub",
        "no-name",
        "short-id",
        "bad-province",
        "id-birth-year-mismatch",
        "birthdate-format",
        "bad-tax-check-digit",
        "organisation-without-name",
        "organisation-not-an-object",
    ],
)
def test_claims_that_cannot_identify_an_applicant_are_refused(changes, code):
    with pytest.raises(InvalidInput) as exc:
        claims_parse(claims_of(AN, **changes), issuer=ISSUER)
    assert exc.value.code == code


def test_claims_without_contact_details_give_blanks():
    raw = claims_of(AN)
    for name in ("phone_number", "email", "address"):
        raw.pop(name)

    claims = claims_parse(raw, issuer=ISSUER)

    assert (claims.phone, claims.email, claims.address) == ("", "", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912.345.678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("0212345678", ""),
        ("091234567", ""),
        ("", ""),
    ],
    ids=["plain", "plus-84", "84-dots", "dashes", "landline-prefix", "nine-digits", "empty"],
)
def test_mobile_numbers_are_normalised(value, expected):
    assert phone_normalise(value) == expected
