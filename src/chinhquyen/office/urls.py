from django.urls import include, path

from .views import dossier, inbox, petitions, postal, reception, search, slips, tokens

app_name = "office"
urlpatterns = [
    path("auth/", include("chinhquyen.office.auth.urls")),
    path("", inbox.inbox, name="inbox"),
    path("reception/", reception.reception, name="reception"),
    path("reception/applicant/find/", reception.applicant_lookup, name="applicant_lookup"),
    path("reception/applicant/new/", reception.applicant_create, name="applicant_create"),
    path("reception/dossier/new/", reception.dossier_start, name="dossier_start"),
    path("reception/<int:pk>/", reception.reception_dossier, name="reception_dossier"),
    path("reception/<int:pk>/documents/", reception.reception_documents, name="reception_documents"),
    path("reception/<int:pk>/upload/", reception.reception_upload, name="reception_upload"),
    path(
        "reception/<int:pk>/scans/<int:document_pk>/remove/",
        reception.reception_scan_remove,
        name="reception_scan_remove",
    ),
    path("reception/<int:pk>/authorised/", reception.reception_authorised, name="reception_authorised"),
    path("reception/<int:pk>/outcome/", reception.reception_outcome, name="reception_outcome"),
    path("reception/<int:pk>/discard/", reception.reception_discard, name="reception_discard"),
    path("dossiers/<int:pk>/", dossier.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/actions/<slug:action>/", dossier.dossier_action, name="dossier_action"),
    path("dossiers/<int:pk>/documents/<int:document_pk>/", dossier.dossier_document, name="document"),
    path("dossiers/<int:pk>/slips/<str:kind>.pdf", slips.slip, name="slip"),
    path("dossiers/<int:pk>/postal/", postal.postal_send, name="postal_send"),
    path("dossiers/<int:pk>/postal/refresh/", postal.postal_refresh, name="postal_refresh"),
    path("postal/pickups/", postal.postal_pickups, name="postal_pickups"),
    path("register.pdf", slips.register, name="register"),
    path("register/prepare/", slips.register_prepare, name="register_prepare"),
    path("register/exports/<int:pk>.pdf", slips.register_export, name="register_export"),
    path("search/", search.search, name="search"),
    path("petitions/", petitions.petition_list, name="petitions"),
    path("petitions/<int:pk>/", petitions.petition_detail, name="petition"),
    path("petitions/<int:pk>/<slug:action>/", petitions.petition_action, name="petition_action"),
    path("ratings/", petitions.ratings_summary, name="ratings"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
