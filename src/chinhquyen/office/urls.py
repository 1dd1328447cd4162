from django.urls import include, path

app_name = "office"
urlpatterns = [
    path("auth/", include("chinhquyen.office.auth.urls")),
]
