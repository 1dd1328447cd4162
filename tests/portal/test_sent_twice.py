"""A form of the applicant's sent twice (a double click, or Back and send again) after the first did what it asked.

The browser shows the answer to the second sending only: it must tell what the first did, never offer to do it
again nor answer "not found" for the applicant's own application.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Dossier, DossierEvent, DossierStatus
from chinhquyen.dossiers.services import (
    dossier_approve,
    dossier_claim,
    dossier_document_add,
    dossier_forward,
    dossier_issue_result,
    dossier_receive,
    dossier_supplement_provided,
    online_draft_start,
)
from chinhquyen.portal import apply_views
from tests.portal.apply_world import OnlineWorld, pdf_upload
from tests.portal.test_mine_supplement_rules import asked
from tests.portal.test_my_dossiers import submitted

pytestmark = pytest.mark.django_db

REASON = "Tôi đã nộp hồ sơ tại Bộ phận một cửa khác"
WITHDRAWN = "Your dossier has been withdrawn. The agency will not process it further."
SUPPLIED = "Thank you: the agency has been told and your dossier is being processed again."
STALE = "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
DISCARDED = "Your draft application has been discarded."


def shown(client: Client, response) -> list[str]:
    """The messages the page the response leads to shows."""
    return [str(m) for m in get_messages(client.get(response["Location"]).wsgi_request)]


def detail(dossier: Dossier) -> str:
    return reverse("portal:my_dossier", args=[dossier.pk])


# --- Withdrawing ------------------------------------------------------------------------------------


def test_a_withdrawal_sent_twice_shows_the_dossier_withdrawn_once():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    client = world.client()
    data = {"reason": REASON, "confirm": "on", "version": dossier.version}
    url = reverse("portal:dossier_withdraw", args=[dossier.pk])

    first = client.post(url, data)
    client.get(first["Location"])  # the first answer's messages, which the browser never showed
    second = client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == detail(dossier)
    assert shown(client, second) == [WITHDRAWN]
    assert DossierEvent.objects.filter(dossier=dossier, action="withdraw").count() == 1


def test_a_withdrawal_page_left_open_while_the_result_was_issued_says_it_can_no_longer_be_withdrawn():
    world = OnlineWorld()
    dossier = dossier_receive(by=world.front_desk, dossier=submitted(world))
    seen = dossier.version
    dossier_claim(by=world.specialist, dossier=dossier)
    dossier_forward(by=world.specialist, dossier=dossier)
    dossier_approve(by=world.leader, dossier=dossier)
    dossier_issue_result(by=world.front_desk, dossier=dossier)

    response = world.client().post(
        reverse("portal:dossier_withdraw", args=[dossier.pk]), {"reason": REASON, "confirm": "on", "version": seen}
    )

    # Not "check it, then send again": sending again could only be refused.
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        f"This dossier can no longer be withdrawn on the portal. Contact {world.agency.name} if you still wish "
        "to withdraw it."
    ]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED


# --- Sending a supplement ---------------------------------------------------------------------------


def test_a_supplement_sent_twice_is_thanked_for_and_recorded_once():
    world = OnlineWorld()
    dossier = asked(world)
    client = world.client()
    client.post(reverse("portal:supplement_upload", args=[dossier.pk]), {"upload": pdf_upload()})
    dossier.refresh_from_db()
    data = {"version": dossier.version, "note": "Đã bổ sung"}
    url = reverse("portal:supplement_send", args=[dossier.pk])

    first = client.post(url, data)
    client.get(first["Location"])
    second = client.post(url, data)

    assert second["Location"] == detail(dossier)
    assert shown(client, second) == [SUPPLIED]
    assert DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").count() == 1


def test_a_supplement_page_left_open_while_the_counter_recorded_the_papers_does_not_ask_to_send_again():
    world = OnlineWorld()
    dossier = asked(world)
    seen = dossier.version
    dossier_supplement_provided(by=world.front_desk, dossier=dossier)  # the papers handed in at the counter
    client = world.client()

    sent = client.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": seen, "note": "Đã bổ sung"})

    assert shown(client, sent) == ["This dossier is no longer waiting for this: the page now shows it as it is."]
    assert DossierEvent.objects.filter(dossier=dossier, action="supplement_provided").count() == 1


def test_a_supplement_note_keeps_its_last_words_however_many_lines_it_has():
    world = OnlineWorld()
    dossier = asked(world)
    client = world.client()
    client.post(reverse("portal:supplement_upload", args=[dossier.pk]), {"upload": pdf_upload()})
    dossier.refresh_from_db()
    # 2,000 characters as the box counts them (maxlength), each line break one; the browser sends it as CR LF.
    lines = [f"Dòng {n:02d}: đã bổ sung bản sao".ljust(95, ".") for n in range(20)]
    lines[-1] += "Hết.".rjust(2000 - len("\n".join(lines)), ".")
    note = "\r\n".join(lines)
    assert (len(note.replace("\r\n", "\n")), len(note)) == (2000, 2019)

    client.post(reverse("portal:supplement_send", args=[dossier.pk]), {"version": dossier.version, "note": note})

    event = DossierEvent.objects.get(dossier=dossier, action="supplement_provided")
    assert event.reason == " ".join(lines)


# --- Discarding a draft -----------------------------------------------------------------------------


def a_draft(world: OnlineWorld) -> Dossier:
    user = world.applicant.user
    draft = online_draft_start(by=user, procedure=world.procedure, receiving_agency=world.agency, client_key="k")
    dossier_document_add(by=user, dossier=draft, upload=pdf_upload(), name="Giấy chứng sinh")
    return draft


def test_a_discard_sent_twice_leads_to_my_dossiers_as_the_first():
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    url = reverse("portal:apply_discard", args=[draft.pk])

    first = client.post(url)
    client.get(first["Location"])
    second = client.post(url)

    assert second.status_code == 302
    assert second["Location"] == reverse("portal:my_dossiers")
    assert shown(client, second) == [DISCARDED]
    assert not Dossier.objects.filter(pk=draft.pk).exists()


def test_a_discard_racing_another_that_deleted_the_draft_first_is_no_error(monkeypatch):
    world = OnlineWorld()
    draft = a_draft(world)
    client = world.client()
    discard = services.online_draft_discard

    def the_other_first(*, by, dossier, **kwargs):
        discard(by=by, dossier=Dossier.objects.get(pk=dossier.pk))  # the other request, between read and lock
        return discard(by=by, dossier=dossier, **kwargs)

    monkeypatch.setattr(apply_views.services, "online_draft_discard", the_other_first)
    response = client.post(reverse("portal:apply_discard", args=[draft.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_dossiers")
    assert shown(client, response) == [DISCARDED]


def test_another_applicant_still_finds_nothing_at_a_discarded_draft():
    world = OnlineWorld()
    draft = a_draft(world)
    world.client().post(reverse("portal:apply_discard", args=[draft.pk]))

    response = OnlineWorld().client().post(reverse("portal:apply_discard", args=[draft.pk]))

    assert response.status_code == 404


# --- Back to the application's pages once it is submitted -------------------------------------------


@pytest.mark.parametrize("name", ["apply_agency", "apply_form", "apply_documents", "apply_review", "apply_discard"])
def test_a_step_of_the_application_reached_again_after_submitting_leads_to_the_dossier(name):
    world = OnlineWorld()
    dossier = submitted(world)
    client = world.client()

    response = client.get(reverse(f"portal:{name}", args=[dossier.pk]))

    assert response.status_code == 302
    assert response["Location"] == detail(dossier)
    assert shown(client, response) == ["This application has been submitted already."]


def test_the_form_sent_after_submitting_changes_nothing_and_leads_to_the_dossier():
    world = OnlineWorld()
    dossier = submitted(world)
    before = dossier.form_data

    response = world.client().post(
        reverse("portal:apply_form", args=[dossier.pk]), {"child_name": "Tên khác", "version": dossier.version}
    )

    assert response.status_code == 302
    assert response["Location"] == detail(dossier)
    dossier.refresh_from_db()
    assert dossier.form_data == before


@pytest.mark.parametrize("name", ["apply_form", "apply_review"])
def test_another_applicant_still_gets_not_found_at_a_submitted_application(name):
    world = OnlineWorld()
    dossier = submitted(world)

    assert OnlineWorld().client().get(reverse(f"portal:{name}", args=[dossier.pk])).status_code == 404


def test_the_vietnamese_page_says_it_in_vietnamese():
    world = OnlineWorld()
    dossier = submitted(world)
    client = world.client("vi")

    response = client.get(reverse("portal:apply_form", args=[dossier.pk]))

    html = re.sub(r"\s+", " ", client.get(response["Location"]).content.decode())
    assert "Hồ sơ này đã được nộp." in html
