"""The person lodging a dossier on the applicant's behalf (người được ủy quyền), printed on the receipt."""

import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.phones import PHONE_INVALID, phone_normalise, phone_valid
from chinhquyen.core.text import clean
from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import identifier_normal
from chinhquyen.directory.validators import validate_personal_id

from ..models import Dossier
from .base import transition_apply

# Who lodges the dossier on the applicant's behalf (người được ủy quyền), as form 01 prints them.
AUTHORISED_FIELDS = ("name", "personal_id", "address", "phone", "email", "authorisation")
AUTHORISED_MAX = {"name": 255, "personal_id": 12, "address": 500, "phone": 20, "email": 254, "authorisation": 500}
_DIGEST_SALT = "chinhquyen.dossiers.authorised.details"


def authorised_details_digest(details: dict[str, str]) -> str:
    """A keyed digest of ``details`` as :func:`dossier_authorised_person_set` records them (cleaned, the ID number
    and phone normalised), which the event of their saving carries: the same form sent twice is recognised by
    it, while the event keeps no ID number, address or contacts of the person."""
    canonical = json.dumps(_authorised_values(details), ensure_ascii=False, sort_keys=True)
    return salted_hmac(_DIGEST_SALT, canonical, algorithm="sha256").hexdigest()


def dossier_authorised_person_set(
    *,
    by: User,
    dossier: Dossier,
    details: dict[str, str],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Record the person lodging the dossier under an authorisation (``details``: AUTHORISED_FIELDS); details
    all empty remove them, while details without a name are refused (``authorised_name_required``) rather than
    dropped. Kept with the applicant's snapshot, printed on the receipt (form 01)."""
    values = _authorised_values(details)
    if any(values.values()):
        _authorised_check(values)
    with transition_apply(
        by=by, dossier=dossier, action="authorised_person_set", expected_version=expected_version, at=at
    ) as c:
        snapshot = dict(c.dossier.applicant_snapshot or {})
        if values["name"]:
            snapshot["authorised"] = values
        else:
            snapshot.pop("authorised", None)
        c.set(applicant_snapshot=snapshot)
        # The name for the timeline; the digest recognises the same details sent twice (office ``sent_twice``).
        c.data = {"authorised": values["name"], "details": authorised_details_digest(values)}
    return c.dossier


def _authorised_values(details: dict[str, str]) -> dict[str, str]:
    """``details`` as recorded: every field cleaned, the ID number and the phone normalised (not checked)."""
    values = {name: clean(str(details.get(name) or "")) for name in AUTHORISED_FIELDS}
    # As the applicant's number: typed in groups ("037 090 005 678") or in full-width digits, kept as 12 digits.
    values["personal_id"] = identifier_normal(values["personal_id"])
    values["phone"] = phone_normalise(values["phone"])
    return values


def _authorised_check(values: dict[str, str]) -> None:
    if not values["name"]:
        raise InvalidInput(
            _("Give the authorised person's full name: the other details cannot be recorded without it."),
            code="authorised_name_required",
            field="name",
        )
    for name, longest in AUTHORISED_MAX.items():
        if len(values[name]) > longest:
            raise InvalidInput(_("At most %(n)d characters.") % {"n": longest}, code="authorised_too_long", field=name)
    if values["phone"] and not phone_valid(values["phone"]):
        raise InvalidInput(str(PHONE_INVALID), code="authorised_phone", field="phone")
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError as exc:
            raise InvalidInput(_("Enter a valid e-mail address."), code="authorised_email", field="email") from exc
    try:
        validate_personal_id(values["personal_id"])
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="authorised_personal_id", field="personal_id") from exc
    if not values["authorisation"]:
        raise InvalidInput(
            _("Name the authorisation document (number and date of the power of attorney)."),
            code="authorisation_required",
            field="authorisation",
        )
