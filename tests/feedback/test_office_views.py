"""Office pages: the agency's petitions, answering and publishing with confirmation, the ratings summary."""

import pytest
from django.urls import reverse

from chinhquyen.feedback import services
from chinhquyen.feedback.models import Petition, PetitionEvent
from tests.factories import UserFactory

from .helpers import SCORES, agency_with_staff, answered, petition, province_admin, returned, world_with_template

pytestmark = pytest.mark.django_db


def test_office_pages_need_the_two_step_login(client):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    client.force_login(staffed.leader)  # password only, no second factor

    for url in (
        reverse("office:petitions"),
        reverse("office:petition", args=[filed.pk]),
        reverse("office:petition_action", args=[filed.pk, "assign"]),
        reverse("office:ratings"),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/office/auth/login/"), url


def test_the_list_shows_the_agencys_open_petitions_only(as_officer):
    staffed, other = agency_with_staff("a"), agency_with_staff("b")
    mine = petition(about=staffed.agency, subject="Của phường A")
    theirs = petition(about=other.agency, subject="Của phường B")

    html = as_officer(staffed.specialist).get(reverse("office:petitions")).content.decode()

    assert mine.code in html
    assert "Của phường A" in html
    assert theirs.code not in html
    assert "1 petition." in html


def test_a_petition_of_another_agency_is_not_found(as_officer):
    staffed, other = agency_with_staff("a"), agency_with_staff("b")
    theirs = petition(about=other.agency)
    client = as_officer(staffed.leader)

    assert client.get(reverse("office:petition", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("office:petition_action", args=[theirs.pk, "assign"])).status_code == 404
    response = client.post(
        reverse("office:petition_action", args=[theirs.pk, "assign"]),
        {"expected_version": 0, "agency": staffed.agency.pk},
    )
    assert response.status_code == 404
    assert Petition.objects.get(pk=theirs.pk).status == "received"


def test_the_detail_shows_the_sender_to_officials_and_the_actions_open_to_them(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)

    leader_html = as_officer(staffed.leader).get(reverse("office:petition", args=[filed.pk])).content.decode()
    specialist_html = as_officer(staffed.specialist).get(reverse("office:petition", args=[filed.pk])).content.decode()

    assert "Nguyễn Văn An" in leader_html
    assert "0912345678" in leader_html
    assert reverse("office:petition_action", args=[filed.pk, "assign"]) in leader_html
    assert reverse("office:petition_action", args=[filed.pk, "assign"]) not in specialist_html
    assert reverse("office:petition_action", args=[filed.pk, "note"]) in specialist_html


def test_answering_flow_assign_answer_preview_publish(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    leader = as_officer(staffed.leader)

    form = leader.get(reverse("office:petition_action", args=[filed.pk, "assign"]))
    assigned = leader.post(
        reverse("office:petition_action", args=[filed.pk, "assign"]),
        {"expected_version": 0, "agency": staffed.agency.pk, "note": "Giao một cửa trả lời"},
    )
    front_desk = as_officer(staffed.front_desk)
    answer = front_desk.post(
        reverse("office:petition_action", args=[filed.pk, "answer"]),
        {"expected_version": 1, "answer": "Ông Nguyễn Văn An vui lòng gọi 0912345678.", "note": ""},
    )
    leader = as_officer(staffed.leader)
    preview = leader.get(reverse("office:petition_action", args=[filed.pk, "publish"])).content.decode()
    publish = leader.post(reverse("office:petition_action", args=[filed.pk, "publish"]), {"expected_version": 2})
    detail = leader.get(reverse("office:petition", args=[filed.pk]))

    assert form.status_code == 200
    assert "Confirm: Assign to an agency" in form.content.decode()
    assert [r.status_code for r in (assigned, answer, publish)] == [302, 302, 302]
    assert publish["Location"] == reverse("office:petition", args=[filed.pk])
    assert '<dd id="preview-answer">Ông *** vui lòng gọi ***.</dd>' in preview
    filed.refresh_from_db()
    assert (filed.status, filed.answered_by, filed.published_answer) == (
        "published",
        staffed.front_desk,
        "Ông *** vui lòng gọi ***.",
    )
    assert "Done: Publish." in detail.content.decode()
    assert "Giao một cửa trả lời" in detail.content.decode()


def test_a_refused_action_changes_nothing_and_says_why(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    client = as_officer(staffed.specialist)

    page = client.get(reverse("office:petition_action", args=[filed.pk, "publish"]))
    response = client.post(reverse("office:petition_action", args=[filed.pk, "publish"]), {"expected_version": 0})

    assert "This action is not open to you on this petition now." in page.content.decode()
    assert response.status_code == 409
    refusal = "You do not hold a role that may take the action “publish the answer” on this petition."
    assert refusal in response.content.decode()
    assert PetitionEvent.objects.filter(petition=filed).count() == 1


def test_an_empty_answer_is_shown_on_its_field(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)

    response = as_officer(staffed.specialist).post(
        reverse("office:petition_action", args=[filed.pk, "answer"]), {"expected_version": 1, "answer": "  "}
    )

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Petition.objects.get(pk=filed.pk).status == "assigned"


def test_a_stale_form_is_refused(as_officer):
    staffed = agency_with_staff()
    filed = answered(staffed)

    response = as_officer(staffed.leader).post(
        reverse("office:petition_action", args=[filed.pk, "publish"]), {"expected_version": 0}
    )

    assert response.status_code == 409
    assert "Someone else changed this petition while this page was open." in response.content.decode()


def test_unknown_action_is_not_found_and_get_changes_nothing(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    client = as_officer(staffed.leader)

    assert client.get(reverse("office:petition_action", args=[filed.pk, "delete"])).status_code == 404
    for action in ("assign", "answer", "publish", "close", "note"):
        assert client.get(reverse("office:petition_action", args=[filed.pk, action])).status_code == 200
    assert PetitionEvent.objects.filter(petition=filed).count() == 1


def test_province_administrator_sees_and_routes_unassigned_petitions(as_officer):
    staffed = agency_with_staff()
    admin = province_admin()
    filed = petition()
    client = as_officer(admin)

    listed = client.get(reverse("office:petitions")).content.decode()
    response = client.post(
        reverse("office:petition_action", args=[filed.pk, "assign"]),
        {"expected_version": 0, "agency": staffed.agency.pk},
    )

    assert filed.code in listed
    assert "Not assigned yet" in listed
    assert response.status_code == 302
    assert Petition.objects.get(pk=filed.pk).agency == staffed.agency


def test_a_verified_user_without_a_staff_role_is_refused(as_officer):
    assert as_officer(UserFactory()).get(reverse("office:petitions")).status_code == 403


def test_the_ratings_summary_of_the_officers_agency(as_officer):
    world = world_with_template()
    dossier = returned(world)
    services.rating_submit(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="not_satisfied")
    other = world_with_template()
    services.rating_submit(
        dossier=returned(other), by=other.applicant.user, scores=dict.fromkeys(SCORES, 0), overall="not_satisfied"
    )
    rated_at = dossier.rating.created_at
    quarter = (rated_at.month - 1) // 3 + 1

    response = as_officer(world.leader).get(reverse("office:ratings"), {"year": rated_at.year, "quarter": quarter})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="rating-count">1</dd>' in html
    assert '<dd id="rating-average">14.00</dd>' in html
    assert world.procedure.code in html
    assert other.procedure.code not in html
    assert "Fair" in html
    assert "Service index: satisfaction" in html


def test_the_ratings_page_ignores_nonsense_periods(as_officer):
    staffed = agency_with_staff()

    response = as_officer(staffed.leader).get(reverse("office:ratings"), {"year": "abc", "quarter": "9"})

    assert response.status_code == 200


def test_every_feedback_route_declares_its_access():
    from django.urls import resolve

    from chinhquyen.core.access import policy_for

    office = ["/office/petitions/", "/office/petitions/1/", "/office/petitions/1/assign/", "/office/ratings/"]
    for path in office:
        policy = policy_for(resolve(path).func)
        assert policy is not None, path
        assert not policy.public, path
        assert policy.signed_in is not None, path
    public = [
        "/phan-anh-kien-nghi/",
        "/phan-anh-kien-nghi/gui/",
        "/phan-anh-kien-nghi/gui/da-gui/",
        "/phan-anh-kien-nghi/X/",
    ]
    assert all(policy_for(resolve(path).func).public for path in public)
    for path in ("/ho-so-cua-toi/1/danh-gia/", "/phan-anh-kien-nghi/X/danh-gia/"):
        policy = policy_for(resolve(path).func)
        assert not policy.public, path
        assert policy.login_url == "portal:login", path
