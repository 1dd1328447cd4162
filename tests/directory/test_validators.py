from datetime import date

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.directory.validators import validate_agency_code, validate_personal_id, validate_tax_code


@pytest.mark.parametrize("pid", ["037190012345", "001099000001", "079203999999"], ids=["ninh-binh", "ha-noi", "hcm"])
def test_valid_personal_ids_pass(pid):
    validate_personal_id(pid)


@pytest.mark.parametrize(
    ("pid", "code"),
    [
        ("03719001234", "pid_format"),
        ("0371900123456", "pid_format"),
        ("03719001234a", "pid_format"),
        ("", "pid_format"),
        ("003190012345", "pid_province"),
        ("099190012345", "pid_province"),
    ],
    ids=["11-digits", "13-digits", "letter", "empty", "province-003", "province-099"],
)
def test_invalid_personal_ids_are_refused_with_a_specific_code(pid, code):
    with pytest.raises(ValidationError) as exc:
        validate_personal_id(pid)
    assert exc.value.code == code


def test_personal_id_must_match_birth_year():
    validate_personal_id("037190012345", date(1990, 5, 1))
    validate_personal_id("037203012345", date(2003, 5, 1))
    with pytest.raises(ValidationError) as exc:
        validate_personal_id("037190012345", date(1991, 5, 1))
    assert exc.value.code == "pid_birth_year"
    assert "1991" in exc.value.messages[0]


@pytest.mark.parametrize("code", ["0300588569", "0101248141", "0101248141-001"], ids=["vinamilk", "fpt", "branch"])
def test_valid_tax_codes_pass(code):
    validate_tax_code(code)


@pytest.mark.parametrize(
    ("value", "code"),
    [("0300588568", "tax_check"), ("030058856", "tax_format"), ("0300588569-01", "tax_format"), ("abc", "tax_format")],
    ids=["bad-check-digit", "9-digits", "short-branch", "letters"],
)
def test_invalid_tax_codes_are_refused(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_tax_code(value)
    assert exc.value.code == code


@pytest.mark.parametrize("code", ["000.00.00.H37", "000.01.00.H37", "G01.00.00.H37"])
def test_agency_codes_of_the_official_shape_pass(code):
    validate_agency_code(code)


@pytest.mark.parametrize("code", ["000.00.00", "000-00-00-H37", "000.00.00.h37", ""])
def test_malformed_agency_codes_are_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_agency_code(code)
    assert exc.value.code == "agency_code_format"
