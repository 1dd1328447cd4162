"""The demo province comes with sample petitions and a rating of its returned dossier, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from chinhquyen.feedback.models import Petition, Rating

pytestmark = pytest.mark.django_db


def test_demo_province_adds_petitions_and_a_rating_once(settings):
    settings.DEMO_PASSWORD = "demo-pass"
    call_command("demo_province", stdout=StringIO())

    statuses = sorted(Petition.objects.values_list("status", flat=True))
    published = Petition.objects.filter(status="published")
    rating = Rating.objects.get()

    assert statuses == ["assigned", "published", "published", "received"]
    assert all("0912" not in p.published_content and "@" not in p.published_content for p in published)
    assert rating.dossier.status == 10
    # Settled on time, each step too: 1 + 1 from the record, and 12 points asked.
    assert (rating.total_time, rating.agency_time, rating.total) == (1, 1, 14)

    call_command("demo_province", "--force", stdout=StringIO())
    assert (Petition.objects.count(), Rating.objects.count()) == (4, 1)
