from django.urls import path

from . import views

app_name = "postal_simulator"
urlpatterns = [
    path("api/orders", views.order_create, name="order_create"),
    path("api/orders/<str:order_number>", views.order_detail, name="order_detail"),
    path("api/orders/<str:order_number>/cancel", views.order_cancel, name="order_cancel"),
]
