"""An official's own API tokens: the list, a new token (its value shown once) and revoking one.

Issuing and revoking are the integrations services' (audited there); a token acts as the official with
the roles they hold at each call. Pages showing a token's value are never cached. A new token needs a
current code from the official's authenticator app, checked as at sign-in: a stolen session alone cannot
mint a credential that outlives it. Wrong codes count towards the sign-in lockout of the username; the form
sent again with the code a token was just issued from (a double click, a reload) is no wrong code: the answer
names that token, to revoke if its value was lost.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.errors import DomainError
from chinhquyen.integrations.models import OfficerToken
from chinhquyen.integrations.selectors import credential_state, officer_token_of, officer_tokens_of
from chinhquyen.integrations.services import Issued, officer_token_issue, officer_token_revoke

from ..auth import flow
from ..auth.forms import CodeField
from ..forms import OfficeForm
from ..permissions import officer_access
from .common import OfficerRequest

LIFETIME_DAYS = (30, 90, 365)
# How long the token issued from a code is remembered for a repeat of the form: longer than any double click or
# reload, short enough that the six digits hardly come round again meanwhile.
ISSUED_SECONDS = 5 * 60


def _lifetimes() -> list[tuple[int, str]]:
    # A callable: the labels are translated when the form is shown, in the request's language.
    return [(days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days}) for days in LIFETIME_DAYS]


class TokenForm(OfficeForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy("What the token is for, e.g. the computer or the script that uses it."),
        error_messages={"required": gettext_lazy("Give the token a name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        choices=_lifetimes,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how long the token is valid.")},
    )
    code = CodeField(
        label=gettext_lazy("Authentication code"),
        help_text=gettext_lazy(
            "The six digits your authenticator app shows now. A code works only once: if you have just signed in "
            "with it, wait for the next one."
        ),
        validators=[
            RegexValidator(r"^[0-9]{6}$", gettext_lazy("Enter the six digits shown in your authenticator app."))
        ],
        error_messages={"required": gettext_lazy("Enter the code from your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )


def _no_device() -> str:
    return _(
        "Your account has no confirmed authenticator app, so you cannot create a token. Sign out and sign in "
        "again to set one up."
    )


def _code_error(request: OfficerRequest, code: str) -> str | None:
    """Why ``code`` is refused (None if a confirmed device accepts it), checked as at sign-in."""
    checked = flow.code_check(user=request.user, code=code)
    if checked == flow.CODE_LOCKED:
        return _(
            "Too many failed attempts for your username: creating tokens and signing in are blocked for 15 minutes."
        )
    return flow.code_refusal_message(checked) if isinstance(checked, str) else None


def _issued_key(user: Any, code: str) -> str:
    # A keyed digest: the cache never holds the code, nor six digits anyone could look up.
    digest = salted_hmac("chinhquyen.office.tokens.issued", f"{user.pk}:{code}", algorithm="sha256").hexdigest()
    return f"office-tokens:issued:{digest}"


def _issued_from(user: Any, code: str) -> OfficerToken | None:
    """The token just issued to ``user`` from ``code``, when this is the form sent again; else None."""
    pk = cache.get(_issued_key(user, code))
    return officer_token_of(user=user, pk=pk) if isinstance(pk, int) else None


def _issue(request: OfficerRequest, form: TokenForm) -> Issued | OfficerToken | None:
    """The token issued from the form; the one already issued from its code (a repeat); None with the form's errors.

    The official's devices stay locked until the token is issued and remembered: the second request of a double
    click, sent before the first is answered, waits here and then finds the token instead of the code used.
    """
    code = form.cleaned_data["code"]
    with transaction.atomic():
        list(TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True).values_list("pk"))
        repeated = _issued_from(request.user, code)
        if repeated is not None:
            return repeated
        refused = _code_error(request, code)
        if refused is not None:
            form.add_error("code", refused)
            form.mark_invalid()
            return None
        expires_at = timezone.now() + timedelta(days=form.cleaned_data["days"])
        try:
            issued = officer_token_issue(
                by=request.user, user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return None
        cache.set(_issued_key(request.user, code), issued.credential.pk, ISSUED_SECONDS)
    return issued


def _list(
    request: OfficerRequest, form: TokenForm, *, status: int = 200, repeated: OfficerToken | None = None
) -> HttpResponse:
    now = timezone.now()
    rows = [(token, credential_state(token, now)) for token in officer_tokens_of(user=request.user)]
    context = {
        "rows": rows,
        "form": form,
        "nav": "tokens",
        "no_device": None if flow.confirmed_device_exists(user=request.user) else _no_device(),
        "repeated": repeated,
    }
    return render(request, "office/tokens/list.html", context, status=status)


@officer_access()
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: OfficerRequest) -> HttpResponse:
    """GET lists the official's tokens with the form for a new one; POST issues it and shows its value once.

    The POST needs a current code from the official's authenticator app; without it nothing is issued.
    """
    if request.method == "GET":
        return _list(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    if not flow.confirmed_device_exists(user=request.user):
        form.add_error(None, _no_device())
        return _list(request, form, status=400)
    issued = _issue(request, form)
    if issued is None:
        return _list(request, form, status=400)
    if isinstance(issued, OfficerToken):
        # The form sent again: its value was on the first answer, which the browser dropped.
        return _list(request, TokenForm(), repeated=issued)
    context = {"token": issued.credential, "secret": issued.secret, "nav": "tokens"}
    return render(request, "office/tokens/created.html", context)


@officer_access()
@never_cache
@require_http_methods(["GET", "POST"])
def token_revoke(request: OfficerRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST revokes the token at once. Another official's token is 404."""
    token = officer_token_of(user=request.user, pk=pk)
    if token is None:
        raise Http404
    if request.method == "GET":
        return render(request, "office/tokens/revoke.html", {"token": token, "nav": "tokens"})
    if token.revoked_at is not None:
        messages.info(request, _("The token “%(name)s” was already revoked.") % {"name": token.name})
        return redirect("office:tokens")
    officer_token_revoke(by=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("office:tokens")
