"""Validators for Vietnamese identifiers: personal identification numbers, tax codes, agency codes."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Birth-place codes of the 12-digit personal identification number (Circular 07/2016/TT-BCA,
# the 63 provinces before the 2025 merger: numbers issued earlier keep them).
PID_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 "
    "037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 "
    "077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)
# 4th digit: sex and century of birth, even = male, odd = female (Circular 07/2016/TT-BCA art. 7): 0/1 the
# 20th century, 2/3 the 21st, ... 8/9 the 24th (no digit stands for the 1800s).
PID_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}
PID_RE = re.compile(r"[0-9]{12}")
TAX_CODE_RE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
# The 9-digit identity card (CMND), valid until 31/12/2024 (Law on Identification 2023, art. 46).
OLD_ID_CARD_RE = re.compile(r"[0-9]{9}")
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$")


def identifier_normalise(value: str) -> str:
    """``value`` trimmed, with full-width digits (typed with an input method) made ASCII: "０３７" → "037".

    Digits of other scripts are left as they are, for the validators below to refuse.
    """
    return unicodedata.normalize("NFKC", value or "").strip()


def identifier_kind(value: str) -> str:
    """What a number as stored (``identifier_normal``) looks like: "personal_id", "tax_code", "old_id_card"
    (the 9-digit card people still carry) or "" for none of them. The shape only: no check digit."""
    for kind, shape in (("personal_id", PID_RE), ("tax_code", TAX_CODE_RE), ("old_id_card", OLD_ID_CARD_RE)):
        if shape.fullmatch(value or ""):
            return kind
    return ""


def pid_birth_year(value: str) -> int:
    """The birth year a well-formed personal identification number encodes (4th digit century, 5th-6th year)."""
    return PID_CENTURY[int(value[3])] + int(value[4:6])


def validate_birth_date(value: date | None) -> None:
    """Refuse a birth date after today (Vietnam's date)."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("The birth date is in the future."), code="birth_date_future")


def validate_personal_id(value: str, birth_date: date | None = None) -> None:
    """Check a 12-digit personal identification number (số định danh cá nhân / CCCD), in ASCII digits, and that
    neither it nor ``birth_date`` says the person is born after today."""
    # [0-9], not \d: "０３７…" or Arabic-Indic digits would pass and make a second record of the same person.
    if not PID_RE.fullmatch(value or ""):
        raise ValidationError(_("A personal identification number has exactly 12 digits."), code="pid_format")
    if value[:3] not in PID_PROVINCE_CODES:
        raise ValidationError(
            _("%(code)s is not a province code of a personal identification number.") % {"code": value[:3]},
            code="pid_province",
        )
    year = pid_birth_year(value)
    if year > timezone.localdate().year:
        raise ValidationError(
            _("The personal identification number gives the birth year %(year)s, which has not come yet.")
            % {"year": year},
            code="pid_future",
        )
    if birth_date is not None:
        if year != birth_date.year:
            raise ValidationError(
                _("The personal identification number does not match the birth year %(year)s.")
                % {"year": birth_date.year},
                code="pid_birth_year",
            )
        validate_birth_date(birth_date)


def tax_code_check_digit(first_nine: str) -> int | None:
    """Return the check digit of a 10-digit enterprise tax code, or None if no digit fits."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True)) % 11
    check = 10 - remainder
    return None if check == 10 else check


def validate_tax_code(value: str) -> None:
    """Check an organisation tax code: 10 digits, or 10 digits + "-" + 3-digit branch number."""
    if not TAX_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("A tax code has 10 digits, or 10 digits, a hyphen and a 3-digit branch number."),
            code="tax_format",
        )
    if tax_code_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(_("The check digit of tax code %(code)s is wrong.") % {"code": value}, code="tax_check")


def validate_agency_code(value: str) -> None:
    """Check an agency identifier code (mã định danh cơ quan), e.g. ``000.00.01.H22``."""
    if not AGENCY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("An agency identifier code looks like 000.00.01.H22; %(code)s does not.") % {"code": value},
            code="agency_code_format",
        )
