from django.urls import path

from . import views

app_name = "sms_simulator"
urlpatterns = [
    path("", views.simulator_page, name="page"),
    path("api/messages", views.simulator_api, name="api"),
]
