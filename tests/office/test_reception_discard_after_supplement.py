"""The reception page (in English) neither offers nor does the discard of a draft sent back for a supplement."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier

from .helpers import draft

pytestmark = pytest.mark.django_db

REFUSED = (
    "The applicant was asked for a supplement on this dossier (form 02), so it was handed in: it cannot be "
    "discarded. Receive it, or refuse it with the reasons."
)


def test_a_draft_sent_back_for_a_supplement_is_neither_offered_nor_discarded(as_user, office):
    dossier = services.dossier_request_supplement(
        by=office.front_desk, dossier=draft(office), items=["Giấy chứng sinh"], reason="Thiếu giấy chứng sinh"
    )
    dossier = services.dossier_supplement_provided(by=office.front_desk, dossier=dossier)
    client = as_user(office.front_desk)

    page = client.get(reverse("office:reception_dossier", args=[dossier.pk])).content.decode()
    refused = client.post(reverse("office:reception_discard", args=[dossier.pk]), {"expected_version": dossier.version})

    assert reverse("office:reception_discard", args=[dossier.pk]) not in page
    assert refused.status_code == 409
    assert REFUSED in refused.content.decode()
    assert Dossier.objects.filter(pk=dossier.pk).exists()
