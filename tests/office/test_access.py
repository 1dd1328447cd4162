"""Who may open the office pages: verified officials of the dossier's agency, nobody else."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .helpers import received

pytestmark = pytest.mark.django_db

PAGES = ["office:inbox", "office:reception", "office:search"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_user_is_sent_to_the_office_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:auth:login"))


def test_anonymous_user_is_sent_to_the_login_from_a_dossier(client, office):
    dossier = received(office)

    response = client.get(reverse("office:dossier", args=[dossier.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:auth:login"))


def test_signed_in_official_without_totp_is_sent_to_the_login(client, office):
    client.force_login(office.front_desk)

    response = client.get(reverse("office:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("office:auth:login"))


def test_verified_user_without_a_staff_role_is_refused(as_user):
    client = as_user(UserFactory(username="nobody"))

    assert client.get(reverse("office:inbox")).status_code == 403


def test_specialist_cannot_open_the_reception(as_user, office):
    client = as_user(office.specialist)

    assert client.get(reverse("office:reception")).status_code == 403


@pytest.mark.parametrize(
    ("url_name", "extra"),
    [
        ("office:dossier", []),
        ("office:reception_dossier", []),
        ("office:reception_outcome", []),
        ("office:dossier_action", ["claim"]),
        ("office:slip", ["01"]),
    ],
    ids=["detail", "reception", "outcome", "action", "slip"],
)
def test_officer_of_another_agency_gets_404(as_user, office, other_office, url_name, extra):
    dossier = received(office)
    client = as_user(other_office.front_desk)

    response = client.get(reverse(url_name, args=[dossier.pk, *extra]))

    assert response.status_code == 404


def test_officer_of_another_agency_cannot_act_on_the_dossier(as_user, office, other_office):
    dossier = received(office)
    client = as_user(other_office.specialist)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "claim"]), {"expected_version": dossier.version}
    )

    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.steps.get(state="active").assignee is None


def test_anonymous_post_changes_nothing(client, office):
    dossier = received(office)

    response = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "claim"]), {"expected_version": dossier.version}
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.active_step.assignee is None


def test_every_office_route_declares_officer_access():
    from django.urls import URLPattern, get_resolver

    from chinhquyen.core.access import policy_for

    office = get_resolver().url_patterns
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLPattern):
                routes.append((prefix + str(p.pattern), p.callback))
            else:
                walk(p.url_patterns, prefix + str(p.pattern))

    walk(office)
    mine = [(path, view) for path, view in routes if path.startswith("office/") and not path.startswith("office/auth/")]
    # The walk reaches every kind of office page (a broken walk would check nothing).
    paths = {path for path, _view in mine}
    assert {"office/", "office/search/", "office/petitions/", "office/dossiers/<int:pk>/postal/"} <= paths
    for path, view in mine:
        policy = policy_for(view)
        assert policy is not None, path
        assert not policy.public, path
        assert policy.signed_in is not None, path


def test_supervisor_reads_the_dossier_but_is_refused_its_actions(as_user, office):
    from chinhquyen.directory.services import staff_role_grant

    supervisor = UserFactory(username="a.supervisor")
    staff_role_grant(user=supervisor, agency=office.agency, role="supervisor")
    dossier = received(office)
    client = as_user(supervisor)

    detail = client.get(reverse("office:dossier", args=[dossier.pk]))
    action = client.get(reverse("office:dossier_action", args=[dossier.pk, "claim"]))

    assert detail.status_code == 200
    assert "No action is open to you on this dossier now." in detail.content.decode()
    assert action.status_code == 403


def test_no_office_page_changes_anything_on_get(as_user, office):
    from django.urls import get_resolver

    from chinhquyen.dossiers.models import DossierEvent

    dossier = received(office)
    document = dossier.documents.first()
    kwargs = {"pk": dossier.pk, "document_pk": document.pk, "kind": "01", "action": "claim"}
    office_patterns = next(p for p in get_resolver().url_patterns if str(p.pattern) == "office/").url_patterns
    names = [p.name for p in office_patterns if getattr(p, "name", None)]
    events, version = DossierEvent.objects.count(), dossier.version

    for user in (office.front_desk, office.specialist, office.leader):
        client = as_user(user)
        for name in names:
            route = next(p for p in office_patterns if getattr(p, "name", None) == name)
            wanted = {
                k: v for k, v in kwargs.items() if f"<{k}>" in str(route.pattern) or f":{k}>" in str(route.pattern)
            }
            response = client.get(reverse(f"office:{name}", kwargs=wanted))
            assert response.status_code in {200, 302, 400, 403, 404, 405}, name

    dossier.refresh_from_db()
    assert DossierEvent.objects.count() == events
    assert dossier.version == version
