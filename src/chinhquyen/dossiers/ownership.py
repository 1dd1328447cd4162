"""The dossiers an applicant's account holds (hồ sơ của tài khoản), as the applicant.

An account holds all the dossiers of its applicant record once the national identity (VNeID) has verified
who it is. Before that, the personal ID number of the record was only typed in at sign-up, and anyone can
type another person's: such an account holds only the dossiers it lodged itself, never those the counter
received for the person whose number it gave (which would let it read, withdraw or collect them).
"""

from django.db.models import Q

from chinhquyen.directory.models import User

from .models import Dossier


def account_verified(user_id: int) -> bool:
    """Whether the national identity has verified the account ``user_id``."""
    return User.objects.filter(pk=user_id, verified_identity__isnull=False).exists()


def identity_verified(user: User) -> bool:
    """Whether the national identity has verified the account (kept on the instance for the request)."""
    known: bool | None = getattr(user, "_identity_verified", None)
    if known is None and "verified_identity" in user._state.fields_cache:  # read with the user (select_related)
        known = user._state.fields_cache["verified_identity"] is not None
    if known is None:
        known = account_verified(user.pk)
        user._identity_verified = known  # type: ignore[attr-defined]
    return known


def account_dossiers(*, user: User) -> Q:
    """The condition on dossiers that ``user`` holds as the applicant (none for an anonymous user)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(applicant__user=user) & (Q(created_by=user) | Q(applicant__user__verified_identity__isnull=False))


def account_holds(*, dossier: Dossier, user: User, owner_id: int | None) -> bool:
    """Whether ``user`` holds ``dossier`` as its applicant; ``owner_id`` is the account owning its applicant."""
    if not user.is_authenticated or owner_id != user.pk:
        return False
    return dossier.created_by_id == user.pk or identity_verified(user)


def snapshot_contact_usable(*, dossier: Dossier, user: User | None) -> bool:
    """Whether the e-mail and phone given with ``dossier`` may be used to reach the account holding it.

    Given before the national identity verified the account, by someone else than the account, they may be
    a stranger's: the details of a record that an unverified account had claimed by typing the person's ID
    number at sign-up. The account's own details (taken from the identity) then speak for the person.
    """
    if user is None or dossier.created_by_id == user.pk:
        return True
    verified_at = User.objects.filter(pk=user.pk).values_list("verified_identity__first_verified_at", flat=True)
    first = verified_at.first()
    return first is not None and dossier.created_at >= first
