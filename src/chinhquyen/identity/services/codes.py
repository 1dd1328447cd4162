"""One-time codes for local accounts: six digits, stored as a salted HMAC, expiring, few attempts.

A *void* code is recorded where a sign-up on an address that already has an account would have sent one:
it is never sent, nothing matches it, and it counts towards the same limits as a sent code. An address whose
account signs in only through the national identity has no local account to hold them: an unsaved
:class:`LocalAccount` stands for it (``local``), and its codes are held by the address (``OneTimeCode.login``).
"""

import enum
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import LocalAccount, OneTimeCode

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
MAX_CODES_PER_HOUR = 5
_HMAC_SALT = "chinhquyen.identity.one-time-code"
VOID_HASH = ""  # the hash of a void code: no digest of any code is empty


class CodeCheck(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


def _codes(account: LocalAccount) -> QuerySet[OneTimeCode]:
    """The codes of ``account``; those of an unsaved stand-in for an address are the ones held by that address."""
    if account.pk is None:
        return OneTimeCode.objects.filter(account__isnull=True, login=account.login)
    return OneTimeCode.objects.filter(account=account)


def _holder(account: LocalAccount) -> dict[str, Any]:
    """The fields that make a new code ``account``'s (see :func:`_codes`)."""
    return {"account": None, "login": account.login} if account.pk is None else {"account": account}


def _digest(salt: str, code: str) -> str:
    return salted_hmac(_HMAC_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()


def code_issue(*, account: LocalAccount) -> str:
    """Store a new code for ``account`` (earlier ones stop working) and return it in clear, to be sent."""
    now = timezone.now()
    _codes(account).filter(used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    OneTimeCode.objects.create(
        **_holder(account), salt=salt, code_hash=_digest(salt, code), created_at=now, expires_at=now + CODE_TTL
    )
    return code


def code_issue_void(*, account: LocalAccount) -> OneTimeCode:
    """Store a void code for ``account`` as :func:`code_issue` stores a sent one; earlier ones stop working."""
    now = timezone.now()
    _codes(account).filter(used_at__isnull=True).update(used_at=now)
    return OneTimeCode.objects.create(
        **_holder(account), salt="", code_hash=VOID_HASH, created_at=now, expires_at=now + CODE_TTL
    )


def codes_void_renew(*, account: LocalAccount) -> OneTimeCode:
    """Start a new void attempt on ``account``: its void codes are replaced by spent copies, then a new one issued.

    The copies have new ids, so a browser holding an earlier attempt finds it gone, as it finds a replaced
    sign-up gone; those of the last hour still count towards the limits, as :func:`codes_carry_over` keeps them.
    """
    void = list(_codes(account).filter(code_hash=VOID_HASH))
    since = timezone.now() - timedelta(hours=1)
    OneTimeCode.objects.filter(pk__in=[code.pk for code in void]).delete()
    codes_carry_over(codes=[code for code in void if code.created_at > since], account=account)
    return code_issue_void(account=account)


def code_find(*, account: LocalAccount, code_id: int) -> OneTimeCode | None:
    """The code ``code_id`` of ``account``; None once it was replaced (with its account, or by a new attempt)."""
    return _codes(account).filter(pk=code_id).first()


def code_latest_id(*, account: LocalAccount) -> int | None:
    """The id of the code last stored for ``account``: the one a sign-up just issued."""
    return _codes(account).order_by("-pk").values_list("pk", flat=True).first()


def code_is_void(*, code: OneTimeCode) -> bool:
    return code.code_hash == VOID_HASH


def code_resend_wait(*, account: LocalAccount) -> int:
    """Seconds before another code may be sent to ``account`` (0: now)."""
    now = timezone.now()
    recent = list(_codes(account).filter(created_at__gt=now - timedelta(hours=1)).values_list("created_at", flat=True))
    if not recent:
        return 0
    wait = max(recent) + RESEND_AFTER - now
    if len(recent) >= MAX_CODES_PER_HOUR:
        wait = max(wait, min(recent) + timedelta(hours=1) - now)
    return max(0, int(wait.total_seconds()) + (1 if wait.microseconds else 0))


def codes_recent(*, account: LocalAccount) -> list[OneTimeCode]:
    """The codes sent to ``account`` within the hour: what :func:`code_resend_wait` counts."""
    return list(_codes(account).filter(created_at__gt=timezone.now() - timedelta(hours=1)))


def codes_carry_over(*, codes: list[OneTimeCode], account: LocalAccount) -> None:
    """Record ``codes`` of a replaced sign-up on ``account``, its replacement at the same address, as spent.

    They no longer work, but still count towards the limits of :func:`code_resend_wait`.
    """
    now = timezone.now()
    OneTimeCode.objects.bulk_create(
        OneTimeCode(
            **_holder(account),
            salt=code.salt,
            code_hash=code.code_hash,
            created_at=code.created_at,
            expires_at=code.expires_at,
            attempts=code.attempts,
            used_at=code.used_at or now,
        )
        for code in codes
    )


def code_check(*, account: LocalAccount, code: str) -> CodeCheck:
    """Check ``code`` against the account's live code, counting a wrong one; the caller holds the row lock."""
    now = timezone.now()
    current = _codes(account).filter(used_at__isnull=True).order_by("-created_at", "-pk").first()
    if current is None or current.expires_at <= now:
        return CodeCheck.EXPIRED
    if current.attempts >= MAX_ATTEMPTS:
        return CodeCheck.EXHAUSTED
    # A void code is refused explicitly, not only because no digest is empty.
    if current.code_hash != VOID_HASH and constant_time_compare(current.code_hash, _digest(current.salt, code)):
        current.used_at = now
        current.save(update_fields=["used_at"])
        return CodeCheck.OK
    current.attempts += 1
    current.save(update_fields=["attempts"])
    return CodeCheck.EXHAUSTED if current.attempts >= MAX_ATTEMPTS else CodeCheck.WRONG
