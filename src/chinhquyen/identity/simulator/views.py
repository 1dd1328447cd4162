"""The simulator's endpoints: discovery, authorise (a page), token, userinfo and JWKS."""

import base64
import binascii
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.core.access import access

from .forms import PersonForm
from .identities import DEMO_PEOPLE, demo_person, person_claims
from .keys import ALGORITHM, jwks
from .tokens import (
    ACCESS_TOKEN_SECONDS,
    Grant,
    GrantError,
    access_token_issue,
    access_token_read,
    code_issue,
    code_redeem,
    id_token_issue,
)

SCOPES = ["openid", "profile", "email", "phone", "address"]
CLAIMS = ["sub", "personal_id", "name", "birthdate", "phone_number", "email", "address", "organisation"]


def simulator_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 unless ``IDP_SIMULATOR`` is on (the URLs are not even mounted otherwise)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.IDP_SIMULATOR:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _issuer() -> str:
    return str(settings.IDP_SIMULATOR_ISSUER)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@access(public=True, description="Identity provider simulator: OpenID Connect discovery")
@simulator_only
@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    issuer = _issuer()
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "scopes_supported": SCOPES,
            "claims_supported": CLAIMS,
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


@access(public=True, description="Identity provider simulator: public signing keys")
@simulator_only
@require_GET
def jwks_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse(jwks())


@dataclass(frozen=True)
class AuthRequest:
    client_id: str
    redirect_uri: str
    response_type: str
    scope: str
    state: str
    nonce: str
    code_challenge: str
    code_challenge_method: str

    def redirect(self, **params: str) -> HttpResponseRedirect:
        if self.state:
            params["state"] = self.state
        separator = "&" if urlsplit(self.redirect_uri).query else "?"
        return HttpResponseRedirect(f"{self.redirect_uri}{separator}{urlencode(params)}")


def _redirect_uri_allowed(request: HttpRequest, redirect_uri: str) -> bool:
    """Only the portal's own callback, on this host or the public address: never an open redirect."""
    parts = urlsplit(redirect_uri)
    hosts = {request.get_host(), urlsplit(settings.PUBLIC_BASE_URL).netloc}
    return (
        parts.scheme in {"http", "https"}
        and parts.netloc in hosts
        and parts.path == reverse("oidc_authentication_callback")
    )


def _error_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "identity/simulator/error.html", {"message": message}, status=400)


@access(public=True, description="Identity provider simulator: choose who signs in (development only)")
@simulator_only
@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    q = request.GET
    auth = AuthRequest(
        client_id=q.get("client_id", ""),
        redirect_uri=q.get("redirect_uri", ""),
        response_type=q.get("response_type", ""),
        scope=q.get("scope", ""),
        state=q.get("state", ""),
        nonce=q.get("nonce", ""),
        code_challenge=q.get("code_challenge", ""),
        code_challenge_method=q.get("code_challenge_method", "plain" if q.get("code_challenge") else ""),
    )
    # Errors about the client or where to send the answer are shown here, never sent anywhere.
    if not auth.client_id or not constant_time_compare(auth.client_id, settings.OIDC_RP_CLIENT_ID):
        return _error_page(request, _("The application asking you to sign in is not registered."))
    if not _redirect_uri_allowed(request, auth.redirect_uri):
        return _error_page(request, _("The application asked to send the answer to an address it did not register."))
    if auth.response_type != "code":
        return auth.redirect(error="unsupported_response_type")
    if "openid" not in auth.scope.split():
        return auth.redirect(error="invalid_scope")
    if auth.code_challenge and auth.code_challenge_method not in {"S256", "plain"}:
        return auth.redirect(error="invalid_request", error_description="unsupported code_challenge_method")
    form = PersonForm()
    if request.method == "POST":
        if "cancel" in request.POST:
            return auth.redirect(error="access_denied")
        person = demo_person(request.POST.get("person", ""))
        if person is None:
            form = PersonForm(request.POST)
            if form.is_valid():
                person = form.person()
        if person is not None:
            grant = Grant(
                claims=person_claims(person),
                client_id=auth.client_id,
                redirect_uri=auth.redirect_uri,
                nonce=auth.nonce,
                code_challenge=auth.code_challenge,
                code_challenge_method=auth.code_challenge_method,
            )
            return auth.redirect(code=code_issue(grant))
    context = {"people": DEMO_PEOPLE, "form": form, "action": request.get_full_path()}
    return render(request, "identity/simulator/authorize.html", context, status=400 if form.errors else 200)


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _colon, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@access(public=True, description="Identity provider simulator: token endpoint (client authenticates itself)")
@simulator_only
@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    client_id, secret = _client_credentials(request)
    if not (
        client_id
        and constant_time_compare(client_id, settings.OIDC_RP_CLIENT_ID)
        and constant_time_compare(secret, settings.OIDC_RP_CLIENT_SECRET)
    ):
        return _no_store(JsonResponse({"error": "invalid_client"}, status=401))
    if request.POST.get("grant_type") != "authorization_code":
        return _no_store(JsonResponse({"error": "unsupported_grant_type"}, status=400))
    try:
        grant = code_redeem(
            request.POST.get("code", ""),
            client_id=client_id,
            redirect_uri=request.POST.get("redirect_uri", ""),
            code_verifier=request.POST.get("code_verifier", ""),
        )
    except GrantError as exc:
        return _no_store(JsonResponse({"error": "invalid_grant", "error_description": str(exc)}, status=400))
    body = {
        "access_token": access_token_issue(grant.claims, client_id=grant.client_id),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "id_token": id_token_issue(issuer=_issuer(), grant=grant),
    }
    return _no_store(JsonResponse(body))


@access(public=True, description="Identity provider simulator: userinfo (bearer token)")
@simulator_only
@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    claims = access_token_read(header[7:]) if header.startswith("Bearer ") else None
    if claims is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return _no_store(response)
    return _no_store(JsonResponse(claims))
