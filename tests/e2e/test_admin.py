"""An admin signs in, sees the demo agencies and imports agencies from CSV in the browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from chinhquyen.directory.models import Agency, User
from tests.factories import AgencyFactory, UserFactory
from tests.office.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    sign_in_page(page, live_server, User.objects.get(username=username), next_url="/admin/")


def test_home_page_passes_axe(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Dịch vụ công của tỉnh"
    assert Axe().run(page).violations_count == 0


def test_admin_imports_agencies_from_csv_and_refuses_a_bad_file(page, live_server, tmp_path):
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    AgencyFactory(code="000.00.00.H37", name="Ủy ban nhân dân tỉnh Ninh Bình", kind="province_committee")
    _sign_in(page, live_server, "quantri")

    page.goto(f"{live_server.url}/admin/directory/agency/")
    page.click("text=Nhập từ CSV")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,parent_code\nxx,Sở A,department,\n", encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    page.click("input[type=submit]")
    assert "Dòng 2: code:" in page.locator(".errornote").inner_text()
    assert Agency.objects.count() == 1

    good = tmp_path / "good.csv"
    good.write_text("code,name,kind,parent_code\n000.03.00.H37,Sở Tư pháp,department,000.00.00.H37\n", encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    page.click("input[type=submit]")
    assert "1 được tạo" in page.locator(".messagelist").inner_text()
    assert Agency.objects.get(code="000.03.00.H37").parent.code == "000.00.00.H37"
