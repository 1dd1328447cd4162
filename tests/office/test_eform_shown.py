"""The reception and dossier pages show the e-form the applicant filled in, as the portal does."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "child_name": {"type": "string", "title": "Họ tên trẻ", "x-en": {"title": "Child's full name"}},
        "birth_date": {"type": "string", "format": "date", "title": "Ngày sinh", "x-en": {"title": "Date of birth"}},
        "sex": {
            "type": "string",
            "enum": ["M", "F"],
            "x-enum-titles": ["Nam", "Nữ"],
            "title": "Giới tính",
            "x-en": {"title": "Sex", "enum-titles": ["Male", "Female"]},
        },
        "copy": {"type": "boolean", "title": "Cấp bản sao", "x-en": {"title": "Copy wanted"}},
        "note": {"type": "string", "title": "Ghi chú", "x-en": {"title": "Note"}},
    },
}
DATA = {"child_name": "Khang <b>bé</b>", "birth_date": "2025-03-07", "sex": "F", "copy": True}


def _section(response) -> str:
    body = re.sub(r"\s+", " ", response.content.decode())
    match = re.search(r'<section aria-labelledby="eform-h">(.*?)</section>', body)
    return match.group(1) if match else ""


def _draft(office, form_data):
    office.procedure.eform_schema = SCHEMA
    office.procedure.save(update_fields=["eform_schema"])
    return services.dossier_create_at_counter(
        by=office.front_desk, procedure=office.procedure, applicant=CitizenFactory(), form_data=form_data
    )


@pytest.mark.parametrize("page", ["office:reception_dossier", "office:dossier"], ids=["reception", "dossier"])
def test_office_page_shows_the_eform_labels_and_values_in_english(as_user, office, page):
    dossier = _draft(office, DATA)
    client = as_user(office.front_desk)

    response = client.get(reverse(page, args=[dossier.pk]))

    assert response.status_code == 200
    section = _section(response)
    # Compared as a mapping: PostgreSQL's jsonb does not keep the schema's key order.
    assert section.startswith(' <h2 id="eform-h">E-form data filled in by the applicant</h2> <dl class="facts">')
    assert dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section)) == {
        "Child&#x27;s full name": "Khang &lt;b&gt;bé&lt;/b&gt;",
        "Date of birth": "07/03/2025",
        "Sex": "Female",
        "Copy wanted": "Yes",
        "Note": "—",
    }


def test_the_dossier_page_shows_the_vietnamese_labels_on_a_vietnamese_page(client, office):
    dossier = _draft(office, DATA)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    from tests.office.helpers import login

    login(client, office.front_desk)

    section = _section(client.get(reverse("office:dossier", args=[dossier.pk])))

    assert "<dt>Họ tên trẻ</dt><dd>Khang &lt;b&gt;bé&lt;/b&gt;</dd>" in section
    assert "<dt>Ngày sinh</dt><dd>07/03/2025</dd>" in section
    assert "<dt>Giới tính</dt><dd>Nữ</dd>" in section
    assert "<dt>Cấp bản sao</dt><dd>Có</dd>" in section


@pytest.mark.parametrize("page", ["office:reception_dossier", "office:dossier"], ids=["reception", "dossier"])
def test_a_dossier_without_form_data_has_no_eform_section(as_user, office, page):
    dossier = _draft(office, None)
    client = as_user(office.front_desk)

    response = client.get(reverse(page, args=[dossier.pk]))

    assert response.status_code == 200
    assert 'id="eform-h"' not in response.content.decode()
