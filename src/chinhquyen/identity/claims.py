"""The identity provider's claims, checked and normalised (thông tin định danh).

Claim names (one place to adapt to the national provider's final names):

- ``sub``: the provider's subject identifier of the person;
- ``personal_id``: the 12-digit personal identification number (số định danh cá nhân);
- ``name``, ``birthdate`` (``YYYY-MM-DD``), ``phone_number``, ``email``, ``address`` (``{"formatted": ...}``
  or a string): standard OpenID Connect claims;
- ``organisation``: present when the person signs in on behalf of a business or organisation,
  ``{"tax_code": ..., "name": ...}``; the person is then its representative.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.phones import MOBILE_RE, mobile_normalise
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Applicant
from chinhquyen.directory.validators import identifier_normalise, validate_personal_id, validate_tax_code

# Longest e-mail address a mailbox can have (RFC 5321) and the account and applicant records keep.
EMAIL_MAX_LENGTH = 254
# The provider's subject identifier is kept in VerifiedIdentity.subject.
SUBJECT_MAX_LENGTH = 255


@dataclass(frozen=True)
class OrganisationClaims:
    tax_code: str
    name: str


@dataclass(frozen=True)
class IdentityClaims:
    """What the provider says about the person who signed in (and the organisation they act for)."""

    issuer: str
    subject: str
    personal_id: str
    name: str
    birth_date: date | None
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation: OrganisationClaims | None = None

    def stored(self) -> dict[str, Any]:
        """The claims as kept in :class:`VerifiedIdentity.claims` (JSON)."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return data


# A mobile number as ``0xxxxxxxxx``, or "" when it is not one.
phone_normalise = mobile_normalise


def email_normalise(value: str) -> str:
    """Return an e-mail address trimmed and lower-cased, or "" when it is not one (or too long to keep)."""
    value = (value or "").strip().lower()
    if len(value) > EMAIL_MAX_LENGTH:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def login_masked(value: str) -> str:
    """A login as logs may show it: enough to tell attempts on one account apart, not the address itself.

    ``nguyenvana@gmail.com`` → ``ng***@gmail.com``; ``0912345678`` → ``091****678``; anything else keeps
    its first two characters.
    """
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if at and local:
        return f"{local[:2]}***@{domain[:80]}"
    if MOBILE_RE.fullmatch(value):
        return f"{value[:3]}****{value[-3:]}"
    return f"{value[:2]}***"


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return clean(value) if isinstance(value, str) else ""


def _address(raw: Mapping[str, Any]) -> str:
    value = raw.get("address")
    if isinstance(value, Mapping):
        value = value.get("formatted")
    return _fit(clean(value), "address") if isinstance(value, str) else ""


def _fit(value: str, field: str) -> str:
    """``value`` cut to the length the applicant record keeps: a longer claim must not stop the sign-in."""
    limit = getattr(Applicant._meta.get_field(field), "max_length", None)
    return value[:limit].rstrip() if limit is not None else value


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code)


def claims_parse(raw: Mapping[str, Any], *, issuer: str) -> IdentityClaims:
    """Check the claims of a sign-in and return them normalised; refuse what cannot identify an applicant."""
    subject = raw.get("sub")
    if not isinstance(subject, str) or not subject:
        raise _refuse(_("The identity provider sent no subject identifier."), "claims_no_subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        # An identifier cut short could name someone else: refuse it rather than cut it.
        raise _refuse(_("The identity provider sent a subject identifier that is too long."), "claims_subject")
    personal_id = identifier_normalise(_text(raw, "personal_id"))
    name = _fit(_text(raw, "name"), "name")
    if not name:
        raise _refuse(_("The identity provider sent no name."), "claims_no_name")
    birth_date = None
    if birth := _text(raw, "birthdate"):
        try:
            birth_date = date.fromisoformat(birth)
        except ValueError as exc:
            raise _refuse(_("The identity provider sent a birth date that is not a date."), "claims_birthdate") from exc
    try:
        validate_personal_id(personal_id, birth_date)
    except ValidationError as exc:
        raise _refuse(" ".join(exc.messages), "claims_personal_id") from exc
    return IdentityClaims(
        issuer=issuer,
        subject=subject,
        personal_id=personal_id,
        name=name,
        birth_date=birth_date,
        phone=phone_normalise(_text(raw, "phone_number")),
        email=email_normalise(_text(raw, "email")),
        address=_address(raw),
        organisation=_organisation(raw.get("organisation")),
    )


def _organisation(value: Any) -> OrganisationClaims | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, Mapping):
        raise _refuse(_("The identity provider sent an organisation in an unknown form."), "claims_organisation")
    tax_code = identifier_normalise(_text(value, "tax_code"))
    name = _fit(_text(value, "name"), "name")
    try:
        validate_tax_code(tax_code)
    except ValidationError as exc:
        raise _refuse(" ".join(exc.messages), "claims_tax_code") from exc
    if not name:
        raise _refuse(_("The identity provider sent an organisation without a name."), "claims_organisation")
    return OrganisationClaims(tax_code=tax_code, name=name)
