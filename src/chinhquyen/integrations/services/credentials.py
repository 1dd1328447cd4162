"""Issuing and revoking systems' API keys and officers' tokens; each change is audited."""

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.text import clean
from chinhquyen.directory.models import StaffRole, User
from chinhquyen.directory.selectors import is_province_admin, totp_confirmed

from ..models import ApiKey, OfficerToken, Scope, System
from ..selectors import OFFICER_TOKEN, SYSTEM_KEY, secret_digest

# An officer's token lasts this long unless the issuer says otherwise: a forgotten token expires.
OFFICER_TOKEN_DAYS = 180
# last_used_at is written at most this often, so that using a key costs no write per request.
TOUCH_EVERY = timedelta(minutes=5)
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class Issued:
    """A new credential and its secret, which is shown once and never stored."""

    credential: ApiKey | OfficerToken
    secret: str


def _new_secret(kind: str) -> tuple[str, str]:
    """A secret ``<kind><8 chars>_<43 chars>`` (256 random bits) and its public prefix."""
    prefix = kind + "".join(secrets.choice(_PREFIX_ALPHABET) for _i in range(8))
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def _require_province_admin(by: User) -> None:
    if not is_province_admin(by):
        raise NotAllowed(_("Only a province administrator may issue or revoke API credentials."), code="not_admin")


def system_code_check(code: str) -> str:
    """The system's code as stored (lower case), refused when another system or its account holds it."""
    code = clean(code).lower()
    taken = System.objects.filter(code__iexact=code).exists()
    if code and (taken or User.objects.filter(username__iexact=f"system.{code}"[:150]).exists()):
        raise InvalidInput(_("Another system already has this code."), code="system_code_taken", field="code")
    return code


def system_create(*, by: User, code: str, name: str, contact_email: str = "") -> System:
    """Register an outside system with its service account (no password: it signs in with keys only)."""
    _require_province_admin(by)
    code, name = system_code_check(code), clean(name)
    if not code or not name:
        raise InvalidInput(_("Give the system a code and a name."), code="system_incomplete", field="code")
    with transaction.atomic():
        account = User(username=f"system.{code}"[:150], first_name=name[:150], is_active=True)
        account.set_unusable_password()
        account.save()
        system = System.objects.create(code=code, name=name, contact_email=contact_email, account=account)
        audit_record(actor=by, action="integrations.system_create", target=f"system:{system.pk}", data={"code": code})
    return system


def system_change(
    *, by: User, system: System, name: str, contact_email: str, is_active: bool, managers: Iterable[User]
) -> System:
    """Rename ``system``, switch it on or off and set its managers; audited when anything changes.

    A system switched off has its keys refused and its webhooks held; its managers see its deliveries.
    """
    _require_province_admin(by)
    name = clean(name)
    if not name:
        raise InvalidInput(_("Give the system a code and a name."), code="system_incomplete", field="name")
    wanted = {user.pk: user for user in managers}
    with transaction.atomic():
        stored = System.objects.select_for_update().get(pk=system.pk)
        had = dict(stored.managers.values_list("pk", "username"))
        before = {"name": stored.name, "contact_email": stored.contact_email, "is_active": stored.is_active}
        system.name, system.contact_email, system.is_active = name, contact_email, is_active
        system.save(update_fields=["name", "contact_email", "is_active"])
        system.managers.set(list(wanted.values()))
        changed = {f: [old, getattr(system, f)] for f, old in before.items() if old != getattr(system, f)}
        added = sorted(user.get_username() for pk, user in wanted.items() if pk not in had)
        removed = sorted(username for pk, username in had.items() if pk not in wanted)
        if changed or added or removed:
            data = {"code": system.code, "changed": changed, "managers_added": added, "managers_removed": removed}
            audit_record(actor=by, action="integrations.system_change", target=f"system:{system.pk}", data=data)
    return system


def credential_expiry_check(expires_at: datetime | None) -> None:
    """InvalidInput for a key or token that would be issued already expired (its secret shown once, then useless)."""
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(
            _("Choose an expiry in the future: a credential issued already expired would never work."),
            code="expires_in_past",
            field="expires_at",
        )


def api_key_issue(
    *, by: User, system: System, name: str, scopes: Iterable[str], expires_at: datetime | None = None
) -> Issued:
    """Issue a key for ``system`` with ``scopes``; the secret is in the result only."""
    _require_province_admin(by)
    credential_expiry_check(expires_at)
    wanted = sorted(set(scopes))
    unknown = set(wanted) - set(Scope.values)
    if unknown or not wanted:
        raise InvalidInput(_("Choose one or more of the known scopes."), code="scopes_invalid", field="scopes")
    prefix, secret = _new_secret(SYSTEM_KEY)
    with transaction.atomic():
        key = ApiKey.objects.create(
            system=system,
            name=clean(name)[:120] or system.code,
            prefix=prefix,
            secret_hash=secret_digest(secret),
            scopes=wanted,
            expires_at=expires_at,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="integrations.api_key_issue",
            target=f"system:{system.pk}",
            data={"key": key.pk, "prefix": prefix, "scopes": wanted},
        )
    return Issued(credential=key, secret=secret)


def api_key_revoke(*, by: User, key: ApiKey) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing."""
    _require_province_admin(by)
    if key.revoked_at is not None:
        return key
    with transaction.atomic():
        key.revoked_at, key.revoked_by = timezone.now(), by
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            action="integrations.api_key_revoke",
            target=f"system:{key.system_id}",
            data={"key": key.pk, "prefix": key.prefix},
        )
    return key


def officer_token_holder_check(user: User, *, by: User | None = None) -> None:
    """Refuse an account that may not hold an officer's token: inactive, without a role in force (in an
    active agency), or without a confirmed TOTP device (a token must not bypass the office's second factor).

    A refusal for the missing device is audited when ``by``, who asked for the token, is given.
    """
    if not user.is_active or not StaffRole.objects.in_force().filter(user=user).exists():
        raise InvalidInput(
            _("Only an active official holding a role in an agency can have an API token."),
            code="not_an_officer",
            field="user",
        )
    if not totp_confirmed(user=user):
        if by is not None:
            audit_record(
                actor=by,
                action="integrations.officer_token_refuse",
                target=f"user:{user.pk}",
                data={"reason": "totp_required"},
            )
        raise InvalidInput(
            _(
                "This official has no confirmed authenticator app (TOTP), so no API token can be issued to them: "
                "they set one up at their next sign-in to the office."
            ),
            code="totp_required",
            field="user",
        )


def officer_token_issue(*, by: User, user: User, name: str, expires_at: datetime | None = None) -> Issued:
    """Issue a personal token to an officer (by the officer or a province admin).

    The token acts as the officer with the roles in force they hold at each call, so taking a role away (or
    making its agency inactive) takes effect at once. Accounts without any role in force, or without a confirmed
    TOTP device, get no token.
    """
    if by.pk != user.pk:
        _require_province_admin(by)
    officer_token_holder_check(user, by=by)
    credential_expiry_check(expires_at)
    prefix, secret = _new_secret(OFFICER_TOKEN)
    expires_at = expires_at or timezone.now() + timedelta(days=OFFICER_TOKEN_DAYS)
    with transaction.atomic():
        token = OfficerToken.objects.create(
            user=user,
            name=clean(name)[:120] or user.get_username(),
            prefix=prefix,
            secret_hash=secret_digest(secret),
            expires_at=expires_at,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="integrations.officer_token_issue",
            target=f"user:{user.pk}",
            data={"token": token.pk, "prefix": prefix, "expires_at": expires_at},
        )
    return Issued(credential=token, secret=secret)


def officer_token_revoke(*, by: User, token: OfficerToken) -> OfficerToken:
    """Revoke a token (by its officer or a province admin); revoking twice changes nothing."""
    if by.pk != token.user_id:
        _require_province_admin(by)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            action="integrations.officer_token_revoke",
            target=f"user:{token.user_id}",
            data={"token": token.pk, "prefix": token.prefix},
        )
    return token


def credential_touch(*, credential: ApiKey | OfficerToken, now: datetime | None = None) -> None:
    """Record that the credential was used, at most once every few minutes."""
    now = now or timezone.now()
    if credential.last_used_at is not None and now - credential.last_used_at < TOUCH_EVERY:
        return
    type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now
