"""Reads of the integrations app: credentials by secret, who administers, what systems see."""

import hashlib
import hmac
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.catalog.selectors import PROCEDURE_WIDE_TEXTS
from chinhquyen.core.compiled import compiled
from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import Roles, is_province_admin, roles_parse, roles_subquery
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.ownership import account_dossiers
from chinhquyen.dossiers.selectors import dossier_visible_to
from chinhquyen.workcal.engine import TZ

from .models import ApiKey, DeliveryState, OfficerToken, System, WebhookDelivery, WebhookSubscription

# cqk_ (system key) or cqo_ (officer token), 8 characters of public prefix, then 43 of secret.
SECRET_FORMAT = re.compile(r"^(cq[ko]_[a-z0-9]{8})_[A-Za-z0-9_-]{43}$")
SYSTEM_KEY = "cqk_"
OFFICER_TOKEN = "cqo_"  # noqa: S105 - a prefix, not a secret


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _prefix(secret: str, kind: str) -> str | None:
    match = SECRET_FORMAT.match(secret)
    if match is None or not secret.startswith(kind):
        return None
    return match.group(1)


def credential_state(credential: ApiKey | OfficerToken, now: datetime) -> str:
    """``revoked``, ``expired`` or ``active``: only an active credential is accepted."""
    if credential.revoked_at is not None:
        return "revoked"
    if credential.expires_at is not None and credential.expires_at <= now:
        return "expired"
    return "active"


def _usable(credential: ApiKey | OfficerToken | None, secret: str, now: datetime) -> bool:
    if credential is None:
        return False
    # Compared in constant time even though the prefix already matched: the prefix is public.
    if not hmac.compare_digest(credential.secret_hash, secret_digest(secret)):
        return False
    return credential_state(credential, now) == "active"


# Compiled once: a key or token is looked up on every API request (the prefix is unique). The acting
# account's roles come in the same query (``account_roles``, see :func:`credential_roles`).
@compiled(prefix=str)
def _api_key_by_prefix(prefix: str) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.select_related("system", "system__account").filter(prefix=prefix)
    return keys.annotate(account_roles=roles_subquery("system__account_id"))[:1]


def _confirmed_totp(user_ref: str) -> Exists:
    """Whether the user whose id is the outer query's ``user_ref`` has a confirmed TOTP device."""
    return Exists(TOTPDevice.objects.filter(user_id=OuterRef(user_ref), confirmed=True))


@compiled(prefix=str)
def _officer_token_by_prefix(prefix: str) -> QuerySet[OfficerToken]:
    # The officer's second factor comes in the same query: a token acts only while its officer has one.
    tokens = OfficerToken.objects.select_related("user").filter(prefix=prefix)
    return tokens.annotate(account_roles=roles_subquery("user_id"), has_totp=_confirmed_totp("user_id"))[:1]


def credential_roles(credential: ApiKey | OfficerToken) -> Roles:
    """The (agency id, role) pairs in force of the account a key or token found by secret acts as, read with it."""
    return roles_parse(getattr(credential, "account_roles", None))


def api_key_find(*, secret: str, now: datetime | None = None) -> ApiKey | None:
    """The active key of an active system whose secret is ``secret``, with the system and its account."""
    prefix = _prefix(secret, SYSTEM_KEY)
    if prefix is None:
        return None
    key = next(iter(_api_key_by_prefix(prefix=prefix)), None)
    if not _usable(key, secret, now or timezone.now()):
        return None
    assert key is not None  # noqa: S101 - _usable refused None
    if not key.system.is_active or not key.system.account.is_active:
        return None
    return key


def officer_token_find(*, secret: str, now: datetime | None = None) -> OfficerToken | None:
    """The active token of an active officer with a confirmed TOTP device whose secret is ``secret``, with the
    officer.

    Officials sign in with a password and a TOTP code: a token acts for one only while they have a confirmed
    device, so removing all of them suspends their tokens (they work again once a device is confirmed).
    """
    prefix = _prefix(secret, OFFICER_TOKEN)
    if prefix is None:
        return None
    token = next(iter(_officer_token_by_prefix(prefix=prefix)), None)
    if not _usable(token, secret, now or timezone.now()):
        return None
    assert token is not None  # noqa: S101 - _usable refused None
    # has_totp is annotated by _officer_token_by_prefix; missing (never the case) counts as none.
    return token if token.user.is_active and getattr(token, "has_totp", False) else None


def officer_tokens_of(*, user: User) -> QuerySet[OfficerToken]:
    """The officer's own tokens, the newest first (revoked and expired ones too)."""
    return OfficerToken.objects.filter(user=user).order_by("-created_at", "-pk")


def officer_token_of(*, user: User, pk: int) -> OfficerToken | None:
    """The officer's token ``pk``, or None when it is not theirs (never reveal that it exists)."""
    return officer_tokens_of(user=user).filter(pk=pk).first()


def systems_managed_by(*, user: Any) -> QuerySet[System]:
    """The systems whose deliveries ``user`` may see: all for a province admin, else those they manage."""
    if is_province_admin(user):
        return System.objects.all()
    return System.objects.filter(managers=user)


def deliveries_visible_to(*, user: Any) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription__system__in=systems_managed_by(user=user))


def subscriptions_of(*, system: System) -> list[WebhookSubscription]:
    return list(system.webhook_subscriptions.filter(is_active=True).order_by("pk"))


def deliveries_due(*, now: datetime | None = None) -> QuerySet[WebhookDelivery]:
    """Pending deliveries whose next attempt is due (for the sweeper that re-enqueues lost tasks).

    Those of a stopped subscription or of a system switched off are held, not due: the attempt would send
    nothing. A system switched on again has its held deliveries due at the next sweep.
    """
    return WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING,
        next_attempt_at__lte=now or timezone.now(),
        subscription__is_active=True,
        subscription__system__is_active=True,
    )


def dossiers_for_caller(
    *,
    user: User,
    as_applicant: bool,
    statuses: list[int] | None = None,
    agency_code: str = "",
    procedure_code: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers a caller may list, filtered: an applicant's own, or those the account's agencies see.

    Visibility is the dossiers app's rule (``dossier_visible_to``); dates are Vietnam days, both included.
    """
    if as_applicant:
        dossiers = Dossier.objects.filter(account_dossiers(user=user))
    else:
        dossiers = dossier_visible_to(officer=user)
    if statuses:
        dossiers = dossiers.filter(status__in=statuses)
    if agency_code:
        dossiers = dossiers.filter(receiving_agency__code=agency_code)
    if procedure_code:
        dossiers = dossiers.filter(procedure__code=procedure_code)
    if received_from is not None:
        dossiers = dossiers.filter(received_at__gte=datetime.combine(received_from, time.min, TZ))
    if received_to is not None:
        dossiers = dossiers.filter(received_at__lt=datetime.combine(received_to + timedelta(days=1), time.min, TZ))
    if updated_since is not None:
        dossiers = dossiers.filter(updated_at__gte=updated_since)
    texts = [f"procedure__{name}" for name in ("eform_schema", *PROCEDURE_WIDE_TEXTS)]
    return dossiers.select_related("procedure", "receiving_agency").defer(*texts)


# Compiled once: asked after every dossier transition, and most installations have few subscribers.
@compiled()
def _active_subscriptions() -> QuerySet[WebhookSubscription]:
    # Those of a system switched off too: its deliveries are created and held, not dropped (deliveries_due).
    return WebhookSubscription.objects.filter(is_active=True).select_related("system", "system__account")


def webhook_subscriptions_active() -> list[WebhookSubscription]:
    """The active subscriptions, of systems switched on or off, with the system and its account."""
    return _active_subscriptions()
