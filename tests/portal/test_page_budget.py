"""Every citizen page weighs under 100 KB on the wire (HTML, CSS and scripts, gzip-compressed), before uploads."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.services import dossier_receive
from tests.portal.apply_world import OnlineWorld
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024
ASSET = re.compile(r'(?:href|src)="/static/([^"]+\.(?:css|js))"')


def weight(html: bytes) -> int:
    """Compressed size of the page and of each stylesheet and script it loads."""
    total = len(gzip.compress(html))
    for name in sorted(set(ASSET.findall(html.decode()))):
        path = finders.find(name)
        assert path, name
        with open(path, "rb") as asset:
            total += len(gzip.compress(asset.read()))
    return total


def test_citizen_pages_are_within_budget():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    signed_in = world.client(language="vi")
    code = world.procedure.code
    pages = {
        "home": (Client(), reverse("portal:home")),
        "search": (Client(), reverse("portal:procedure_search") + "?q=khai+sinh"),
        "procedure": (Client(), reverse("portal:procedure_detail", args=[code])),
        "lookup": (Client(), reverse("portal:dossier_lookup")),
        "my dossiers": (signed_in, reverse("portal:my_dossiers")),
        "my dossier": (signed_in, reverse("portal:my_dossier", args=[dossier.pk])),
        "apply": (signed_in, reverse("portal:apply", args=[code])),
        "sign in": (Client(), reverse("portal:login")),
        "petitions": (Client(), reverse("portal:petition_list")),
        "file a petition": (Client(), reverse("portal:petition_file")),
    }
    weights = {}
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        weights[name] = weight(response.content)

    assert {name: w for name, w in weights.items() if w > BUDGET} == {}
    assert min(weights.values()) > 1000  # the measure counts something real
