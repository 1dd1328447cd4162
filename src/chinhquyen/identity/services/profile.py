"""The applicant's own changes to their contact details on the portal."""

from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.text import clean
from chinhquyen.directory.models import Applicant, User

from ..claims import email_normalise, phone_normalise
from ..selectors import applicant_for_user


@transaction.atomic
def applicant_contact_update(*, user: User, phone: str, email: str, address: str) -> Applicant:
    """Change the phone, e-mail and address of the user's applicant record (blank clears a value)."""
    applicant = applicant_for_user(user=user)
    if applicant is None:
        raise NotAllowed(_("This account has no applicant record."), code="no_applicant")
    values = {"phone": phone_normalise(phone), "email": email_normalise(email), "address": clean(address)[:255]}
    if phone.strip() and not values["phone"]:
        raise InvalidInput(
            _("Enter a Vietnamese mobile number such as 0912345678."), code="phone_invalid", field="phone"
        )
    if email.strip() and not values["email"]:
        raise InvalidInput(_("Enter a valid e-mail address."), code="email_invalid", field="email")
    changed = sorted(field for field, value in values.items() if getattr(applicant, field) != value)
    if not changed:
        return applicant
    for field in changed:
        setattr(applicant, field, values[field])
    applicant.save(update_fields=changed)
    user.email, user.phone = applicant.email, applicant.phone
    user.save(update_fields=["email", "phone"])
    audit_record(
        actor=user, action="identity.profile_update", target=f"applicant:{applicant.pk}", data={"fields": changed}
    )
    return applicant
