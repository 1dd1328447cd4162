"""Sign-in through the national identity (VNeID): the provider's claims -> account and applicant.

The applicant is found by personal ID (citizens) or tax code (organisations). A record without an
account, e.g. one made at the counter, is linked to a new account; an unknown person gets both. At
every sign-in the profile is brought up to date from the claims, never overwritten with blanks, except
once: when the first sign-in takes over an account whose owner was never proven (e.g. a local account
made with someone else's personal ID), its contact details are the provider's, blanks included.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import NotAllowed
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import Applicant, ApplicantKind, User

from ..claims import IdentityClaims
from ..models import LocalAccount, VerifiedIdentity
from ..selectors import applicant_for_claims, user_is_official
from .accounts import user_names_set, username_new

# Contact details the applicant may change on the portal: a claim replaces them only if the stored
# value is blank or is still what the provider said last time.
CONTACT_FIELDS = ("phone", "email", "address")


def identity_sign_in(*, claims: IdentityClaims) -> User:
    """Return the account of the person (or organisation) the claims identify, creating or linking it."""
    try:
        with transaction.atomic():
            return _sign_in(claims)
    except (IntegrityError, ValidationError):
        # Two first sign-ins of the same person at once: the other one created the applicant; use it.
        with transaction.atomic():
            return _sign_in(claims)


def _sign_in(claims: IdentityClaims) -> User:
    found = applicant_for_claims(claims=claims)
    if found is None:
        return _create(claims)
    applicant = Applicant.objects.select_for_update().get(pk=found.pk)
    if applicant.user is None:
        user = _account_new(claims)
        applicant.user = user
        applicant.save(update_fields=["user"])
        audit_record(
            actor=user,
            action="identity.applicant_link",
            target=f"applicant:{applicant.pk}",
            data={"user": user.pk, "issuer": claims.issuer},
        )
        previous: dict[str, Any] | None = None
        taken_over = False
    else:
        user = applicant.user
        _check_may_sign_in(user)
        previous = _previous_claims(user)
        taken_over = previous is None and not _confirm_local_owner(user, claims)
    _sync(applicant, user, claims, previous=previous, taken_over=taken_over)
    return user


def _create(claims: IdentityClaims) -> User:
    user = _account_new(claims)
    contact = {"phone": claims.phone, "email": claims.email, "address": claims.address}
    if claims.organisation is not None:
        applicant = directory_services.organisation_create(
            name=claims.organisation.name,
            tax_code=claims.organisation.tax_code,
            user=user,
            representative=claims.name,
            **contact,
        )
    else:
        applicant = directory_services.citizen_create(
            name=claims.name, personal_id=claims.personal_id, birth_date=claims.birth_date, user=user, **contact
        )
    audit_record(
        actor=user,
        action="identity.account_create",
        target=f"applicant:{applicant.pk}",
        data={"user": user.pk, "kind": applicant.kind, "issuer": claims.issuer},
    )
    _sync(applicant, user, claims, previous=None)
    return user


def _account_new(claims: IdentityClaims) -> User:
    user = User(username=username_new("vneid"), email=claims.email, phone=claims.phone)
    user.set_unusable_password()
    user.save()
    return user


def _check_may_sign_in(user: User) -> None:
    if user_is_official(user=user):
        # The office asks officials for a password and an authenticator code; this path must not skip that.
        raise NotAllowed(
            _("This record is tied to an official's account. Officials sign in at the office, not on the portal."),
            code="identity_official",
        )
    if not user.is_active:
        raise NotAllowed(_("This account is locked. Please contact the one-stop counter."), code="identity_inactive")


def _previous_claims(user: User) -> dict[str, Any] | None:
    identity = VerifiedIdentity.objects.filter(user=user).first()
    return identity.claims if identity is not None else None


def _confirm_local_owner(user: User, claims: IdentityClaims) -> bool:
    """Whether the account, never verified by the national identity, is the person's own: a local account
    whose verified address is one the provider gives. Otherwise close a local account's password.

    Anyone can type someone else's personal ID when making a local account; the national identity
    proves who the person is, so the password of a stranger must stop working from now on.
    """
    account = LocalAccount.objects.filter(user=user).first()
    if account is None:
        return False
    if account.login in {claims.email, claims.phone} - {""}:
        return True
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(
        actor=user, action="identity.local_password_revoke", target=f"user:{user.pk}", data={"reason": "identity"}
    )
    return False


def _sync(
    applicant: Applicant,
    user: User,
    claims: IdentityClaims,
    *,
    previous: dict[str, Any] | None,
    taken_over: bool = False,
) -> None:
    """Bring the applicant and the account up to date from the claims.

    ``taken_over``: the contact details on record are not the person's (see :func:`_confirm_local_owner`);
    the claims replace them even when blank, so notices stop going to whoever typed them.
    """
    changed: list[str] = []

    def put(field: str, value: Any, *, blank: bool = False) -> None:
        if (blank or value not in (None, "")) and getattr(applicant, field) != value:
            setattr(applicant, field, value)
            changed.append(field)

    if applicant.kind == ApplicantKind.ORGANISATION and claims.organisation is not None:
        put("name", claims.organisation.name)
        put("representative", claims.name)
    else:
        put("name", claims.name)
        put("birth_date", claims.birth_date)
    for field in CONTACT_FIELDS:
        current = getattr(applicant, field)
        if taken_over:
            put(field, getattr(claims, field), blank=True)
        elif previous is None or not current or current == previous.get(field, ""):
            put(field, getattr(claims, field))
    if changed:
        applicant.save(update_fields=changed)
        if previous is not None or taken_over:
            audit_record(
                actor=user,
                action="identity.profile_sync",
                target=f"applicant:{applicant.pk}",
                data={"fields": sorted(changed)},
            )
    user_names_set(user, name=applicant.name, organisation=applicant.kind == ApplicantKind.ORGANISATION)
    user.email, user.phone = applicant.email, applicant.phone
    user.save(update_fields=["first_name", "last_name", "email", "phone"])
    now = timezone.now()
    VerifiedIdentity.objects.update_or_create(
        user=user,
        defaults={
            "issuer": claims.issuer,
            "subject": claims.subject,
            "claims": claims.stored(),
            "last_verified_at": now,
        },
        create_defaults={
            "issuer": claims.issuer,
            "subject": claims.subject,
            "claims": claims.stored(),
            "first_verified_at": now,
            "last_verified_at": now,
        },
    )
