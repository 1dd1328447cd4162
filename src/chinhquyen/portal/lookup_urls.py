"""The public dossier lookup; the QR code on every receipt links here (``?ma=<code>&k=<secret>``)."""

from django.urls import path

from . import lookup_views

urlpatterns = [
    path("tra-cuu-ho-so/", lookup_views.dossier_lookup, name="dossier_lookup"),
]
