"""A register too long to print while waiting: the page offers to prepare it, lists it, and serves it to its officer."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers.models import RegisterExport
from tests.dossiers.outbox import tasks_run
from tests.office.auth_helpers import officer_login

from .helpers import received

pytestmark = pytest.mark.django_db

TASK = "chinhquyen.dossiers.tasks.register_export_render_queued"


def _period(**extra):
    today = timezone.localdate()
    return {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat(), **extra}


@pytest.fixture
def one_is_long(monkeypatch):
    """Registers of more than no dossier are prepared in the background: one dossier is already too many."""
    monkeypatch.setattr("chinhquyen.dossiers.services.REGISTER_IMMEDIATE_ROWS", 0)


def _prepared(client, office, django_capture_on_commit_callbacks) -> RegisterExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("office:register_prepare"), _period(agency=office.agency.pk))
    assert response.status_code == 302
    tasks_run(task_path=TASK)
    return RegisterExport.objects.get()


def test_a_short_register_is_still_a_pdf_at_once(as_user, office):
    dossier = received(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:register"), _period())

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert dossier.code in "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert not RegisterExport.objects.exists()


def test_a_long_register_asked_for_offers_to_prepare_it_and_prepares_nothing_yet(as_user, office, one_is_long):
    received(office)
    client = as_user(office.front_desk)
    period = _period()

    response = client.get(reverse("office:register"), period)

    body = response.content.decode()
    assert (response.status_code, response["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert f'<form method="post" action="{reverse("office:register_prepare")}">' in body
    for name, value in (("from", period["from"]), ("to", period["to"]), ("agency", office.agency.pk)):
        assert f'<input type="hidden" name="{name}" value="{value}">' in body
    assert not RegisterExport.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_preparing_queues_the_register_and_lists_it_being_prepared(
    as_user, office, one_is_long, django_capture_on_commit_callbacks
):
    received(office)
    client = as_user(office.front_desk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("office:register_prepare"), _period(agency=office.agency.pk))

    assert (response.status_code, response["Location"]) == (302, reverse("office:register"))
    export = RegisterExport.objects.get()
    assert (export.requested_by, export.agency, export.state) == (office.front_desk, office.agency, "queued")
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1
    page = client.get(response["Location"]).content.decode()
    with override("en"):
        assert (
            gettext("The register is being prepared. It is listed below: reload this page to see when it is ready.")
            in page
        )
        assert f"<td>{gettext('Being prepared')}</td>" in page
    assert reverse("office:register_export", args=[export.pk]) not in page


def test_a_prepared_register_is_listed_and_downloaded_by_its_officer(
    as_user, office, one_is_long, django_capture_on_commit_callbacks
):
    dossier = received(office)
    client = as_user(office.front_desk)
    export = _prepared(client, office, django_capture_on_commit_callbacks)
    url = reverse("office:register_export", args=[export.pk])

    page = client.get(reverse("office:register")).content.decode()
    response = client.get(url)

    assert f'<a href="{url}">' in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    filename = f"register-{office.agency.code}-{today - dt.timedelta(days=1):%Y%m%d}-{today:%Y%m%d}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert dossier.code in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_colleague_another_agency_and_an_officer_who_left_get_404(
    as_user, office, other_office, one_is_long, django_capture_on_commit_callbacks
):
    received(office)
    export = _prepared(as_user(office.front_desk), office, django_capture_on_commit_callbacks)
    url = reverse("office:register_export", args=[export.pk])

    for user in (office.specialist, other_office.front_desk):
        other = Client()
        officer_login(other, user)
        assert other.get(url).status_code == 404, user
        assert (
            reverse("office:register_export", args=[export.pk])
            not in other.get(reverse("office:register")).content.decode()
        )

    StaffRole.objects.create(user=office.front_desk, agency=other_office.agency, role="front_desk")
    StaffRole.objects.filter(user=office.front_desk, agency=office.agency).delete()
    left = Client()
    officer_login(left, office.front_desk)
    assert left.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, office, one_is_long, django_capture_on_commit_callbacks):
    received(office)
    officer_login(client, office.front_desk)
    export = _prepared(client, office, django_capture_on_commit_callbacks)
    client.logout()

    for response in (
        client.get(reverse("office:register_export", args=[export.pk])),
        client.post(reverse("office:register_prepare"), _period(agency=office.agency.pk)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("office:auth:login"))


def test_preparing_another_agencys_register_is_refused(as_user, office, other_office):
    client = as_user(office.front_desk)

    response = client.post(reverse("office:register_prepare"), _period(agency=other_office.agency.pk))

    assert response.status_code == 400
    assert 'id="reg-agency' not in response.content.decode()  # one agency: no choice offered, the error shown
    with override("en"):
        assert gettext("Choose one of your agencies: you may print only their registers.") in response.content.decode()
    assert not RegisterExport.objects.exists()


def test_preparing_a_period_backwards_is_refused_at_its_field(as_user, office):
    client = as_user(office.front_desk)
    today = timezone.localdate()

    response = client.post(
        reverse("office:register_prepare"),
        {"from": today.isoformat(), "to": (today - dt.timedelta(days=1)).isoformat(), "agency": office.agency.pk},
    )

    assert response.status_code == 400
    assert 'name="to" value="' in response.content.decode()
    assert 'aria-describedby="reg-to-errors"' in response.content.decode()
    assert not RegisterExport.objects.exists()


def test_preparing_is_a_post(as_user, office):
    client = as_user(office.front_desk)

    assert client.get(reverse("office:register_prepare"), _period(agency=office.agency.pk)).status_code == 405
    assert not RegisterExport.objects.exists()


def test_a_prepared_register_whose_file_is_gone_is_404_not_an_error(
    as_user, office, one_is_long, django_capture_on_commit_callbacks
):
    received(office)
    client = as_user(office.front_desk)
    export = _prepared(client, office, django_capture_on_commit_callbacks)
    export.file.storage.delete(export.file.name)

    response = client.get(reverse("office:register_export", args=[export.pk]))

    assert response.status_code == 404
