"""The office's reasons, notes and questions stop at 4,000 characters, as the API's do: both front ends accept
the same text, and the slips that print it whole get no page of it. Longer is a field error; nothing changes."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import EVENT_TEXT_MAX, DossierStatus

from .helpers import received

pytestmark = pytest.mark.django_db


def _act(client, dossier, action, **data):
    dossier.refresh_from_db()
    url = reverse("office:dossier_action", args=[dossier.pk, action])
    return client.post(url, {"expected_version": dossier.version, **data})


def test_a_stop_reason_one_character_too_long_is_a_field_error(as_user, office):
    dossier = received(office)

    response = _act(as_user(office.leader), dossier, "stop", reason="x" * (EVENT_TEXT_MAX + 1))

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Ensure this value has at most 4000 characters (it has 4001)."]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.events.filter(action="stop").count()) == (DossierStatus.RECEIVED, 0)


def test_a_stop_reason_of_exactly_the_limit_is_kept_whole(as_user, office):
    dossier = received(office)

    response = _act(as_user(office.leader), dossier, "stop", reason="x" * EVENT_TEXT_MAX)

    assert response.status_code == 302
    assert len(dossier.events.get(action="stop").reason) == EVENT_TEXT_MAX


@pytest.mark.parametrize(
    ("action", "field"),
    [("send_back", "reason"), ("forward", "note"), ("consult_agency", "question")],
)
def test_other_texts_have_the_same_limit(as_user, office, action, field):
    dossier = received(office)
    if action == "send_back":
        services.dossier_forward(by=office.specialist, dossier=dossier)
    user = office.leader if action == "send_back" else office.specialist

    response = _act(as_user(user), dossier, action, **{field: "y" * (EVENT_TEXT_MAX + 1)})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'maxlength="{EVENT_TEXT_MAX}"' in response.content.decode()
