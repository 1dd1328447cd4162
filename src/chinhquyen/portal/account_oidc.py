"""The portal's side of the national identity sign-in: mozilla-django-oidc's two views, declared public.

Mounted at ``/oidc/``: ``authenticate/`` sends the browser to the provider with a fresh state, nonce and
PKCE challenge kept in the session; ``callback/`` takes the code back and signs the person in through
:class:`chinhquyen.identity.backends.NationalIdentityBackend`. mozilla-django-oidc's GET-or-POST logout
view is not mounted: the portal's own sign-out (``portal:logout``) is a POST.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from chinhquyen.core.access import access
from chinhquyen.identity.backends import REFUSAL_ATTRIBUTE

from .account_session import NATIONAL_IDENTITY, citizen_session_begin

logger = logging.getLogger(__name__)


def national_identity_enabled() -> bool:
    return bool(settings.OIDC_OP_ISSUER)


@access(public=True, description="Start signing in with the national identity (redirect to the provider)")
@method_decorator(never_cache, name="dispatch")
class NationalIdentityStart(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not national_identity_enabled():
            raise Http404
        return super().get(request)


@access(public=True, description="Return from the national identity provider (state, nonce and token checked)")
@method_decorator(never_cache, name="dispatch")
class NationalIdentityCallback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not national_identity_enabled():
            raise Http404
        if request.GET.get("error"):
            return self._provider_error(request)
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ValueError) as exc:
            # A replayed or forged callback, a provider that is down or answers nonsense: no sign-in.
            logger.warning("National identity sign-in failed: %s", exc)
            return self.login_failure()

    def _provider_error(self, request: HttpRequest) -> HttpResponse:
        """The provider's error (or a link faking one): the pending sign-in ends, whoever is signed in stays.

        mozilla-django-oidc signs the current user out here, on a GET any page can link to; sign-out is a
        POST (``portal:logout``). Dropping the state keeps a later replay of it from being taken.
        """
        states = request.session.get("oidc_states")
        if isinstance(states, dict) and states.pop(request.GET.get("state", ""), None) is not None:
            request.session.modified = True
        return self.login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        citizen_session_begin(self.request, self.user, method=NATIONAL_IDENTITY)
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
        if refusal is not None:
            messages.error(request, refusal.message)
        elif request.GET.get("error") == "access_denied":
            messages.info(request, _("You cancelled signing in with the national identity."))
        else:
            messages.error(request, _("Signing in with the national identity did not succeed. Please try again."))
        url = reverse("portal:login")
        next_url = request.session.get("oidc_login_next")
        return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


urlpatterns = [
    path("authenticate/", NationalIdentityStart.as_view(), name="oidc_authentication_init"),
    path("callback/", NationalIdentityCallback.as_view(), name="oidc_authentication_callback"),
]
