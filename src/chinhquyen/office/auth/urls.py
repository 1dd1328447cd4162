from django.urls import path

from . import views

app_name = "auth"
urlpatterns = [
    path("login/", views.login_password, name="login"),
    path("login/code/", views.login_code, name="code"),
    path("totp/setup/", views.totp_setup, name="totp_setup"),
    path("logout/", views.logout, name="logout"),
    path("account/", views.account, name="account"),
]
