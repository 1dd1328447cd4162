"""Officials' sign-in: password, then a TOTP code; first-time enrolment of an authenticator app."""

from typing import Any

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyen.core.access import access
from chinhquyen.core.clear_site_data import clear_site_data_signed_out
from chinhquyen.directory.selectors import user_roles

from . import flow, throttle
from .access import is_verified, officer_access
from .forms import CodeForm, PasswordForm
from .rendering import render


def _invalid_credentials() -> str:
    # One message for unknown users, wrong passwords and non-officials: it reveals nothing.
    return _("The username or password is not correct.")


def _locked() -> str:
    return _("Too many failed attempts. Sign-in is blocked for 15 minutes for this username.")


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("Your sign-in has expired. Please enter your username and password again."))
    return redirect("office:auth:login")


@access(public=True, description="Officials' sign-in, step 1: username and password")
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    next_url = flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if is_verified(request.user) and flow.is_official(request.user):
        return redirect(next_url)
    form = PasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if throttle.login_locked(username=username):
            form.add_error(None, _locked())
        else:
            user = auth.authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None or not flow.is_official(user):
                throttle.login_failed(username=username)
                form.add_error(None, _invalid_credentials())
            else:
                flow.pending_start(request, user=user, next_url=next_url)
                if flow.confirmed_device_exists(user=user):
                    return redirect("office:auth:code")
                return redirect("office:auth:totp_setup")
    status = 400 if request.method == "POST" else 200
    return render(request, "office/auth/login.html", {"form": form, "next": next_url}, status=status)


@access(public=True, description="Officials' sign-in, step 2: the TOTP code (needs step 1 in the session)")
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = flow.pending_get(request)
    if pending is None:
        return _start_again(request)
    user = pending.user
    if not flow.confirmed_device_exists(user=user):
        return redirect("office:auth:totp_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        checked = flow.code_check(user=user, code=form.cleaned_data["code"])
        if checked == flow.CODE_LOCKED:
            flow.pending_clear(request)
            form.add_error(None, _locked())
        elif isinstance(checked, str):
            form.add_error(None, flow.code_refusal_message(checked))
        else:
            flow.login_complete(request, pending=pending, device=checked)
            return redirect(pending.next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "office/auth/code.html", {"form": form}, status=status)


@access(public=True, description="First-time authenticator enrolment (needs step 1 in the session)")
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    pending = flow.pending_get(request)
    if pending is None:
        return _start_again(request)
    user = pending.user
    if flow.confirmed_device_exists(user=user):
        # Adding a device must never bypass the one already enrolled.
        return redirect("office:auth:code")
    device = flow.enrolment_device(request, pending=pending)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        if throttle.login_locked(username=username):
            flow.pending_clear(request)
            form.add_error(None, _locked())
        elif flow.enrolment_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            flow.login_complete(request, pending=pending, device=device)
            messages.success(request, _("Your authenticator app is set up. Use it every time you sign in."))
            return redirect(pending.next_url)
        else:
            throttle.login_failed(username=username)
            form.add_error(None, _("The code is not correct. Check that you added the key shown on this page."))
    context: dict[str, Any] = {
        "form": form,
        "qr_data_uri": flow.enrolment_qr(device),
        "secret": flow.enrolment_secret(device),
    }
    return render(request, "office/auth/setup.html", context, status=400 if request.method == "POST" else 200)


@access(public=True, description="Sign out (POST only, so that a link cannot sign anyone out)")
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    flow.logout(request)
    messages.success(request, _("You have signed out."))
    return clear_site_data_signed_out(redirect("office:auth:login"))


@officer_access()
@never_cache
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    roles = user_roles(user=request.user).order_by("agency__code", "role")  # type: ignore[arg-type]
    return render(request, "office/auth/account.html", {"roles": roles})
