"""The demo loader refuses to run in production and leaves the database as it was."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chinhquyen.directory.models import Agency

pytestmark = pytest.mark.django_db


def test_demo_province_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not production"):
        call_command("demo_province", stdout=StringIO())
    assert Agency.objects.count() == 0
