"""Reads for citizens' sign-in: who is an applicant on the portal, and what their identity says."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from chinhquyen.directory.models import Applicant, ApplicantKind, StaffRole, User

from .claims import IdentityClaims
from .models import Channel, LocalAccount, VerifiedIdentity


def user_is_official(*, user: Any) -> bool:
    """Staff, superusers and anyone holding a role in an agency: they sign in at the office, never here.

    Every role counts, in force or not: this check refuses (an official's account on the portal), and a role
    in an inactive agency, which grants nothing, must not turn an official's account into an applicant's.
    """
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.pk is not None and StaffRole.objects.filter(user_id=user.pk).exists())


def applicant_for_user(*, user: Any) -> Applicant | None:
    """The applicant a signed-in portal user acts as; None for anonymous users and officials."""
    if not user.is_authenticated or not user.is_active or user_is_official(user=user):
        return None
    return Applicant.objects.filter(user_id=user.pk).first()


def applicant_for_claims(*, claims: IdentityClaims) -> Applicant | None:
    """The citizen with the claimed personal ID, or the organisation with the claimed tax code."""
    if claims.organisation is not None:
        return Applicant.objects.filter(kind=ApplicantKind.ORGANISATION, tax_code=claims.organisation.tax_code).first()
    return Applicant.objects.filter(kind=ApplicantKind.CITIZEN, personal_id=claims.personal_id).first()


def users_for_claims(*, claims: IdentityClaims) -> QuerySet[User]:
    """The account already tied to the claimed applicant (none or one)."""
    applicant = applicant_for_claims(claims=claims)
    if applicant is None or applicant.user_id is None:
        return User.objects.none()
    return User.objects.filter(pk=applicant.user_id)


def user_for_verified_identity(*, claims: IdentityClaims) -> User | None:
    """The account of the claimed applicant, if a sign-in already verified it with the same issuer and subject."""
    applicant = applicant_for_claims(claims=claims)
    if applicant is None or applicant.user_id is None:
        return None
    identity = (
        VerifiedIdentity.objects.select_related("user")
        .filter(user_id=applicant.user_id, issuer=claims.issuer, subject=claims.subject)
        .first()
    )
    return identity.user if identity is not None else None


def users_for_subject(*, issuer: str, subject: str) -> list[User]:
    """Up to two accounts whose verified identity is this subject of this provider: enough to tell one from several
    (a person has one account of their own and one for each organisation they sign in for)."""
    identities = VerifiedIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    return [identity.user for identity in identities.order_by("pk")[:2]]


def local_account_for_login(*, login: str) -> LocalAccount | None:
    return LocalAccount.objects.select_related("user").filter(login=login).first()


def identity_accounts_at_address(*, channel: str, address: str) -> QuerySet[User]:
    """Accounts verified by the national identity whose e-mail (in any letter case) or mobile is ``address``, as
    the national identity gave it at their last sign-in (``address`` normalised as the claims are).

    An address typed on the profile is nobody's proof: counted, anyone signed in through VNeID could claim a
    stranger's address and keep its owner from ever making a local account on it.
    Oldest first: a person's own account comes before those made later for organisations they act for.
    """
    field, claim = ("email__iexact", "email") if channel == Channel.EMAIL else ("phone", "phone")
    users = User.objects.filter(**{field: address, f"verified_identity__claims__{claim}": address})
    return users.select_related("verified_identity").order_by("pk")


@dataclass(frozen=True)
class AccountProfile:
    """What the profile page shows: the applicant, how the account proves who it is."""

    applicant: Applicant | None
    identity: VerifiedIdentity | None
    local_account: LocalAccount | None


def account_profile(*, user: Any) -> AccountProfile:
    return AccountProfile(
        applicant=applicant_for_user(user=user),
        identity=VerifiedIdentity.objects.filter(user_id=user.pk).first(),
        local_account=LocalAccount.objects.filter(user_id=user.pk).first(),
    )
