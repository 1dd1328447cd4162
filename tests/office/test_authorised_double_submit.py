"""The authorised person's form sent twice (a double click, or the form sent again): the second request answers
as the first and nothing is saved twice. A second submission with other details, or one after a colleague's
save, is still refused as stale."""

import pytest
from django.urls import reverse

from chinhquyen.directory.services import staff_role_grant
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.services.authorised import authorised_details_digest
from tests.factories import UserFactory

from .helpers import draft

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this dossier while this page was open. The page now shows it as it is: "
    "check it, then confirm again if the action still applies."
)
SAVED = "The authorised person is saved."

AUTHORISED = {
    "name": "Phạm Văn Đức",
    "personal_id": "037090001111",
    "address": "12 Lê Lợi",
    "phone": "0912345678",
    "email": "duc@example.vn",
    "authorisation": "Giấy ủy quyền số 12/2026 ngày 20/11/2026",
}
EMPTY = dict.fromkeys(AUTHORISED, "")


def _url(dossier) -> str:
    return reverse("office:reception_authorised", args=[dossier.pk])


def _page(dossier) -> str:
    return reverse("office:reception_dossier", args=[dossier.pk])


def test_the_same_details_sent_twice_are_saved_once_and_said_saved_once(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    form = {"expected_version": dossier.version, **AUTHORISED}

    first = client.post(_url(dossier), form)
    second = client.post(_url(dossier), form)

    assert (first.status_code, first["Location"]) == (302, _page(dossier))
    assert (second.status_code, second["Location"]) == (302, _page(dossier))
    saved = Dossier.objects.get(pk=dossier.pk)
    assert saved.version == dossier.version + 1
    assert saved.applicant_snapshot["authorised"] == AUTHORISED
    assert saved.events.filter(action="authorised_person_set").count() == 1
    assert client.get(second["Location"]).content.decode().count(SAVED) == 1


def test_the_same_details_typed_otherwise_are_the_same_save(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)
    version = dossier.version

    client.post(_url(dossier), {"expected_version": version, **AUTHORISED})
    second = client.post(
        _url(dossier),
        {"expected_version": version, **AUTHORISED, "personal_id": "037 090 001 111", "phone": "+84 912.345.678"},
    )

    assert (second.status_code, second["Location"]) == (302, _page(dossier))
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="authorised_person_set").count() == 1


def test_the_removal_sent_twice_is_done_once(as_user, office):
    dossier = services.dossier_authorised_person_set(by=office.front_desk, dossier=draft(office), details=AUTHORISED)
    client = as_user(office.front_desk)
    form = {"expected_version": dossier.version, **EMPTY}

    client.post(_url(dossier), form)
    second = client.post(_url(dossier), form)

    assert (second.status_code, second["Location"]) == (302, _page(dossier))
    saved = Dossier.objects.get(pk=dossier.pk)
    assert "authorised" not in saved.applicant_snapshot
    assert saved.events.filter(action="authorised_person_set").count() == 2  # the first save and one removal


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"phone": "0987654321"}, id="other-phone"),
        pytest.param({"personal_id": "037090002222"}, id="other-personal-id"),
        pytest.param({"authorisation": "Giấy ủy quyền số 13/2026"}, id="other-authorisation"),
        pytest.param(EMPTY, id="removal"),
    ],
)
def test_other_details_at_the_same_version_are_refused_as_stale(as_user, office, changed):
    dossier = draft(office)
    client = as_user(office.front_desk)
    version = dossier.version

    client.post(_url(dossier), {"expected_version": version, **AUTHORISED})
    second = client.post(_url(dossier), {"expected_version": version, **AUTHORISED, **changed})

    assert second.status_code == 409
    assert STALE in second.content.decode()
    saved = Dossier.objects.get(pk=dossier.pk)
    assert saved.applicant_snapshot["authorised"] == AUTHORISED
    assert saved.events.filter(action="authorised_person_set").count() == 1


def test_the_same_details_saved_by_a_colleague_meanwhile_are_refused_as_stale(as_user, office):
    dossier = draft(office)
    version = dossier.version
    colleague = UserFactory(username="a.colleague")
    staff_role_grant(user=colleague, agency=office.agency, role="front_desk")
    services.dossier_authorised_person_set(by=colleague, dossier=dossier, details=AUTHORISED)
    client = as_user(office.front_desk)

    answer = client.post(_url(dossier), {"expected_version": version, **AUTHORISED})

    assert answer.status_code == 409
    assert STALE in answer.content.decode()


def test_the_event_names_the_person_and_carries_a_digest_not_their_details(office):
    dossier = services.dossier_authorised_person_set(by=office.front_desk, dossier=draft(office), details=AUTHORISED)

    event = dossier.events.get(action="authorised_person_set")

    assert event.data == {"authorised": "Phạm Văn Đức", "details": authorised_details_digest(AUTHORISED)}
    assert len(event.data["details"]) == 64
    assert "037090001111" not in str(event.data)
    assert authorised_details_digest({**AUTHORISED, "phone": "+84 912 345 678"}) == event.data["details"]
    assert authorised_details_digest({**AUTHORISED, "phone": "0987654321"}) != event.data["details"]
