"""The return-of-result form offers the download only for a dossier with an electronic result."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import DossierStatus

from .helpers import received

pytestmark = pytest.mark.django_db


def _resolved(office, **result):
    dossier = received(office)
    services.dossier_forward(by=office.specialist, dossier=dossier)
    return services.dossier_issue_result(by=office.leader, dossier=dossier, **result)


def _offered(client, dossier):
    response = client.get(reverse("office:dossier_action", args=[dossier.pk, "return"]))
    assert response.status_code == 200
    return [value for value, _label in response.context["form"].fields["method"].choices]


@pytest.mark.parametrize(
    ("result", "offered"),
    [
        pytest.param({}, ["counter", "postal"], id="issued-on-paper"),
        pytest.param({"text": "Đã đăng ký khai sinh."}, ["counter", "online", "postal"], id="written-result"),
    ],
)
def test_the_download_is_offered_only_with_an_electronic_result(as_user, office, result, offered):
    dossier = _resolved(office, **result)

    assert _offered(as_user(office.front_desk), dossier) == offered


def test_a_download_posted_for_a_result_on_paper_is_refused_and_changes_nothing(as_user, office):
    dossier = _resolved(office)
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "return"]),
        {"expected_version": dossier.version, "method": "online"},
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["method"]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RESOLVED, "")
