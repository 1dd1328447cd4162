from django.urls import path

from . import catalog_views

urlpatterns = [
    path("thu-tuc/", catalog_views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", catalog_views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/mau/<int:pk>/", catalog_views.procedure_template, name="procedure_template"),
]
