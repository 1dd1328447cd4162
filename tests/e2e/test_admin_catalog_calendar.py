"""Officials manage the catalog and the working calendar in the admin, in real Chromium."""

import json

import pytest
from playwright.sync_api import expect

from chinhquyen.catalog.models import Procedure
from chinhquyen.workcal.models import DateOverride
from tests.factories import UserFactory
from tests.office.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD = {
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "Hộ tịch",
    "level": ["xã"],
    "time_limit_text": "1",
    "documents": ["Tờ khai đăng ký khai sinh"],
}


@pytest.fixture
def admin_page(page, live_server):
    user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    return sign_in_page(page, live_server, user, next_url="/admin/")


def _national_file(tmp_path, records):
    path = tmp_path / "catalog.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n", encoding="utf-8")
    return str(path)


def test_catalog_import_refuses_a_record_without_a_name_and_saves_nothing(admin_page, live_server, tmp_path):
    admin_page.goto(f"{live_server.url}/admin/catalog/procedure/import/")
    admin_page.set_input_files(
        "#id_file", _national_file(tmp_path, [RECORD, {**RECORD, "code": "1.000894", "name": ""}])
    )
    admin_page.click("input[type=submit]")

    expect(admin_page.locator(".errornote")).to_be_visible()
    errors = admin_page.locator(".errornote li").all_inner_texts()
    assert len(errors) == 1
    assert "3" in errors[0]  # the second record stands on line 3 of the file
    assert Procedure.objects.count() == 0


def test_catalog_import_accepts_a_file_and_lists_what_it_could_not_read(admin_page, live_server, tmp_path):
    admin_page.goto(f"{live_server.url}/admin/catalog/procedure/import/")
    admin_page.set_input_files("#id_file", _national_file(tmp_path, [RECORD]))
    admin_page.click("input[type=submit]")

    expect(admin_page.locator("p.success")).to_have_count(1)
    procedure = Procedure.objects.get(code="1.001193")
    assert (procedure.time_limit_value, procedure.time_limit_unit) == (None, "")
    assert "1.001193" in admin_page.locator("table").last.inner_text()


def test_date_override_without_a_valid_date_is_refused_then_saved(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/workcal/dateoverride/add/")
    admin_page.fill("#id_date", "2026-13-45")  # the date picker refuses it and submits nothing
    admin_page.select_option("#id_kind", "day_off")
    admin_page.fill("#id_reason", "Nghỉ bù")
    admin_page.click("input[name=_save]")

    expect(admin_page.locator("#id_date_error")).to_be_visible()
    assert DateOverride.objects.count() == 0

    admin_page.fill("#id_date", "2026-12-31")
    admin_page.click("input[name=_save]")
    expect(admin_page.locator(".messagelist")).to_be_visible()
    assert DateOverride.objects.get().reason == "Nghỉ bù"
