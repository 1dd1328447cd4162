"""The applicant's account: sign in, sign out, sign up with a one-time code, profile."""

from django.urls import path

from . import account_views

urlpatterns = [
    path("tai-khoan/dang-nhap/", account_views.login, name="login"),
    path("tai-khoan/dang-xuat/", account_views.logout, name="logout"),
    path("tai-khoan/dang-ky/", account_views.signup, name="signup"),
    path("tai-khoan/dang-ky/xac-minh/", account_views.signup_verify, name="signup_verify"),
    path("tai-khoan/dang-ky/gui-lai-ma/", account_views.signup_resend, name="signup_resend"),
    path("tai-khoan/", account_views.profile, name="profile"),
]
