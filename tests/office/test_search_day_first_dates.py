"""Dates typed the Vietnamese way are read day first: 01/12/2026 is the 1st of December, not the 12th of January."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from chinhquyen.directory.models import Agency, Applicant
from chinhquyen.dossiers.models import Dossier
from chinhquyen.office import forms

from .helpers import received

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DECEMBER_1 = dt.date(2026, 12, 1)


def _form(form_class, data):
    if form_class is forms.RegisterForm:
        return forms.RegisterForm(
            {"date_from": "2026-11-01", "date_to": "2026-12-31", **data}, agencies=Agency.objects.none()
        )
    if form_class is forms.CitizenForm:
        return forms.CitizenForm({"citizen-name": "Lê Văn Cường", "citizen-personal_id": "037090001234", **data})
    return form_class(data)


@pytest.mark.parametrize("typed", ["01/12/2026", "01-12-2026", "01.12.2026", "2026-12-01"])
@pytest.mark.parametrize(
    ("form_class", "name", "key"),
    [
        (forms.SearchForm, "received_from", "received_from"),
        (forms.SearchForm, "received_to", "received_to"),
        (forms.RegisterForm, "date_from", "date_from"),
        (forms.RegisterForm, "date_to", "date_to"),
        (forms.CitizenForm, "birth_date", "citizen-birth_date"),
    ],
    ids=["search-from", "search-to", "register-from", "register-to", "reception-birth-date"],
)
def test_an_office_date_field_reads_the_day_first(form_class, name, key, typed):
    form = _form(form_class, {key: typed})

    form.is_valid()

    assert form.errors.get(name) is None
    assert form.cleaned_data[name] == DECEMBER_1


def test_a_search_from_a_day_typed_day_first_finds_only_what_was_received_since(as_user, office):
    dossier = received(office)
    Dossier.objects.filter(pk=dossier.pk).update(received_at=dt.datetime(2026, 11, 20, 6, 30, tzinfo=VN))
    client = as_user(office.specialist)

    def found(**query):
        return client.get(reverse("office:search"), query).content.decode()

    assert "0 dossiers found" in found(received_from="01/12/2026")  # month first, 12 January: it would be found
    assert "1 dossier found" in found(received_from="20/11/2026", received_to="20/11/2026")
    assert "0 dossiers found" in found(received_to="19/11/2026")


def test_a_birth_date_typed_day_first_is_stored_as_typed(as_user, office):
    client = as_user(office.front_desk)

    response = client.post(
        reverse("office:applicant_create"),
        {
            "kind": "citizen",
            "citizen-name": "Lê Văn Cường",
            "citizen-personal_id": "037090001234",
            "citizen-birth_date": "05/03/1990",
        },
    )

    assert response.status_code == 302
    assert Applicant.objects.get().birth_date == dt.date(1990, 3, 5)


def test_a_search_for_05_03_2026_finds_the_dossier_received_on_5_march_not_3_may(as_user, office):
    march_5, may_3 = received(office), received(office)
    Dossier.objects.filter(pk=march_5.pk).update(received_at=dt.datetime(2026, 3, 5, 9, 0, tzinfo=VN))
    Dossier.objects.filter(pk=may_3.pk).update(received_at=dt.datetime(2026, 5, 3, 9, 0, tzinfo=VN))
    client = as_user(office.specialist)

    html = client.get(
        reverse("office:search"), {"received_from": "05/03/2026", "received_to": "05/03/2026"}
    ).content.decode()

    assert "1 dossier found" in html
    assert march_5.code in html
    assert may_3.code not in html
