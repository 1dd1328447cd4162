"""The admin: import page (refuses whole files, shows the report), exports, process template validation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyen.catalog import admin_import
from chinhquyen.catalog.models import Procedure, ProcessTemplate
from chinhquyen.catalog.services import catalog_import
from tests.office.auth_helpers import officer_login

from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = "admin:catalog_procedure_import"


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/octet-stream")


def test_import_page_shows_the_report_when_accepted(admin_client, national, national_details):
    response = admin_client.post(
        reverse(IMPORT_URL),
        {
            "file": _upload("tthc_procedures.json", national),
            "details": _upload("details.json", national_details),
            "format": "auto",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "10 procedures read (0 skipped by level): 10 created, 0 updated, 0 unchanged; 16 values left empty." in page
    assert "a number without a unit" in page
    assert Procedure.objects.count() == 10


def test_import_page_shows_every_error_and_saves_nothing(admin_client, national):
    bad = national.replace('"code":"2.000815"', '"code":"1.001193"').replace('"code":"1.007644",', "")
    response = admin_client.post(reverse(IMPORT_URL), {"file": _upload("catalog.json", bad), "format": "national"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was saved" in page
    assert "Line 4: a record without a code" in page
    assert "Line 9: code 1.001193 appears twice (first on line 2)" in page
    assert Procedure.objects.count() == 0


def test_import_page_refuses_a_file_that_is_too_large(admin_client, monkeypatch):
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_BYTES", 10)
    response = admin_client.post(reverse(IMPORT_URL), {"file": _upload("a.csv", "code,name\n1,A\n"), "format": "auto"})
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert Procedure.objects.count() == 0


def test_import_page_reads_csv_by_its_name(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), {"file": _upload("a.csv", "code,name\n1.1,Thủ tục A\n"), "format": "auto"}
    )
    assert response.status_code == 200
    assert list(Procedure.objects.values_list("code", "name")) == [("1.1", "Thủ tục A")]


def test_import_needs_the_right_permissions(client, django_user_model):
    staff = django_user_model.objects.create_user(username="viewer", password="pw-test-123", is_staff=True)
    officer_login(client, staff)
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_export_all_and_export_action(admin_client, national):
    catalog_import(data=national)

    everything = admin_client.get(reverse("admin:catalog_procedure_export", args=["json"]))
    assert everything.status_code == 200
    assert everything["Content-Disposition"].startswith('attachment; filename="catalog-')
    assert len(json.loads(everything.content)) == 10

    selected = list(Procedure.objects.filter(code__in=["1.001193", "2.000815"]).values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "export_csv", "_selected_action": selected},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().count("\n1.001193,") + response.content.decode().count("\n2.000815,") == 2


def test_changelist_search_ignores_diacritics(admin_client, national):
    catalog_import(data=national)
    response = admin_client.get(reverse("admin:catalog_procedure_changelist"), {"q": "dang ky khai sinh"})
    assert list(response.context["cl"].result_list) == [Procedure.objects.get(code="1.001193")]


def test_procedure_change_page_renders_with_its_inlines(admin_client, national, national_details):
    catalog_import(data=national, details=national_details)
    p = Procedure.objects.get(code="1.001193")
    response = admin_client.get(reverse("admin:catalog_procedure_change", args=[p.pk]))
    assert response.status_code == 200
    assert "Giấy tờ phải xuất trình" in response.content.decode()


def _template_post(procedure: Procedure, shares: list[str]) -> dict[str, str]:
    """Steps of a specialist, then a leader's last step to approve the result."""
    data = {
        "procedure": str(procedure.pk),
        "steps-TOTAL_FORMS": str(len(shares)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for i, share in enumerate(shares):
        data |= {
            f"steps-{i}-order": str(i + 1),
            f"steps-{i}-name": f"Bước {i + 1}",
            f"steps-{i}-role": "leader" if i == len(shares) - 1 else "specialist",
            f"steps-{i}-share_hours": share,
        }
    return data


def test_process_template_admin_shows_the_sum_as_a_form_error(admin_client):
    procedure = ProcedureFactory(code="1.000050")
    url = reverse("admin:catalog_processtemplate_add")

    response = admin_client.post(url, _template_post(procedure, ["8", "16"]))

    assert response.status_code == 200
    assert (
        "The steps add up to 24 working hours, but the time limit of 1.000050 is 40 working hours "
        "(5 Ngày làm việc)." in response.content.decode()
    )
    assert ProcessTemplate.objects.count() == 0

    response = admin_client.post(url, _template_post(procedure, ["8", "32"]))
    assert response.status_code == 302
    assert ProcessTemplate.objects.get().steps.count() == 2
