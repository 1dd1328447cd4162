"""Withdrawing a dossier on "My dossiers" (status 7, Công dân yêu cầu rút hồ sơ): offered, confirmed, refused."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_request_supplement,
    dossier_stop,
)
from tests.dossiers.outbox import committed, tasks_run
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import resolved, submitted, text
from tests.portal.test_pickup_pages import place, world_with_address

pytestmark = pytest.mark.django_db

REASON = "Tôi đã nộp hồ sơ tại Bộ phận một cửa khác"


def url(dossier) -> str:
    return reverse("portal:dossier_withdraw", args=[dossier.pk])


def detail(dossier) -> str:
    return reverse("portal:my_dossier", args=[dossier.pk])


@pytest.mark.parametrize(
    "stage",
    ["submitted", "received", "supplement_requested"],
)
def test_the_dossier_page_offers_withdrawing_while_the_applicant_may_withdraw(stage):
    world = OnlineWorld()
    dossier = submitted(world)
    if stage != "submitted":
        dossier = dossier_receive(by=world.front_desk, dossier=dossier)
    if stage == "supplement_requested":
        dossier = dossier_request_supplement(by=world.specialist, dossier=dossier, items=["CCCD"], reason="Thiếu")

    page = text(world.client().get(detail(dossier)))

    assert '<h2 id="withdraw-heading">Withdraw the dossier</h2>' in page
    assert f'href="{url(dossier)}"' in page


def test_no_offer_once_the_result_is_ready_or_the_dossier_is_closed():
    world = OnlineWorld()
    ready = resolved(world)
    stopped = dossier_stop(by=world.leader, dossier=world.received(), reason="Vi phạm")
    client = world.client()

    page = text(client.get(detail(ready)))
    closed = text(client.get(detail(stopped)))
    direct = client.get(url(ready))

    assert "Withdraw the dossier" not in page
    assert "Withdraw the dossier" not in closed
    assert direct.status_code == 302
    assert direct["Location"] == detail(ready)
    assert "This dossier cannot be withdrawn on the portal now." in text(client.get(direct["Location"]))


def test_the_applicant_withdraws_with_a_reason_and_a_confirmation():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    client = world.client()

    form = text(client.get(url(dossier)))
    response = client.post(url(dossier), {"reason": f"  {REASON} ", "confirm": "on", "version": dossier.version})
    page = text(client.get(response["Location"]))

    assert "Withdrawing cannot be undone" in form
    assert f'<input type="hidden" name="version" value="{dossier.version}"' in form
    assert 'name="confirm"' in form
    assert response.status_code == 302
    assert response["Location"] == detail(dossier)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    event = DossierEvent.objects.get(dossier=dossier, action="withdraw")
    assert (event.actor, event.reason, event.from_status) == (world.applicant.user, REASON, DossierStatus.RECEIVED)
    assert "Your dossier has been withdrawn. The agency will not process it further." in page
    assert "Withdrawn at your request." in page  # the status
    assert f"Withdrawn at your request: {REASON}" in page  # the timeline
    assert f'href="{url(dossier)}"' not in page
    assert client.get(url(dossier)).status_code == 302  # nothing left to withdraw


def test_a_missing_reason_or_confirmation_is_refused_and_what_was_typed_stays():
    world = OnlineWorld()
    dossier = submitted(world)
    client = world.client()

    empty = client.post(url(dossier), {"reason": "   ", "version": dossier.version})
    unconfirmed = client.post(url(dossier), {"reason": REASON, "version": dossier.version})

    assert empty.status_code == unconfirmed.status_code == 400
    assert empty.context["form"].errors == {
        "reason": ["Say why you withdraw the dossier."],
        "confirm": ["Tick the box to confirm that you withdraw the dossier."],
    }
    assert unconfirmed.context["form"].errors == {"confirm": ["Tick the box to confirm that you withdraw the dossier."]}
    assert f"\n{REASON}</textarea>" in unconfirmed.content.decode()
    assert "<title>Error: Withdraw the dossier – My dossiers" in text(unconfirmed)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert not DossierEvent.objects.filter(dossier=dossier, action="withdraw").exists()


def test_a_change_made_meanwhile_is_shown_and_sending_again_withdraws():
    world = OnlineWorld()
    dossier = submitted(world)
    client = world.client()
    seen = dossier.version
    dossier = dossier_receive(by=world.front_desk, dossier=dossier)  # while the applicant reads the form

    stale = client.post(url(dossier), {"reason": REASON, "confirm": "on", "version": seen})
    again = client.post(url(dossier), {"reason": REASON, "confirm": "on", "version": dossier.version})

    assert stale.status_code == 409
    # Not "reload it": the page already shows the dossier as it is, with what was typed.
    assert stale.context["form"].non_field_errors() == [
        "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
    ]
    assert f"\n{REASON}</textarea>" in stale.content.decode()
    assert f'<input type="hidden" name="version" value="{dossier.version}"' in stale.content.decode()
    assert "Received by the agency; processing will start shortly." in text(stale)  # the status now
    assert again.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_a_dossier_closed_meanwhile_is_refused_in_plain_words():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    dossier = dossier_forward(by=world.specialist, dossier=dossier)
    dossier = dossier_approve(by=world.leader, dossier=dossier)
    dossier = dossier_issue_result(by=world.front_desk, dossier=dossier)  # the result came first

    response = world.client().post(url(dossier), {"reason": REASON, "confirm": "on", "version": dossier.version})

    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        f"This dossier can no longer be withdrawn on the portal. Contact {world.agency.name} if you still wish "
        "to withdraw it."
    ]
    assert f"\n{REASON}</textarea>" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


def test_another_applicant_can_neither_see_nor_withdraw_the_dossier():
    world = OnlineWorld()
    dossier = submitted(world)
    other = OnlineWorld().client()

    statuses = [
        other.get(url(dossier)).status_code,
        other.post(url(dossier), {"reason": REASON, "confirm": "on", "version": dossier.version}).status_code,
    ]

    assert statuses == [404, 404]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_withdrawing_calls_off_a_pending_collection_by_post_as_the_form_says():
    world = world_with_address()
    dossier = submitted(world)
    client = world.client()
    client.post(reverse("portal:pickup_request", args=[dossier.pk]), place(dossier))
    dossier.refresh_from_db()

    form = text(client.get(url(dossier)))
    with committed():
        client.post(url(dossier), {"reason": REASON, "confirm": "on", "version": dossier.version})
    tasks_run(task_path="chinhquyen.postal.tasks.postal_dossier_pickups_call_off")
    page = text(client.get(detail(dossier)))

    assert (
        '<p id="withdraw-pickup">The post office is still to collect your paper documents: withdrawing also calls '
        "off the collection, so the postman will not come for them. Documents the postman has already collected "
        f"go on to {world.agency.name}.</p>"
    ) in form
    assert f'href="{reverse("portal:pickup_cancel", args=[dossier.pk])}"' not in form
    assert '<p id="pickup-state">Item EB000000014VN: Cancelled.</p>' in page
