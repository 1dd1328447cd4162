"""The SMS simulator's page in real Chromium, checked by axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from chinhquyen.notifications.models import SimulatedSms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_simulator_page_shows_the_messages_accessibly(page, live_server):  # noqa: F811
    SimulatedSms.objects.create(phone="0912345678", message="Ho so da duoc tiep nhan, hen tra ket qua 09/03/2026.")
    page.set_viewport_size({"width": 360, "height": 640})

    page.goto(f"{live_server.url}/sms-sim/")

    assert page.locator("tbody tr").count() == 1
    assert "0912345678" in page.locator("tbody").inner_text()
    assert [v["id"] for v in Axe().run(page).response["violations"]] == []
