"""A refused "Send the supplement" keeps the message typed to the agency: the page shown next puts it back."""

import re

import pytest
from django.urls import reverse

from chinhquyen.dossiers.models import DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_claim,
    dossier_document_add,
    dossier_receive,
    dossier_request_supplement,
    online_draft_save,
    online_draft_start,
    online_draft_submit,
)
from tests.portal.apply_world import FORM, OnlineWorld, pdf_upload
from tests.portal.test_mine_supplement_rules import asked


def another_asked(world: OnlineWorld):
    """A second dossier of the same applicant, waiting for documents too."""
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="2nd")
    online_draft_save(by=user, dossier=draft, form_data={**FORM, "applicant_id": world.applicant.personal_id})
    for rd in (world.declaration, world.certificate):
        dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name=rd.name, required_document=rd)
    dossier = dossier_receive(
        by=world.front_desk, dossier=online_draft_submit(by=user, dossier=draft, client_key="2nd")
    )
    dossier_claim(by=world.specialist, dossier=dossier)
    return dossier_request_supplement(by=world.specialist, dossier=dossier, items=["Bản sao"], reason="Thiếu")


pytestmark = pytest.mark.django_db

NOTE = "Bản sao CCCD gửi kèm; bản gốc tôi mang đến quầy ngày 5/12 <b>"
SHOWN = "Bản sao CCCD gửi kèm; bản gốc tôi mang đến quầy ngày 5/12 &lt;b&gt;"


def note_box(html: str) -> str:
    found = re.search(r'<textarea id="supplement-note"[^>]*>(.*?)</textarea>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_note_comes_back_when_nothing_was_attached_and_only_once():
    world = OnlineWorld()
    dossier = asked(world)
    client = world.client()

    sent = client.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": NOTE})
    shown = client.get(sent["Location"]).content.decode()
    again = client.get(sent["Location"]).content.decode()

    assert sent.status_code == 302
    assert note_box(shown) == SHOWN
    assert note_box(again) == ""
    assert not DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").exists()


def test_the_note_comes_back_when_the_dossier_changed_meanwhile_and_is_sent_with_the_file():
    world = OnlineWorld()
    dossier = asked(world)
    client = world.client()
    stale = dossier.version
    client.post(
        reverse("portal:supplement_upload", args=[dossier.pk]), {"required_document": "", "upload": pdf_upload()}
    )

    sent = client.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": stale, "note": NOTE})
    page = client.get(sent["Location"]).content.decode()
    dossier.refresh_from_db()
    resent = client.post(
        reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": NOTE}
    )

    assert note_box(page) == SHOWN
    assert resent.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED  # back to the status before the request
    assert DossierEvent.objects.get(dossier=dossier, action="supplement_provided").reason == NOTE


def test_the_note_of_one_dossier_is_put_in_no_other():
    world = OnlineWorld()
    first = asked(world)
    second = another_asked(world)
    client = world.client()

    client.post(reverse("portal:supplement_send", args=[first.pk]), {"version": first.version, "note": NOTE})
    other = client.get(reverse("portal:my_dossier", args=[second.pk])).content.decode()
    then = client.get(reverse("portal:my_dossier", args=[first.pk])).content.decode()

    assert note_box(other) == ""
    assert note_box(then) == ""  # dropped by the next page shown: it never turns up in a box later
