"""Vietnamese phone numbers as people give them at a counter, on a form or to the postman."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# A number in the national format: a mobile (0 and 9 digits) or a landline (0 and 10 digits).
# ASCII digits only: ``\d`` would take "٣" or "３" as well, and the number would then not be the one stored.
PHONE_RE = re.compile(r"0[0-9]{9,10}")
# A mobile number in the national format: 0, then 3, 5, 7, 8 or 9, then eight digits.
MOBILE_RE = re.compile(r"0[35789][0-9]{8}")
PHONE_INVALID = _("Enter a Vietnamese phone number such as 0912345678 or 02438251234.")


def phone_normalise(value: str) -> str:
    """``+84 912.345.678`` or ``0084 912 345 678`` → ``0912345678``; not checked (see :func:`phone_valid`).

    Full-width digits and signs (typed with an input method) become ASCII ones; other scripts' digits stay and
    are refused by the checks.
    """
    phone = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("0084"):
        phone = "0" + phone[4:]
    elif phone.startswith("84") and len(phone) >= 11:
        phone = "0" + phone[2:]
    return phone


def phone_valid(value: str) -> bool:
    """Whether ``value``, once normalised, is a mobile or landline number in the national format."""
    return PHONE_RE.fullmatch(phone_normalise(value)) is not None


def validate_phone(value: str) -> None:
    """A form field's validator: refuse what :func:`phone_valid` refuses (an empty value is left to ``required``)."""
    if value and not phone_valid(value):
        raise ValidationError(PHONE_INVALID, code="phone_invalid")


def mobile_normalise(value: str) -> str:
    """A mobile number as ``0xxxxxxxxx`` (``+84 912 345 678`` → ``0912345678``), or "" when it is not one
    (a landline, or no number): what text messages and sign-ins take."""
    phone = phone_normalise(value)
    return phone if MOBILE_RE.fullmatch(phone) else ""
