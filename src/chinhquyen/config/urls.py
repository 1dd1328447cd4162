from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from chinhquyen.core.clear_site_data import clear_site_data_signed_out
from chinhquyen.core.session_idle import keep_alive
from chinhquyen.office.auth.flow import logout as sign_out
from chinhquyen.portal.language_views import set_language


class OfficialsAdminSite(OTPAdminSite):
    """The admin for OTP-verified officials; signing in goes through the office's password + TOTP login."""

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("office:auth:login"))

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Audited as the office's sign-out is (Django's own records nothing); a GET is refused as before.
        if request.method == "POST":
            sign_out(request)
            return clear_site_data_signed_out(super().logout(request, extra_context))
        return super().logout(request, extra_context)


admin.site.__class__ = OfficialsAdminSite
admin.site.site_header = _("chinhquyen — administration")
admin.site.site_title = _("chinhquyen")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's language switch, which a signed-in applicant's notifications follow.
    path("i18n/setlang/", set_language, name="set_language"),
    # The session timeout warning's "stay signed in" (officials and citizens alike).
    path("session/keep-alive/", keep_alive, name="session_keep_alive"),
    path("office/", include("chinhquyen.office.urls")),
    path("api/v1/", include("chinhquyen.api.urls")),
    # Citizens' sign-in with the national identity (mozilla-django-oidc's views, declared public).
    path("oidc/", include("chinhquyen.portal.account_oidc")),
    path("", include("chinhquyen.portal.urls")),
]

if settings.SMS_SIMULATOR_PAGE:
    # The local SMS gateway's messages and API (development only; not mounted otherwise).
    urlpatterns.insert(0, path("sms-sim/", include("chinhquyen.notifications.sms.urls")))

if settings.POSTAL_SIMULATOR:
    # The local postal partner's API (development and tests only; production refuses the setting).
    urlpatterns.insert(0, path("postal-sim/", include("chinhquyen.postal.simulator.urls")))

if settings.IDP_SIMULATOR:
    # The local national identity provider (development and tests only; production refuses the setting).
    urlpatterns.insert(0, path("idp-sim/", include("chinhquyen.identity.simulator.urls")))
