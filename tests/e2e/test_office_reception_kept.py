"""The reception page refused for a stale version, with the officer's entries kept, and the discard of a draft:
both pass axe in real Chromium."""

import pytest

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from tests.office.browser import sign_in, violations
from tests.office.helpers import draft, office_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_authorised_person_is_shown_again_unfolded_and_passes_axe(request, browser, live_server):
    o = office_make(prefix="kept")
    dossier = draft(o)
    page = sign_in(request, browser, live_server, o.front_desk)
    page.goto(f"{live_server.url}/office/reception/{dossier.pk}/")
    page.locator("summary").click()
    page.fill("#id_authorised_name", "Phạm Văn Đức")
    page.fill("#id_authorised_personal_id", "037090001111")
    page.fill("#id_authorised_authorisation", "Giấy ủy quyền số 12/2026")
    # A colleague ticks a document in another tab meanwhile.
    services.dossier_documents_mark_received(by=o.front_desk, dossier=dossier, required_document_ids=[])

    with page.expect_navigation():
        page.get_by_role("button", name="Save the authorised person").click()

    assert "Someone else changed this dossier while this page was open." in page.inner_text("main")
    assert page.locator("details").get_attribute("open") is not None
    assert page.input_value("#id_authorised_name") == "Phạm Văn Đức"
    assert violations(page) == []


def test_discarding_a_draft_asks_to_confirm_and_both_pages_pass_axe(request, browser, live_server):
    o = office_make(prefix="disc")
    dossier = draft(o)
    page = sign_in(request, browser, live_server, o.front_desk)
    page.goto(f"{live_server.url}/office/reception/{dossier.pk}/")

    with page.expect_navigation():
        page.get_by_role("link", name="Discard this draft (opened twice or by mistake)").click()
    assert violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm: discard the draft").click()

    assert "The draft was discarded." in page.inner_text("main")
    assert not Dossier.objects.filter(pk=dossier.pk).exists()
    assert violations(page) == []
