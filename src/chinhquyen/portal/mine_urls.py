from django.urls import path

from . import apply_views, mine_views, pickup_views

urlpatterns = [
    path("nop-truc-tuyen/<str:code>/", apply_views.apply_start, name="apply"),
    path("ho-so-cua-toi/", mine_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", mine_views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<int:pk>/thong-tin/", apply_views.apply_form, name="apply_form"),
    path("ho-so-cua-toi/<int:pk>/giay-to/", apply_views.apply_documents, name="apply_documents"),
    path("ho-so-cua-toi/<int:pk>/xem-lai/", apply_views.apply_review, name="apply_review"),
    path("ho-so-cua-toi/<int:pk>/da-nop/", apply_views.apply_submitted, name="apply_submitted"),
    path("ho-so-cua-toi/<int:pk>/co-quan-tiep-nhan/", apply_views.apply_agency, name="apply_agency"),
    path("ho-so-cua-toi/<int:pk>/xoa-ban-nhap/", apply_views.apply_discard, name="apply_discard"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/tep/", mine_views.supplement_upload, name="supplement_upload"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/gui/", mine_views.supplement_send, name="supplement_send"),
    path("ho-so-cua-toi/<int:pk>/ket-qua/nhan/", mine_views.result_receive, name="result_receive"),
    path("ho-so-cua-toi/<int:pk>/rut-ho-so/", mine_views.dossier_withdraw, name="dossier_withdraw"),
    path("ho-so-cua-toi/<int:pk>/thu-gom/", pickup_views.pickup_request, name="pickup_request"),
    path("ho-so-cua-toi/<int:pk>/thu-gom/huy/", pickup_views.pickup_cancel, name="pickup_cancel"),
    path("ho-so-cua-toi/<int:pk>/tep/<int:document_pk>/", mine_views.my_file, name="my_file"),
    path("ho-so-cua-toi/<int:pk>/phieu/<str:kind>/", mine_views.my_slip, name="my_slip"),
]
