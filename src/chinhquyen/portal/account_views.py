"""The applicant's account on the portal: sign in (national identity or local account), sign up, profile.

Officials are never applicants here: their office session does not open the profile, and their
accounts cannot sign in through these pages (see ``chinhquyen.identity``).
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.core.access import access
from chinhquyen.core.clear_site_data import clear_site_data_signed_out
from chinhquyen.core.clients import client_of_address
from chinhquyen.core.errors import DomainError
from chinhquyen.identity import services, throttle
from chinhquyen.identity.selectors import account_profile

from .account_forms import CodeForm, ContactForm, SignInForm, SignUpForm
from .account_oidc import national_identity_enabled
from .account_session import LOCAL_ACCOUNT, citizen_session_begin, citizen_session_end
from .applicant import is_applicant

PENDING_KEY = "identity_signup_pending"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a class path
SIGNUP_LIMIT_PER_ADDRESS = 10


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` if it stays on this site, else the profile page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _here_with_next(request: HttpRequest, next_url: str) -> str:
    """This page's address with where to go after it: a language switched after a refused POST (whose address
    has no ``?next``) comes back to the page that still knows where the person was going."""
    return f"{request.path}?{urlencode({'next': next_url})}"


def _form_error(form: Form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _sign_in(request: HttpRequest, user: Any) -> None:
    auth.login(request, user, backend=PASSWORD_BACKEND)
    citizen_session_begin(request, user, method=LOCAL_ACCOUNT)


@access(public=True, description="Applicants' sign-in page: national identity, or a local account where allowed")
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if request.method == "GET" and is_applicant(request.user):
        return redirect(next_url)
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not settings.LOCAL_ACCOUNTS_ENABLED:
            raise Http404
        if form.is_valid():
            try:
                user = services.local_sign_in(login=form.cleaned_data["login"], password=form.cleaned_data["password"])
            except DomainError as exc:
                if exc.code == "account_unverified":
                    request.session[PENDING_KEY] = {"account": exc.params["account_id"], "next": next_url}
                    messages.info(request, exc.message)
                    return redirect("portal:signup_verify")
                _form_error(form, exc)
            else:
                _sign_in(request, user)
                return redirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "national_identity": national_identity_enabled(),
        "local_accounts": settings.LOCAL_ACCOUNTS_ENABLED,
        "language_next": _here_with_next(request, next_url),
    }
    return render(request, "portal/account/login.html", context, status=400 if form.errors else 200)


@access(public=True, description="Sign out (POST only, so that a link cannot sign anyone out)")
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    citizen_session_end(request)
    messages.success(request, _("You have signed out."))
    # The browser forgets its copies of the pages seen (the e-form is not no-store) and what they stored.
    return clear_site_data_signed_out(redirect("portal:home"))


def _client(request: HttpRequest) -> str:
    # One IPv6 subscriber holds a whole /64: counted as one client, as the lookup and petitions count them.
    return client_of_address(str(request.META.get("REMOTE_ADDR", "")))


@access(public=True, description="Make a local account (where the province allows): step 1, the details")
@sensitive_post_parameters("password", "password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.LOCAL_ACCOUNTS_ENABLED:
        raise Http404
    next_url = _next(request)
    if request.method == "GET" and is_applicant(request.user):
        # Already signed in: a sign-up finished here would swap their account for the new one unasked.
        return redirect(next_url)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if throttle.is_locked(scope="signup", value=_client(request)):
            form.add_error(None, _("Too many sign-ups were tried from your connection. Try again in 15 minutes."))
        else:
            # Every try counts, refused ones too: else the limits per address could be probed without end.
            throttle.count(scope="signup", value=_client(request), limit=SIGNUP_LIMIT_PER_ADDRESS)
            data = form.cleaned_data
            try:
                account = services.local_signup_start(
                    login=data["login"],
                    password=data["password"],
                    name=data["name"],
                    personal_id=data["personal_id"],
                    birth_date=data["birth_date"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                # The same for a login that already has an account (the service answers alike): the page
                # must not tell whether it has one.
                attempt = services.local_signup_attempt(account=account)
                request.session[PENDING_KEY] = {"account": account.pk, "attempt": attempt, "next": next_url}
                return redirect("portal:signup_verify")
    context = {"form": form, "next": next_url, "language_next": _here_with_next(request, next_url)}
    return render(request, "portal/account/signup.html", context, status=400 if form.errors else 200)


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    return pending if isinstance(pending, dict) and "account" in pending else None


def _pending_gone(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # The account of this session's sign-up was replaced by one started again: back to the form.
    request.session.pop(PENDING_KEY, None)
    messages.warning(request, exc.message)
    return redirect("portal:signup")


@access(public=True, description="Make a local account: step 2, the one-time code (needs step 1 in the session)")
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def signup_verify(request: HttpRequest) -> HttpResponse:
    if not settings.LOCAL_ACCOUNTS_ENABLED:
        raise Http404  # also when turned off while a sign-up was pending: it cannot be finished any more
    pending = _pending(request)
    if pending is None:
        messages.warning(request, _("Start by filling in the sign-up form."))
        return redirect("portal:signup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.local_signup_verify(
                account_id=pending["account"], code=form.cleaned_data["code"], attempt=pending.get("attempt")
            )
        except DomainError as exc:
            if exc.code == services.SIGNUP_GONE:
                return _pending_gone(request, exc)
            _form_error(form, exc)
        else:
            request.session.pop(PENDING_KEY, None)
            _sign_in(request, user)
            messages.success(request, _("Your account is ready. You are signed in."))
            return redirect(safe_next(request, pending.get("next")))
    return render(request, "portal/account/verify.html", {"form": form}, status=400 if form.errors else 200)


@access(public=True, description="Make a local account: send a new one-time code (POST, rate-limited)")
@require_POST
def signup_resend(request: HttpRequest) -> HttpResponse:
    if not settings.LOCAL_ACCOUNTS_ENABLED:
        raise Http404
    pending = _pending(request)
    if pending is None:
        return redirect("portal:signup")
    try:
        services.local_code_resend(account_id=pending["account"], attempt=pending.get("attempt"))
    except DomainError as exc:
        if exc.code == services.SIGNUP_GONE:
            return _pending_gone(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new code is on its way. Earlier codes no longer work."))
    return redirect("portal:signup_verify")


@access(
    signed_in=is_applicant,
    login_url="portal:login",
    description="An applicant's own profile: identity details read-only, contact details editable",
)
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    current = account_profile(user=request.user)
    applicant = current.applicant
    if applicant is None:  # the access policy lets only applicants in; a race with an account change
        raise PermissionDenied
    initial = {"phone": applicant.phone, "email": applicant.email, "address": applicant.address}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_contact_update(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your contact details are saved."))
            return redirect("portal:profile")
    context = {"profile": current, "applicant": applicant, "form": form}
    return render(request, "portal/account/profile.html", context, status=400 if form.errors else 200)
