"""A limit changed in the admin that its process template no longer adds up to is saved (the template is fitted to
each dossier's span), but the page says so at once, with a link to the template: the start-up check
(catalog.W002) would otherwise be the first to tell."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from chinhquyen.catalog.services import process_sum_problem, process_template_set

from .factories import ProcedureFactory
from .test_admin_and_value_fixes import _change_form_post

pytestmark = pytest.mark.django_db

STEPS = [
    {"name": "Thẩm định", "role": "specialist", "share_hours": 32},
    {"name": "Phê duyệt", "role": "leader", "share_hours": 8},
]


def _warnings(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_a_limit_the_template_no_longer_adds_up_to_is_saved_with_a_warning(admin_client):
    procedure = ProcedureFactory(code="1.000070")  # 5 working days: the steps' 40 hours
    template = process_template_set(procedure=procedure, steps=STEPS)

    response = _change_form_post(
        admin_client, procedure, time_limit_text="3 Ngày làm việc", time_limit_value="3", time_limit_unit="working_days"
    )

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.time_limit_hours == Decimal(24)
    problem = process_sum_problem(procedure=procedure, total=Decimal(40))
    link = reverse("admin:catalog_processtemplate_change", args=[template.pk])
    assert _warnings(response) == [
        f'{problem} <a href="{link}">{gettext("Correct the steps of its process template.")}</a>'
    ]


def test_a_limit_the_template_adds_up_to_saves_without_a_warning(admin_client):
    procedure = ProcedureFactory(code="1.000071")
    process_template_set(procedure=procedure, steps=STEPS)

    response = _change_form_post(admin_client, procedure, name="Thủ tục đổi tên")

    assert response.status_code == 302
    assert _warnings(response) == []
