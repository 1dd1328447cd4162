"""What the demo province's audit found: each demo official lands on a page they may open, the supervisor
reads the province's dossiers, the sample online dossiers carry their mandatory documents, a second run
reports the sample dossiers present, a rebuild with another password prints one that works."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.demo.otp import DEVICE_NAME, demo_code, demo_key
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import Channel, Dossier, DossierStatus

pytestmark = pytest.mark.django_db

LOGIN = "/office/auth/login/"
CODE = "/office/auth/login/code/"
PASSWORD = "demo-pass"


def _printed_officials(printed: str) -> list[str]:
    """The officials the loader prints (their usernames hold a dot), and those the README names."""
    names = [line.split()[0] for line in printed.splitlines() if line.startswith("    ") and "." in line.split()[0]]
    return [*names, "quantri", "giamsat", "motcua"]


def _office_sign_in(client: Client, username: str, *, next_url: str | None = "/office/", password: str = PASSWORD):
    """The README's two steps: password (at /office/, so ``next`` is the office home), then the demo code."""
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    first = client.post(LOGIN, data)
    assert (first.status_code, first["Location"]) == (302, CODE)
    code, _secret = demo_code(username=username)
    return client.post(CODE, {"code": code})


def test_every_printed_official_lands_on_a_page_they_may_open(demo):
    landed = {}
    for username in _printed_officials(demo):
        client = Client()
        response = _office_sign_in(client, username)
        landed[username] = (response["Location"], client.get(response["Location"]).status_code)

    assert {u: where for u, where in landed.items() if where[1] != 200} == {}
    assert landed["quantri"] == ("/admin/", 200)
    assert landed["giamsat"] == ("/office/", 200)
    assert landed["motcua.hoalu"] == ("/office/", 200)


@pytest.mark.parametrize(("username", "landing"), [("quantri", "/admin/"), ("lanhdao.hoalu", "/office/")])
def test_without_next_an_official_lands_on_their_first_page(demo, username, landing):
    response = _office_sign_in(Client(), username, next_url=None)

    assert (response.status_code, response["Location"]) == (302, landing)


def test_an_explicit_next_other_than_the_office_home_is_kept(demo):
    response = _office_sign_in(Client(), "quantri", next_url="/office/petitions/")

    assert response["Location"] == "/office/petitions/"


def test_demo_supervisor_reads_the_sample_dossiers_and_takes_no_action(demo):
    client = Client()
    assert _office_sign_in(client, "giamsat")["Location"] == "/office/"
    returned = Dossier.objects.get(status=DossierStatus.RETURNED)
    pending = Dossier.objects.get(status=DossierStatus.RECEIVED)

    detail = client.get(f"/office/dossiers/{returned.pk}/")
    search = client.get("/office/search/", {"status": DossierStatus.SUBMITTED})
    action = client.get(f"/office/dossiers/{pending.pk}/actions/forward/")

    assert detail.status_code == 200
    assert returned.code in detail.content.decode()
    assert search.status_code == 200
    assert all(d.code in search.content.decode() for d in Dossier.objects.filter(status=DossierStatus.SUBMITTED))
    assert action.status_code == 403


def test_sample_online_dossiers_are_ones_the_portal_would_accept(demo):
    online = Dossier.objects.filter(channel=Channel.ONLINE).select_related("procedure").order_by("pk")
    documents = {
        d.procedure.code: sorted(d.documents.exclude(file="").values_list("required_document__mandatory", flat=True))
        for d in online
    }

    assert [(d.procedure.code, d.status) for d in online] == [
        ("1.001193", DossierStatus.SUBMITTED),
        ("1.004194", DossierStatus.SUBMITTED),
    ]
    assert {d.procedure.code: selectors.mandatory_documents_missing(dossier=d) for d in online} == {
        "1.001193": [],
        "1.004194": [],
    }
    # One PDF for each mandatory document, none for the optional ones.
    assert {code: set(flags) for code, flags in documents.items()} == {"1.001193": {True}, "1.004194": {True}}
    assert all(d.submitted_at is not None and d.client_key for d in online)


def test_running_the_loader_again_reports_the_sample_dossiers_that_exist(demo):
    out = StringIO()
    call_command("demo_province", stdout=out)

    assert "4 sample dossiers." in demo
    assert Dossier.objects.count() == 4
    assert "4 sample dossiers." in out.getvalue()


def test_rebuild_with_another_demo_password_prints_a_password_that_works(demo, settings):
    settings.DEMO_PASSWORD = "another-pass"
    out = StringIO()
    call_command("demo_province", "--force", stdout=out)
    device = TOTPDevice.objects.get(user__username="motcua.hoalu", name=DEVICE_NAME)

    assert "password for all: another-pass" in out.getvalue()
    assert "4 sample dossiers." in out.getvalue()
    assert authenticate(username="motcua.hoalu", password="another-pass") is not None
    assert authenticate(username="congdan", password="another-pass") is not None
    assert authenticate(username="motcua.hoalu", password="demo-pass") is None
    assert device.key == demo_key(username="motcua.hoalu", password="another-pass").hex()
    assert _office_sign_in(Client(), "motcua.hoalu", password="another-pass")["Location"] == "/office/"


def test_running_again_without_force_prints_a_password_that_works_too(demo, settings):
    settings.DEMO_PASSWORD = "another-pass"
    out = StringIO()
    call_command("demo_province", stdout=out)
    device = TOTPDevice.objects.get(user__username="lanhdao.hoalu", name=DEVICE_NAME)

    assert "password for all: another-pass" in out.getvalue()
    assert authenticate(username="lanhdao.hoalu", password="another-pass") is not None
    assert authenticate(username="doanhnghiep", password="another-pass") is not None
    assert device.key == demo_key(username="lanhdao.hoalu", password="another-pass").hex()
