from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class OfficialsAdminSite(OTPAdminSite):
    """The admin for OTP-verified officials; signing in goes through the office's password + TOTP login."""

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("office:auth:login"))


admin.site.__class__ = OfficialsAdminSite
admin.site.site_header = _("chinhquyen — administration")
admin.site.site_title = _("chinhquyen")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/", include("chinhquyen.office.urls")),
    path("", include("chinhquyen.portal.urls")),
]
