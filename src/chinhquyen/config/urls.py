from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("chinhquyen — administration")
admin.site.site_title = _("chinhquyen")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/", include("chinhquyen.office.urls")),
    path("", include("chinhquyen.portal.urls")),
]
