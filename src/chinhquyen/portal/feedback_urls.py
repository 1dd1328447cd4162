"""Ratings of returned dossiers and petitions (phản ánh, kiến nghị)."""

from django.urls import path

from . import feedback_views

urlpatterns = [
    path("ho-so-cua-toi/<int:pk>/danh-gia/", feedback_views.dossier_rate, name="dossier_rate"),
    path("phan-anh-kien-nghi/", feedback_views.petition_list, name="petition_list"),
    path("phan-anh-kien-nghi/gui/", feedback_views.petition_file, name="petition_file"),
    path("phan-anh-kien-nghi/gui/da-gui/", feedback_views.petition_filed, name="petition_filed"),
    path("phan-anh-kien-nghi/<str:code>/", feedback_views.petition_detail, name="petition_detail"),
    path("phan-anh-kien-nghi/<str:code>/danh-gia/", feedback_views.petition_rate_answer, name="petition_rate_answer"),
]
