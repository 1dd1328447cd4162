"""Office access: counter and postal pages of another agency's dossier, documents reached through
another dossier, and the counter of an agency that only has a step of the dossier."""

import pytest
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierDocument, DossierEvent

from .helpers import draft, pdf_upload, received

pytestmark = pytest.mark.django_db


def _unchanged(dossier: Dossier) -> tuple[int, int, int]:
    """What a refused request must leave as it was: the dossier's version, its events and its documents."""
    return (
        Dossier.objects.get(pk=dossier.pk).version,
        DossierEvent.objects.filter(dossier=dossier).count(),
        DossierDocument.objects.filter(dossier=dossier).count(),
    )


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("office:reception_documents", {"required_documents": []}),
        ("office:reception_upload", {"name": "Bản quét"}),
        ("office:reception_authorised", {"name": "Lê Văn Cường"}),
        ("office:postal_send", {"receiver_name": "Trần Thị Bình"}),
        ("office:postal_refresh", {"shipment": "1"}),
    ],
    ids=["documents", "upload", "authorised", "postal-send", "postal-refresh"],
)
def test_another_agencys_front_desk_posting_to_the_counter_or_postal_pages_gets_404(
    as_user, office, other_office, url_name, data
):
    dossier = draft(office) if url_name.startswith("office:reception") else received(office)
    before = _unchanged(dossier)
    client = as_user(other_office.front_desk)

    payload = {"expected_version": dossier.version, **data}
    if url_name == "office:reception_upload":
        payload["upload"] = pdf_upload()
    response = client.post(reverse(url_name, args=[dossier.pk]), payload)

    assert response.status_code == 404
    assert _unchanged(dossier) == before


def test_a_document_of_another_agencys_dossier_is_not_served_through_ones_own(as_user, office, other_office):
    own = received(office)
    foreign = services.dossier_document_add(
        by=other_office.front_desk, dossier=draft(other_office), upload=pdf_upload(), name="Bản quét", kind="scan"
    )

    response = as_user(office.front_desk).get(reverse("office:document", args=[own.pk, foreign.pk]))

    assert response.status_code == 404


def test_the_front_desk_of_a_consulted_agency_sees_the_dossier_but_cannot_work_its_counter(
    as_user, office, other_office
):
    # Given a dossier received by agency A whose specialist asked agency B's opinion (B now holds a step)
    dossier = received(office)
    services.dossier_forward(by=office.specialist, dossier=dossier)
    services.dossier_send_back(by=office.leader, dossier=dossier, reason="Xem lại")
    services.dossier_consult_agency(by=office.specialist, dossier=dossier, agency=other_office.agency, question="?")
    before = _unchanged(dossier)
    client = as_user(other_office.front_desk)

    # When B's front desk opens it, then tries A's counter work on it
    seen = client.get(reverse("office:dossier", args=[dossier.pk]))
    upload = client.post(
        reverse("office:reception_upload", args=[dossier.pk]),
        {"expected_version": before[0], "name": "Bản quét", "upload": pdf_upload()},
    )
    withdraw = client.post(
        reverse("office:dossier_action", args=[dossier.pk, "withdraw"]),
        {"expected_version": before[0], "reason": "Công dân xin rút"},
    )

    # Then it may read the dossier (it has a step) but the counter's work stays the receiving agency's
    assert seen.status_code == 200
    assert (upload.status_code, withdraw.status_code) == (409, 409)
    assert all("You do not hold a role" in r.content.decode() for r in (upload, withdraw))
    assert _unchanged(dossier) == before
