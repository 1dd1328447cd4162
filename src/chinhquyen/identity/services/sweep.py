"""Housekeeping (daily, ``manage.py identity_sweep``): old one-time codes and abandoned local sign-ups go.

Decree 13/2023 on personal data protection: keep personal data only as long as its purpose needs it. A sign-up
whose code is never typed back leaves an inactive account with what was typed at sign-up (name, personal ID
number, birth date, e-mail or phone, password hash); every code sent leaves a row, some held by an address.

How long each is kept (no limit changes):

- The limits on codes (``codes``: a minute between two, five an hour, a live code's ten minutes and five
  guesses; a restarted sign-up and a sign-up on a taken address count the codes of the last hour) read codes
  of the last hour at most. The notice to an owner, "once a day at most" (``id_notice``), counts in the cache,
  not in codes. The one reader further back is this sweep: a sign-up's age is its last code's. So codes are
  kept as long as sign-ups, :data:`CODE_RETENTION` (seven days), not one day: kept one day, a sign-up whose
  code was resent yesterday would look as old as its creation.
- All codes go at the same age, whoever holds them (a pending account, a verified one on a sign-up on its
  taken login, an address): the code page of a sign-up on a taken address then ends ("start again") when a new
  sign-up's does, and does not tell them apart.
- A sign-up never verified goes :data:`SIGNUP_RETENTION` (seven days) after its last code, or its creation if
  it has none left, with its account, only while that account has nothing else: inactive, never signed in,
  neither staff nor superuser, and no row of any model pointing at it (applicant, verified identity, role,
  group, audit entry as actor...: every relation to the user model, found from the models, not listed here).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import transaction
from django.db.models import Exists, F, ForeignObjectRel, Model, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone

from chinhquyen.core.audit import audit_record
from chinhquyen.directory.models import User

from ..models import LocalAccount, OneTimeCode

CODE_RETENTION = timedelta(days=7)
SIGNUP_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class SweepResult:
    codes: int
    signups: int


def identity_sweep(*, now: datetime | None = None) -> SweepResult:
    """Delete the codes older than :data:`CODE_RETENTION` and the sign-ups abandoned for :data:`SIGNUP_RETENTION`.

    One transaction, one audit entry (``identity.sweep``) with the counts; each account deleted is also audited
    as any deleted user is (``user.delete``). Safe to run twice, and beside sign-ups: a sign-up's account and user
    are locked and checked again before they go, so one resent or verified meanwhile stays.
    """
    now = timezone.now() if now is None else now
    with transaction.atomic():
        codes, _ = OneTimeCode.objects.filter(created_at__lt=now - CODE_RETENTION).delete()
        abandoned = _abandoned_signups(before=now - SIGNUP_RETENTION)
        accounts = list(abandoned.select_for_update(of=("self",)).values_list("pk", "user_id"))
        # Their users too (a row pointing at one waits for the commit, then fails): taken in that order, as a
        # sign-up started again on the same login takes them.
        list(User.objects.select_for_update().filter(pk__in=[user for _, user in accounts]).values_list("pk"))
        # Read again under the locks: a code resent or an account verified in the meantime is seen now.
        users = list(abandoned.filter(pk__in=[pk for pk, _ in accounts]).values_list("user_id", flat=True))
        _, deleted = User.objects.filter(pk__in=users).delete()
        result = SweepResult(
            codes=codes + deleted.get(OneTimeCode._meta.label, 0),
            signups=deleted.get(LocalAccount._meta.label, 0),
        )
        audit_record(
            actor=None,
            action="identity.sweep",
            target="identity:local-accounts",
            data={"codes": result.codes, "signups": result.signups},
        )
    return result


def _abandoned_signups(*, before: datetime) -> QuerySet[LocalAccount]:
    """Local accounts never verified, with no code (or creation) since ``before``, whose user has nothing else."""
    last_code = OneTimeCode.objects.filter(account=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    bare = User.objects.filter(
        *_nothing_points_at_user(), is_active=False, is_staff=False, is_superuser=False, last_login__isnull=True
    )
    return (
        LocalAccount.objects.filter(verified_at__isnull=True)
        .annotate(last_sent=Coalesce(Subquery(last_code), F("created_at")))
        .filter(last_sent__lt=before, user__in=bare.values("pk"))
    )


def _nothing_points_at_user() -> list[Combinable]:
    """No row of any model but the local account points at the user (hidden relations and memberships too)."""
    return [~Exists(model._base_manager.filter(**{field: OuterRef("pk")})) for model, field in _user_links()]


@cache
def _user_links() -> tuple[tuple[type[Model], str], ...]:
    """Every (model, field) that points at the user model, but the local account's own link.

    A many-to-many relation (the user's groups and permissions among them) is there as its through model's link.
    """
    links = []
    for relation in User._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        model = relation.related_model
        if isinstance(model, type) and issubclass(model, Model) and model is not LocalAccount:
            links.append((model, relation.field.name))
    return tuple(links)
