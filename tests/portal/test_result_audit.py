"""The result on the portal: an online applicant receives online a result the post office brought back."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from chinhquyen.dossiers.models import DossierStatus, ReturnMethod, Substatus
from chinhquyen.dossiers.services import dossier_result_awaiting_delivery, dossier_result_delivery_record
from chinhquyen.dossiers.services.processing import dossier_return_by_post
from chinhquyen.portal.lookup_views import POSTAL_RESULT_BACK_ONLINE
from tests.dossiers.factories import vn
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import resolved, text

pytestmark = pytest.mark.django_db


def _brought_back(world: OnlineWorld):
    """An online application whose result went by post on 3 March and came back on 5 March."""
    dossier = dossier_return_by_post(by=world.front_desk, dossier=resolved(world), at=vn(2026, 3, 3, 8, 0))
    dossier_result_awaiting_delivery(dossier=dossier)
    back = dossier_result_delivery_record(dossier=dossier.pk, delivered=False, at=vn(2026, 3, 5, 8, 0))
    assert back is not None
    return back


def test_an_online_applicant_receives_online_a_result_the_post_office_brought_back():
    # Given an online application whose result the post office could not deliver
    world = OnlineWorld()
    dossier = _brought_back(world)
    result = dossier.documents.get(kind="result")
    client = world.client()
    detail = reverse("portal:my_dossier", args=[dossier.pk])
    receive = reverse("portal:result_receive", args=[dossier.pk])

    # When the applicant opens the dossier, receives the result there and downloads it
    before = text(client.get(detail))
    closed = client.get(reverse("portal:my_file", args=[dossier.pk, result.pk]))
    received = client.post(receive)
    after = text(client.get(detail))
    download = client.get(reverse("portal:my_file", args=[dossier.pk, result.pk]))

    # Then the page offers the hand-over online, as for a result never sent, and the download is that hand-over
    assert "Your result is ready" in before
    assert f'action="{receive}"' in before
    assert closed.status_code == 404  # not handed over yet
    assert (received.status_code, received["Location"]) == (302, detail)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.substatus, dossier.return_method) == (
        DossierStatus.RETURNED,
        Substatus.RESULT_HANDED_OVER,
        ReturnMethod.ONLINE,
    )
    assert list(dossier.events.filter(action="return").order_by("pk").values_list("data__method", "actor")) == [
        ("postal", world.front_desk.pk),
        ("online", world.applicant.user.pk),
    ]
    assert f'action="{receive}"' not in after
    assert "You received the result online" in after
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_result_on_its_way_by_post_is_not_offered_online_again():
    world = OnlineWorld()
    dossier = dossier_return_by_post(by=world.front_desk, dossier=resolved(world))
    dossier_result_awaiting_delivery(dossier=dossier)

    page = text(world.client().get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert f'action="{reverse("portal:result_receive", args=[dossier.pk])}"' not in page
    assert "Your result is ready" not in page


def test_the_status_of_a_result_brought_back_says_it_can_be_received_online():
    world = OnlineWorld()
    dossier = _brought_back(world)

    page = text(world.client().get(reverse("portal:my_dossier", args=[dossier.pk])))

    assert escape(str(POSTAL_RESULT_BACK_ONLINE)) in page
    assert "Please contact the receiving agency" not in page
