"""Local accounts (tài khoản do cổng cấp): an e-mail address or mobile number and a password.

The account stays inactive until the applicant types back the one-time code sent to that address;
only then is the citizen record created from what they typed at sign-up. A province turns local
accounts off with ``LOCAL_ACCOUNTS_ENABLED=false`` (national identity only); sign-ups still pending
can then no longer be finished.

The limits on codes (a minute between two, five an hour, five guesses each) hold per address: starting
the sign-up again on the same address replaces the pending account but keeps the count of codes sent.

A sign-up on the address of a verified account is answered as a new one, so that the page does not tell
who has an account (account enumeration): nothing is created or changed, a void code (see ``codes``)
stands in for the code, so the code page refuses every code under the same limits, and the owner is
told by a message to the address. So is a sign-up on the e-mail or phone of an account that signs in
through the national identity (VNeID) and has no local account there: an unsaved stand-in answers for that
address (its void codes are held by the address), no second account is made, and the owner is told that
they sign in with VNeID, once a day at most. A sign-up left pending on such an address since before its
owner's first VNeID sign-in is never finished: the next step on it drops it and answers as on that address,
and the owner's notice says that the code sent there earlier no longer works (rather than that none was sent).

A sign-up with the personal ID number of a registered applicant is answered as one with a free number
too: the code goes to the address given, and the record's account (if it has one) is told at its own
address, once a day at most (``id_notice``). Only whoever types the code back learns that no account can
be made with these details; a sign-up pending on another address with the same number does not stop this
one, and the first to type its code back gets the record.
"""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyen.core.audit import audit_record
from chinhquyen.core.errors import InvalidInput, NotAllowed
from chinhquyen.core.text import clean
from chinhquyen.directory import services as directory_services
from chinhquyen.directory.models import User
from chinhquyen.directory.selectors import identifier_normal
from chinhquyen.directory.validators import validate_personal_id

from .. import throttle
from ..claims import email_normalise, login_masked, phone_normalise
from ..delivery import code_deliver, signup_taken_deliver
from ..models import Channel, LocalAccount, OneTimeCode
from ..selectors import identity_accounts_at_address, local_account_for_login, user_is_official
from ..sms import sms_available
from .accounts import user_names_set, username_new
from .codes import (
    CODE_TTL,
    VOID_HASH,
    CodeCheck,
    code_check,
    code_find,
    code_is_void,
    code_issue,
    code_issue_void,
    code_latest_id,
    code_resend_wait,
    codes_carry_over,
    codes_recent,
    codes_void_renew,
)
from .id_notice import signup_id_owner_tell, signup_identity_owner_tell

logger = logging.getLogger(__name__)

SIGN_IN_FAILURE_LIMIT = 5
# The error code of a pending sign-up that no longer exists: the portal sends the person back to the form.
SIGNUP_GONE = "signup_gone"
SIGN_IN_PATH = "/tai-khoan/dang-nhap/"  # where portal:login is mounted, if the URLConf has no portal


@dataclass(frozen=True)
class Login:
    channel: str
    value: str


def login_parse(value: str) -> Login:
    """An e-mail address (lower-cased) or a Vietnamese mobile number (``0xxxxxxxxx``)."""
    if "@" in (value or ""):
        if email := email_normalise(value):
            return Login(Channel.EMAIL, email)
    elif phone := phone_normalise(value):
        return Login(Channel.SMS, phone)
    raise InvalidInput(
        _("Enter an e-mail address or a Vietnamese mobile number such as 0912345678."),
        code="login_invalid",
        field="login",
    )


def _require_enabled() -> None:
    if not settings.LOCAL_ACCOUNTS_ENABLED:
        raise NotAllowed(
            _("This province does not offer local accounts. Sign in with the national identity (VNeID)."),
            code="local_accounts_disabled",
        )


def local_signup_start(*, login: str, password: str, name: str, personal_id: str, birth_date: date) -> LocalAccount:
    """Make an inactive account and send it a one-time code; an unfinished sign-up on the same login is replaced.

    Replacing it sends a code only when a resend would be allowed (:func:`local_code_resend`): whoever
    starts again, the address gets no more codes, and the code no more guesses, than by asking for them.

    On the login of a verified account, answer alike but change nothing: return that account as it is,
    with a void code in place of the code, and tell its owner (see the module's docstring); on the address
    of an account verified by the national identity, return an unsaved stand-in (its id is None). Callers must
    not show the account: keep its id and :func:`local_signup_attempt` for the code page, as for a new one.
    A registered personal ID number is not refused here either: :func:`local_signup_verify` refuses it.
    """
    _require_enabled()
    parsed = login_parse(login)
    if parsed.channel == Channel.SMS and not sms_available():
        raise InvalidInput(
            _("Codes cannot be sent by SMS at the moment. Sign up with an e-mail address."),
            code="sms_unavailable",
            field="login",
        )
    name = clean(name)
    if not name:
        raise InvalidInput(_("Enter your full name."), code="name_required", field="name")
    personal_id = identifier_normal(personal_id)  # typed in groups, or "０３７…" with an input method: "037…"
    try:
        validate_personal_id(personal_id, birth_date)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code=exc.code or "personal_id", field="personal_id") from exc
    user = User(username=username_new("local"), is_active=False)
    user_names_set(user, name=name)
    user.email = parsed.value if parsed.channel == Channel.EMAIL else ""
    user.phone = parsed.value if parsed.channel == Channel.SMS else ""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="password_weak", field="password") from exc
    # Hashed on every path past this point, a taken login's too: the time taken does not tell them apart.
    user.set_password(password)
    profile = {"name": name, "personal_id": personal_id, "birth_date": birth_date.isoformat()}
    try:
        return _signup_begin(login=parsed, user=user, profile=profile)
    except IntegrityError:
        # Another sign-up on this free login made its account first (a double-clicked button): start again,
        # now on that pending account. ``user`` was saved in the rolled-back transaction: save it anew.
        user.pk = None
        user._state.adding = True
        return _signup_begin(login=parsed, user=user, profile=profile, repeated=password)


def _signup_begin(*, login: Login, user: User, profile: dict[str, str], repeated: str | None = None) -> LocalAccount:
    """The part of :func:`local_signup_start` under the login's lock; ``repeated``: the password, on a retry.

    On a retry, a pending account of the very same sign-up (same details, same password) is the answer: the
    other request sent its code, and both clicks land on the same code page.
    """
    with transaction.atomic():
        existing = LocalAccount.objects.select_for_update().filter(login=login.value).first()
        if repeated is not None and existing is not None and _same_signup(existing, profile, repeated):
            return existing
        taken = existing if existing is not None and existing.is_verified else _identity_only_login(login)
        if wait := max((code_resend_wait(account=held) for held in (existing, taken) if held is not None), default=0):
            raise InvalidInput(
                _(
                    "A code was sent to this address a moment ago: enter it on the code page, or wait "
                    "%(seconds)d seconds before signing up again with this address."
                )
                % {"seconds": wait},
                code="code_resend_wait",
                field="login",
                seconds=wait,
            )
        # A registered number goes on as a free one; only its account is told (module docstring).
        signup_id_owner_tell(
            personal_id=profile["personal_id"],
            sign_in_url=_sign_in_url(),
            except_user_id=taken.user_id if taken is not None else None,
        )
        if taken is not None:
            if taken is not existing and existing is not None and existing.user_id != taken.user_id:
                # Left pending since before the address's account signed in with the national identity: dropped,
                # its code with it; the codes it was sent still count towards the address's limits.
                codes_carry_over(codes=codes_recent(account=existing), account=taken)
                existing.user.delete()
                _signup_on_taken_login(taken, earlier_code=True)  # that sign-up's code went to the address
            else:
                _signup_on_taken_login(taken)
            return taken
        earlier_codes: list[OneTimeCode] = []
        if existing is not None:
            earlier_codes = codes_recent(account=existing)
            # An abandoned sign-up: no applicant, no dossier hangs on it. A new account (a new id) rather
            # than the old one updated: a browser still on the old code page cannot finish this one.
            existing.user.delete()
        user.save()
        account = LocalAccount.objects.create(
            user=user, login=login.value, channel=login.channel, pending_profile=profile
        )
        codes_carry_over(codes=earlier_codes, account=account)
        _send_code(account)
        audit_record(
            actor=None, action="identity.local_signup", target=f"user:{user.pk}", data={"channel": login.channel}
        )
    return account


def _same_signup(account: LocalAccount, profile: dict[str, str], password: str) -> bool:
    # Only a sign-up still pending: a verified account's answer stays the one for a taken login.
    return not account.is_verified and account.pending_profile == profile and account.user.check_password(password)


def _identity_only_login(login: Login) -> LocalAccount | None:
    """An unsaved stand-in for ``login`` if it is the address of an account verified by the national identity.

    Such an account may have no local account at all (no password: it signs in only through VNeID), or one
    on another address: either way, no local account holds this one, and a sign-up on it is answered as on a
    taken login without making a second account. The stand-in is never saved: its void codes are held by the
    address (``codes``); it is "verified" as of the account's first national identity sign-in.
    """
    owner = (
        identity_accounts_at_address(channel=login.channel, address=login.value)
        .select_for_update(of=("self",))  # as a taken login's account is locked: one attempt at a time
        .first()
    )
    if owner is None:
        return None
    return LocalAccount(
        user=owner,
        login=login.value,
        channel=login.channel,
        verified_at=owner.verified_identity.first_verified_at,
    )


def _signup_on_taken_login(account: LocalAccount, *, earlier_code: bool = False) -> None:
    """Record a void code in place of the code, and tell the owner by the way the code would have gone.

    The owner of an account that signs in through the national identity is told so, once a day at most.
    ``earlier_code``: see :func:`_taken_login_tell`.
    """
    codes_void_renew(account=account)
    _taken_login_tell(account, earlier_code=earlier_code)


def _taken_login_tell(account: LocalAccount, *, earlier_code: bool = False) -> None:
    """Tell the owner of the taken login ``account`` (see :func:`_signup_on_taken_login`), and audit.

    ``earlier_code``: a sign-up pending on the address since before its owner's first national identity sign-in
    was just dropped. It was sent a code there: the owner is told that this code no longer works, not that no
    code was sent.
    """
    data: dict[str, Any] = {"channel": account.channel}
    if account.pk is None:  # the stand-in of an address without a local account (_identity_only_login)
        signup_identity_owner_tell(
            channel=account.channel, to=account.login, sign_in_url=_sign_in_url(), earlier_code=earlier_code
        )
        data["national_identity"] = True
    else:
        signup_taken_deliver(channel=account.channel, to=account.login, sign_in_url=_sign_in_url())
    audit_record(actor=None, action="identity.local_signup_taken", target=f"user:{account.user_id}", data=data)


def _sign_in_url() -> str:
    try:
        path = reverse("portal:login")
    except NoReverseMatch:
        path = SIGN_IN_PATH
    return urljoin(settings.PUBLIC_BASE_URL, path)


def local_signup_attempt(*, account: LocalAccount) -> int | None:
    """What the code page keeps with the account's id, from :func:`local_signup_start`'s answer.

    A sign-up started again on a taken login keeps the same account: this tells the attempts apart, so that
    the older one is gone (:data:`SIGNUP_GONE`) as a replaced sign-up is.
    """
    return code_latest_id(account=account)


def _send_code(account: LocalAccount) -> None:
    code = code_issue(account=account)
    code_deliver(channel=account.channel, to=account.login, code=code, minutes=int(CODE_TTL.total_seconds() // 60))


CODE_MESSAGES = {
    CodeCheck.WRONG: lambda: _("The code is not correct. Check the latest message and try again."),
    CodeCheck.EXPIRED: lambda: _("The code has expired or was replaced. Ask for a new code."),
    CodeCheck.EXHAUSTED: lambda: _("Too many wrong codes. Ask for a new code."),
}


def _pending_account(account_id: int | None, attempt: int | None) -> LocalAccount:
    """The account ``account_id`` awaiting a code, locked; refused if local accounts were turned off meanwhile.

    ``attempt`` (:func:`local_signup_attempt`) must still be there; a verified account awaits a code only
    when the attempt is a sign-up on its taken login (its void code). A pending account whose address an
    account verified by the national identity holds by now is dropped (:func:`_pending_drop`): the stand-in of
    that address answers instead, as for a sign-up begun on it now.
    """
    _require_enabled()
    account = None
    if account_id is not None:
        account = LocalAccount.objects.select_for_update().select_related("user").filter(pk=account_id).first()
    if account is None:  # a sign-up on the address of an account without a local one (or dropped since)
        account = _held_attempt(attempt)
    elif not account.is_verified and (owner := _identity_only_login(Login(account.channel, account.login))):
        attempt = _pending_drop(account, owner=owner, attempt=attempt)
        account = owner
    started = code_find(account=account, code_id=attempt) if account is not None and attempt is not None else None
    if account is None or (attempt is not None and started is None):
        # Replaced by a sign-up started again on the same address (here or in another browser).
        raise InvalidInput(
            _("This sign-up is no longer waiting for a code. Please start the sign-up again."),
            code=SIGNUP_GONE,
        )
    if account.is_verified and (started is None or not code_is_void(code=started)):
        raise InvalidInput(_("This account is already verified. Sign in."), code="account_verified")
    return account


def _pending_drop(account: LocalAccount, *, owner: LocalAccount, attempt: int | None) -> int | None:
    """Drop the pending ``account``, whose address ``owner`` (:func:`_identity_only_login`) holds by now.

    Begun while the address was free, and left pending since its owner's first national identity sign-in:
    dropped as :func:`_signup_begin` drops one, with the owner told and the sign-up audited as there. Its
    codes are held by the address from now on, so they still count towards the address's limits, and turn
    void where they are (same ids, the live one still live): the browser that began it goes on as on a taken
    login, every code refused and counted. Return the attempt to go on with: ``attempt``, or the live code's.
    """
    codes = OneTimeCode.objects.filter(account=account)
    live = codes.filter(used_at__isnull=True).values_list("pk", flat=True).first()
    held = OneTimeCode.objects.filter(account__isnull=True, login=account.login, used_at__isnull=True)
    held.update(used_at=timezone.now())  # an earlier attempt held by the address stops, as a new one stops it
    codes.update(account=None, login=account.login, salt="", code_hash=VOID_HASH)
    account.user.delete()
    _taken_login_tell(owner, earlier_code=True)
    return attempt if attempt is not None else live


def _held_attempt(attempt: int | None) -> LocalAccount | None:
    """The unsaved stand-in (:func:`_identity_only_login`) whose address holds the code ``attempt``, if it does."""
    code = (
        OneTimeCode.objects.select_for_update().filter(pk=attempt, account__isnull=True).first()
        if attempt is not None
        else None
    )
    if code is None:
        return None
    return LocalAccount(login=code.login, channel=login_parse(code.login).channel, verified_at=code.created_at)


def local_signup_verify(*, account_id: int | None, code: str, attempt: int | None = None) -> User:
    """Activate the account if ``code`` is its live code, and create the citizen record; count a wrong code.

    On a taken login the live code is void: every code is wrong, and counted; so it is on a pending account's
    address that an account verified by the national identity holds by now (:func:`_pending_account`).
    """
    with transaction.atomic():
        account = _pending_account(account_id, attempt)
        outcome = code_check(account=account, code=code)
        if outcome == CodeCheck.OK:
            return _activate(account)
    # Outside the block: the wrong attempt just counted is committed, not rolled back with the error.
    raise InvalidInput(CODE_MESSAGES[outcome](), code=f"code_{outcome}", field="code")


def _activate(account: LocalAccount) -> User:
    user = account.user
    profile = account.pending_profile
    try:
        applicant = directory_services.citizen_create(
            name=profile["name"],
            personal_id=profile["personal_id"],
            birth_date=date.fromisoformat(profile["birth_date"]),
            user=user,
            email=user.email,
            phone=user.phone,
        )
    except ValidationError as exc:
        # The number is registered, before this sign-up or since: the answer comes only now, to whoever
        # proved the address, and does not say which detail stood in the way.
        raise InvalidInput(
            _(
                "An account cannot be made with these details. If you already have an account on the portal, "
                "sign in with it or with the national identity (VNeID); otherwise ask at the one-stop counter."
            ),
            code="personal_id_taken",
        ) from exc
    user.is_active = True
    user.save(update_fields=["is_active"])
    account.verified_at = timezone.now()
    account.pending_profile = {}
    account.save(update_fields=["verified_at", "pending_profile"])
    audit_record(
        actor=user,
        action="identity.local_verify",
        target=f"applicant:{applicant.pk}",
        data={"user": user.pk, "channel": account.channel},
    )
    return user


def local_code_resend(*, account_id: int | None, attempt: int | None = None) -> None:
    """Send a new code unless one was sent under a minute ago (or five within the hour).

    On a taken login, store a new void code instead: the owner was told once, at the sign-up.
    """
    with transaction.atomic():
        account = _pending_account(account_id, attempt)
        if wait := code_resend_wait(account=account):
            raise InvalidInput(
                _("Please wait %(seconds)d seconds before asking for a new code.") % {"seconds": wait},
                code="code_resend_wait",
                seconds=wait,
            )
        if account.is_verified:  # let through by _pending_account only for a sign-up on its taken login
            code_issue_void(account=account)
        else:
            _send_code(account)


def local_sign_in(*, login: str, password: str) -> User:
    """Return the account if ``login`` and ``password`` match; failures are counted per login."""
    _require_enabled()
    try:
        key = login_parse(login).value
    except InvalidInput:
        key = (login or "").strip().lower()
    if throttle.is_locked(scope="local-login", value=key):
        raise NotAllowed(
            _("Too many failed attempts. Sign-in is blocked for 15 minutes for this account."), code="sign_in_locked"
        )
    account = local_account_for_login(login=key)
    if account is None:
        User().set_password(password)  # the same work as a real check: timing does not tell who has an account
    if account is None or not account.user.check_password(password) or user_is_official(user=account.user):
        locked = throttle.count(scope="local-login", value=key, limit=SIGN_IN_FAILURE_LIMIT)
        logger.warning("Local account sign-in failed for %r%s", login_masked(key), "; locked" if locked else "")
        raise InvalidInput(_("The e-mail address, phone number or password is not correct."), code="sign_in_invalid")
    if not account.is_verified:
        raise InvalidInput(
            _("This account is not verified yet. Enter the code we sent you."),
            code="account_unverified",
            account_id=account.pk,
        )
    if not account.user.is_active:
        raise NotAllowed(_("This account is locked. Please contact the one-stop counter."), code="identity_inactive")
    throttle.reset(scope="local-login", value=key)
    return account.user
