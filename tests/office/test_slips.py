"""Slips and the register are PDFs rendered on request for officers who may see the dossier."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import working_days_later

from .helpers import draft, received

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["01", "06"])
def test_receipt_and_control_slips_are_pdfs(as_user, office, kind):
    dossier = received(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:slip", args=[dossier.pk, kind]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["02", "03", "04", "05"])
def test_a_slip_the_dossier_does_not_have_is_404_with_a_message(as_user, office, kind):
    # Given: a dossier received and processed normally: no supplement, refusal, letter or stop.
    dossier = received(office)
    client = as_user(office.front_desk)

    response = client.get(reverse("office:slip", args=[dossier.pk, kind]))

    assert response.status_code == 404
    assert "This dossier has no such slip in its current state." in response.content.decode()


def test_unknown_slip_kind_is_404(as_user, office):
    dossier = draft(office)
    client = as_user(office.front_desk)

    assert client.get(reverse("office:slip", args=[dossier.pk, "07"])).status_code == 404


def test_register_for_a_period_lists_the_dossiers_received(as_user, office, other_office):
    import io

    from pypdf import PdfReader

    dossier = received(office)
    foreign = received(other_office)
    today = timezone.localdate()
    client = as_user(office.front_desk)

    response = client.get(
        reverse("office:register"), {"from": (today - dt.timedelta(days=1)).isoformat(), "to": today.isoformat()}
    )

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert dossier.code in text
    assert foreign.code not in text


def test_register_opened_from_a_link_shows_the_empty_form_without_errors(as_user, office):
    client = as_user(office.front_desk)

    response = client.get(reverse("office:register"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="from"' in body
    assert "errorlist" not in body
    assert 'aria-invalid="true"' not in body


def test_register_asked_without_dates_asks_for_them(as_user, office):
    client = as_user(office.front_desk)

    response = client.get(reverse("office:register"), {"from": "", "to": ""})

    body = response.content.decode()
    assert response.status_code == 400
    assert '<ul class="errorlist" id="reg-from-errors"><li>This field is required.</li></ul>' in body
    assert 'name="to" value="" required aria-invalid="true" aria-describedby="reg-to-errors"' in body


def _refused(o):
    from chinhquyen.dossiers import services

    return services.dossier_refuse(by=o.front_desk, dossier=draft(o), reasons=["Ngoài thẩm quyền"])


def _supplement(o):
    from chinhquyen.dossiers import services

    return services.dossier_request_supplement(by=o.front_desk, dossier=draft(o), items=["CCCD"], reason="Thiếu")


def _stopped(o):
    from chinhquyen.dossiers import services

    return services.dossier_stop(by=o.leader, dossier=received(o), reason="Không bổ sung")


def _letter(o):
    from chinhquyen.dossiers import services

    dossier = received(o)
    services.apology_letter_draft(
        by=o.specialist, dossier=dossier, reason="Chờ xác minh", new_due_at=working_days_later(dossier.due_at, 5)
    )
    return dossier


@pytest.mark.parametrize(
    ("make", "kind", "text"),
    [
        (_supplement, "02", "CCCD"),
        (_refused, "03", "Ngoài thẩm quyền"),
        (_letter, "04", "Chờ xác minh"),
        (_stopped, "05", "Không bổ sung"),
    ],
    ids=["supplement", "refusal", "apology", "stop"],
)
def test_each_slip_carries_what_was_decided(as_user, office, make, kind, text):
    import io

    from pypdf import PdfReader

    dossier = make(office)
    client = as_user(office.leader if kind == "05" else office.front_desk)

    response = client.get(reverse("office:slip", args=[dossier.pk, kind]))

    assert response.status_code == 200
    assert text in "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
