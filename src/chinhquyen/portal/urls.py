from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("chinhquyen.portal.catalog_urls")),
    path("", include("chinhquyen.portal.lookup_urls")),
    path("", include("chinhquyen.portal.account_urls")),
    path("", include("chinhquyen.portal.mine_urls")),
    path("", include("chinhquyen.portal.feedback_urls")),
]
