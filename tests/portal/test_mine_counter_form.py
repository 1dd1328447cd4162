"""A dossier lodged at the counter has no e-form filled in: the applicant's page shows no block of empty fields,
while an online one shows what was submitted."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.dossiers.factories import World, vn

pytestmark = pytest.mark.django_db

SCHEMA = {"type": "object", "properties": {"ho_ten": {"type": "string", "title": "Họ và tên người được khai sinh"}}}


def _page(world: World, dossier) -> str:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    return re.sub(r"\s+", " ", client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode())


def test_a_counter_dossier_shows_no_empty_declaration():
    world = World()
    world.procedure.eform_schema = SCHEMA
    world.procedure.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    assert dossier.form_data == {}

    page = _page(world, dossier)

    assert "Your details as submitted" not in page
    assert "Họ và tên người được khai sinh" not in page


def test_a_dossier_with_form_data_shows_it():
    world = World()
    world.procedure.eform_schema = SCHEMA
    world.procedure.save()
    dossier = world.received(at=vn(2026, 3, 2, 8, 0))
    dossier.form_data = {"ho_ten": "Nguyễn Văn An"}
    dossier.save(update_fields=["form_data"])

    page = _page(world, dossier)

    assert "<h2>Your details as submitted</h2>" in page
    assert "<dt>Họ và tên người được khai sinh</dt><dd>Nguyễn Văn An</dd>" in page
