"""A published answer can be withdrawn from public view (unpublish): by the agency's leader or a province
administrator, with a reason; the public pages and the API no longer show it; it may be published again."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.errors import PetitionRefused
from chinhquyen.feedback.models import Petition, PetitionEvent
from chinhquyen.feedback.transitions import PETITION_ACTION_NAMES
from tests.api.helpers import api_client
from tests.factories import UserFactory

from .helpers import agency_with_staff, answered, province_admin, published

pytestmark = pytest.mark.django_db

REASON = "Câu trả lời còn nêu số nhà của người gửi."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(call, **kwargs) -> PetitionRefused:
    with pytest.raises(PetitionRefused) as info:
        call(**kwargs)
    return info.value


# --- The service ------------------------------------------------------------------------------------


def test_the_leader_unpublishes_with_a_reason_and_the_public_copies_are_gone():
    staffed = agency_with_staff()
    sender = UserFactory()
    done = published(staffed, sender_user=sender)
    services.petition_answer_rate(petition=done, by=sender, satisfied=True)

    services.petition_unpublish(petition=done, by=staffed.leader, reason=f"  {REASON} ", expected_version=done.version)

    done = Petition.objects.get(pk=done.pk)
    assert (done.status, done.published_at, done.is_published) == ("answered", None, False)
    assert (done.published_subject, done.published_content, done.published_answer, done.published_search) == (
        "",
        "",
        "",
        "",
    )
    # The answer itself and the sender's rating stay.
    assert (done.answer, done.sender_satisfied, done.version) == (
        "Đã liên hệ ông Nguyễn Văn An qua số 0912345678 để hướng dẫn.",
        True,
        5,
    )
    event = done.events.last()
    assert (event.action, event.from_status, event.to_status, event.note, event.actor) == (
        "unpublish",
        "published",
        "answered",
        REASON,
        staffed.leader,
    )
    audit = AuditEntry.objects.filter(target=f"petition:{done.pk}").last()
    assert (audit.action, audit.actor_id, audit.data["from"], audit.data["to"]) == (
        "petition.unpublish",
        staffed.leader.pk,
        "published",
        "answered",
    )


def test_a_province_administrator_unpublishes_any_agencys_petition():
    done = published(agency_with_staff())

    services.petition_unpublish(petition=done, by=province_admin(), reason=REASON)

    assert Petition.objects.get(pk=done.pk).status == "answered"


@pytest.mark.parametrize("role", ["front_desk", "specialist"])
def test_other_officials_of_the_agency_may_not_unpublish(role):
    staffed = agency_with_staff()
    done = published(staffed)

    refusal = refused(services.petition_unpublish, petition=done, by=getattr(staffed, role), reason=REASON)

    assert refusal.code == "role_required"
    name = gettext("withdraw the published answer")
    assert refusal.message == f"You do not hold a role that may take the action “{name}” on this petition."
    assert Petition.objects.get(pk=done.pk).status == "published"


def test_the_leader_of_another_agency_may_not_unpublish():
    done = published(agency_with_staff("a"))

    refusal = refused(services.petition_unpublish, petition=done, by=agency_with_staff("b").leader, reason=REASON)

    assert refusal.code == "role_required"


def test_a_petition_that_is_not_published_cannot_be_unpublished():
    staffed = agency_with_staff()
    waiting = answered(staffed)

    refusal = refused(services.petition_unpublish, petition=waiting, by=staffed.leader, reason=REASON)

    assert refusal.code == "transition_not_allowed"
    name = gettext("withdraw the published answer")
    assert refusal.message == f"The action “{name}” is not allowed while the petition is “Answered”."
    assert PetitionEvent.objects.filter(petition=waiting, action="unpublish").count() == 0


@pytest.mark.parametrize(("reason", "code"), [(" \n ", "required"), ("x" * 2001, "too_long")])
def test_the_reason_is_required_and_bounded(reason, code):
    staffed = agency_with_staff()
    done = published(staffed)

    with pytest.raises(InvalidInput) as info:
        services.petition_unpublish(petition=done, by=staffed.leader, reason=reason)

    assert (info.value.code, info.value.field) == (code, "reason")
    assert Petition.objects.get(pk=done.pk).status == "published"


def test_a_stale_version_is_refused():
    staffed = agency_with_staff()
    done = published(staffed)

    refusal = refused(services.petition_unpublish, petition=done, by=staffed.leader, reason=REASON, expected_version=2)

    assert refusal.code == "stale_version"


def test_it_is_published_again_through_publish_with_fresh_masked_copies():
    staffed = agency_with_staff()
    done = published(staffed)
    services.petition_unpublish(petition=done, by=staffed.leader, reason=REASON)

    services.petition_publish(petition=done, by=staffed.leader)

    done = Petition.objects.get(pk=done.pk)
    assert (done.status, done.published_answer) == ("published", "Đã liên hệ ông *** qua số *** để hướng dẫn.")
    assert done.published_at is not None
    actions = list(done.events.values_list("action", "to_status"))
    assert actions[-3:] == [("publish", "published"), ("unpublish", "answered"), ("publish", "published")]


def test_the_action_is_offered_to_the_leader_of_a_published_petition_only():
    staffed = agency_with_staff()
    done = published(staffed)

    assert selectors.petition_actions_for(petition=done, user=staffed.leader) == ["unpublish", "note"]
    assert selectors.petition_actions_for(petition=done, user=staffed.specialist) == ["note"]
    assert "unpublish" not in selectors.petition_actions_for(petition=answered(staffed), user=staffed.leader)
    assert str(PETITION_ACTION_NAMES["unpublish"]) == gettext("withdraw the published answer")


# --- What the public reads ---------------------------------------------------------------------------


def test_the_public_pages_and_the_api_no_longer_show_it(client):
    staffed = agency_with_staff()
    done = published(staffed, subject="Đường ngập sau mưa")
    kept = published(staffed, subject="Thiếu ghế chờ")
    services.petition_unpublish(petition=done, by=staffed.leader, reason=REASON)

    assert [p.code for p in selectors.petitions_published()] == [kept.code]
    assert selectors.petitions_published(query="duong ngap") == []
    listed = client.get(reverse("portal:petition_list")).content.decode()
    assert (done.code in listed, kept.code in listed) == (False, True)
    assert client.get(reverse("portal:petition_detail", args=[done.code])).status_code == 404
    api = api_client()
    assert [item["code"] for item in api.get("/api/v1/petitions").json()["items"]] == [kept.code]
    assert api.get(f"/api/v1/petitions/{done.code}").status_code == 404


def test_the_sender_still_reads_their_own_petition_and_its_answer(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    done = published(staffed, sender_user=sender)
    services.petition_unpublish(petition=done, by=staffed.leader, reason=REASON)
    client.force_login(sender)

    response = client.get(reverse("portal:petition_detail", args=[done.code]))

    assert response.status_code == 200
    assert "Đã liên hệ ông Nguyễn Văn An qua số 0912345678 để hướng dẫn." in response.content.decode()


# --- The office page ---------------------------------------------------------------------------------


def test_the_office_offers_it_as_a_confirmed_post_with_a_reason(as_officer):
    staffed = agency_with_staff()
    done = published(staffed)
    leader = as_officer(staffed.leader)
    url = reverse("office:petition_action", args=[done.pk, "unpublish"])

    detail = leader.get(reverse("office:petition", args=[done.pk])).content.decode()
    form = leader.get(url)
    empty = leader.post(url, {"expected_version": done.version, "reason": " "})
    confirmed = leader.post(url, {"expected_version": done.version, "reason": REASON})
    after = leader.get(reverse("office:petition", args=[done.pk])).content.decode()

    assert f'href="{url}"' in detail
    page = form.content.decode()
    assert form.status_code == 200
    assert "Confirm: Withdraw from the portal" in page
    assert "A sender who did not sign in is told to ask the agency for the answer; the reason stays internal." in page
    assert 'method="post"' in page
    assert 'name="reason"' in page
    # What is withdrawn is shown before confirming.
    assert '<dd id="published-answer">Đã liên hệ ông *** qua số *** để hướng dẫn.</dd>' in page
    assert empty.status_code == 400
    assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("office:petition", args=[done.pk]))
    assert Petition.objects.get(pk=done.pk).status == "answered"
    assert "Done: Withdraw from the portal." in after
    assert REASON in after
    assert reverse("office:petition_action", args=[done.pk, "publish"]) in after


def test_the_office_refuses_a_specialist_and_a_petition_not_published(as_officer):
    staffed = agency_with_staff()
    done = published(staffed)
    waiting = answered(agency_with_staff("b"))

    specialist = as_officer(staffed.specialist)
    page = specialist.get(reverse("office:petition_action", args=[done.pk, "unpublish"])).content.decode()
    posted = specialist.post(
        reverse("office:petition_action", args=[done.pk, "unpublish"]),
        {"expected_version": done.version, "reason": REASON},
    )
    other_leader = as_officer(waiting.agency.staff_roles.get(role="leader").user)
    not_published = other_leader.post(
        reverse("office:petition_action", args=[waiting.pk, "unpublish"]),
        {"expected_version": waiting.version, "reason": REASON},
    )

    assert "This action is not open to you on this petition now." in page
    assert posted.status_code == 409
    assert not_published.status_code == 409
    assert "is not allowed while the petition is “Answered”." in not_published.content.decode()
    assert Petition.objects.get(pk=done.pk).status == "published"
