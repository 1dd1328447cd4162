"""Mounted at ``/idp-sim/`` by the project's URLs when ``IDP_SIMULATOR`` is on."""

from django.urls import path

from . import views

app_name = "idp_sim"
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("userinfo", views.userinfo, name="userinfo"),
    path("jwks", views.jwks_view, name="jwks"),
]
