"""My dossiers lists the newest first, by the latest of submission, reception and creation, whatever the channel."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier
from chinhquyen.dossiers.selectors import applicant_dossiers
from chinhquyen.dossiers.services import dossier_receive, dossier_submit_online, online_draft_start
from tests.dossiers.factories import World, online_offer, vn

pytestmark = pytest.mark.django_db


def _online(world: World, *, created, submitted) -> Dossier:
    dossier = dossier_submit_online(
        by=world.applicant.user,
        applicant=world.applicant,
        procedure=world.procedure,
        receiving_agency=world.agency,
        form_data={},
    )
    Dossier.objects.filter(pk=dossier.pk).update(created_at=created, submitted_at=submitted)
    dossier.refresh_from_db()
    return dossier


def _counter(world: World, *, created, received) -> Dossier:
    dossier = world.received(at=received)
    Dossier.objects.filter(pk=dossier.pk).update(created_at=created)
    return dossier


def test_counter_and_online_dossiers_are_listed_newest_first():
    world = World(days=5)
    counter_old = _counter(world, created=vn(2026, 3, 1, 7, 50), received=vn(2026, 3, 1, 8, 0))
    online_waiting = _online(world, created=vn(2026, 3, 1, 20, 0), submitted=vn(2026, 3, 2, 10, 0))
    counter_new = _counter(world, created=vn(2026, 3, 3, 8, 0), received=vn(2026, 3, 3, 8, 10))
    online_received = _online(world, created=vn(2026, 2, 20, 9, 0), submitted=vn(2026, 3, 2, 9, 0))
    online_received = dossier_receive(by=world.front_desk, dossier=online_received, at=vn(2026, 3, 4, 8, 0))
    online_offer(world)
    draft = online_draft_start(
        by=world.applicant.user, procedure=world.procedure, receiving_agency=world.agency, client_key="d"
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)
    expected = [online_received, counter_new, online_waiting, counter_old]

    listed = applicant_dossiers(user=world.applicant.user)
    html = client.get(reverse("portal:my_dossiers")).content.decode()

    assert [d.pk for d in listed if d.pk != draft.pk] == [d.pk for d in expected]
    links = [int(pk) for pk in re.findall(r'href="/ho-so-cua-toi/(\d+)/"', html)]
    assert links == [d.pk for d in expected]  # the draft is listed apart, by its form's link
    assert f'href="{reverse("portal:apply_form", args=[draft.pk])}"' in html
