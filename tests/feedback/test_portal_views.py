"""Portal pages: rate a returned dossier; file, list and read petitions (in Vietnamese and English)."""

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.core.models import AuditEntry
from chinhquyen.feedback.limits import PETITIONS_PER_HOUR
from chinhquyen.feedback.models import Petition, Rating
from tests.dossiers.factories import OwnedCitizenFactory
from tests.factories import UserFactory

from .helpers import SCORES, agency_with_staff, answered, petition, published, returned, world_with_template

pytestmark = pytest.mark.django_db


def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def rating_post(**overrides):
    return {**SCORES, "overall": "satisfied", "comment": "Cảm ơn", **overrides}


def petition_post(**overrides):
    return {
        "subject": "Chờ lâu",
        "content": "Tôi phải chờ hai giờ, số điện thoại 0912 345 678.",
        "procedure": "",
        "about_agency": "",
        "sender_name": "Nguyễn Văn An",
        "sender_address": "",
        "sender_phone": "0912345678",
        "sender_email": "",
        "website": "",
        **overrides,
    }


# --- Rating -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("vi", ['lang="vi"', "Mã hồ sơ"]), ("en", ['lang="en"', "Dossier code", "Rate the handling of your dossier"])],
)
def test_the_rating_form_shows_the_nine_questions_as_fieldsets(client, language, words):
    world = world_with_template()
    dossier = returned(world)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(world.applicant.user)

    response = client.get(reverse("portal:dossier_rate", args=[dossier.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in html
    assert html.count("<fieldset") == 8  # seven criteria asked and the overall rating
    assert html.count('type="radio"') == 7 * 3 + 3
    assert dossier.code in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_applicant_rates_and_sees_the_thank_you_page(client):
    world = world_with_template()
    dossier = returned(world)
    en(client).force_login(world.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    response = client.post(url, rating_post())
    page = client.get(url).content.decode()

    assert (response.status_code, response["Location"]) == (302, url)
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.total, rating.overall, rating.comment, rating.by) == (
        14,
        "satisfied",
        "Cảm ơn",
        world.applicant.user,
    )
    assert "Thank you: your rating has been recorded" in page
    assert "Your rating gives the agency 14 points out of 18." in page
    assert '<form method="post" class="fb-form"' not in page


def test_a_second_post_changes_nothing(client):
    world = world_with_template()
    dossier = returned(world)
    en(client).force_login(world.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])
    client.post(url, rating_post())

    response = client.post(url, rating_post(overall="not_satisfied"))

    assert response.status_code == 409
    assert Rating.objects.get(dossier=dossier).overall == "satisfied"


def test_missing_answers_are_listed_and_marked(client):
    world = world_with_template()
    dossier = returned(world)
    en(client).force_login(world.applicant.user)
    data = rating_post()
    del data["attitude"]

    response = client.post(reverse("portal:dossier_rate", args=[dossier.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby=" id_attitude_errors"' in html
    assert 'href="#id_attitude_0"' in html
    assert "Choose one answer for this question." in html
    assert "<title>Error: Rate the handling of your dossier" in html
    assert Rating.objects.count() == 0


def test_a_dossier_not_yet_returned_shows_when_it_can_be_rated(client):
    world = world_with_template()
    dossier = world.received()
    en(client).force_login(world.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    page = client.get(url)
    posted = client.post(url, rating_post())

    assert page.status_code == 200
    assert "You can rate this dossier once its result has been handed over to you." in page.content.decode()
    assert posted.status_code == 409
    assert Rating.objects.count() == 0


def test_another_applicants_dossier_is_not_found(client):
    world = world_with_template()
    dossier = returned(world)
    client.force_login(OwnedCitizenFactory().user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, rating_post()).status_code == 404
    assert Rating.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in_and_officials_refused(client):
    world = world_with_template()
    dossier = returned(world)
    url = reverse("portal:dossier_rate", args=[dossier.pk])

    response = client.get(url)
    client.force_login(world.front_desk)
    official = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"/tai-khoan/dang-nhap/?next={url}")
    assert official.status_code == 403


# --- Filing a petition -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "word"), [("vi", 'lang="vi"'), ("en", "Send a petition")])
def test_the_petition_form_is_public(client, language, word):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    response = client.get(reverse("portal:petition_file"))

    assert response.status_code == 200
    assert word in response.content.decode()
    assert 'class="fb-hp"' in response.content.decode()


def test_a_signed_in_applicant_finds_name_and_contact_filled_in(client):
    applicant = OwnedCitizenFactory(name="Trần Thị Bình", phone="0987654321", address="Ninh Bình")
    en(client).force_login(applicant.user)

    html = client.get(reverse("portal:petition_file") + "?thu-tuc=1.001193").content.decode()

    assert 'value="Trần Thị Bình"' in html
    assert 'value="0987654321"' in html
    assert 'value="Ninh Bình"' in html
    assert 'value="1.001193"' in html


def test_filing_shows_the_reference_code_on_the_confirmation_page(client):
    staffed = agency_with_staff()
    en(client)

    response = client.post(reverse("portal:petition_file"), petition_post(about_agency=staffed.agency.code))
    confirmation = client.get(response["Location"])

    filed = Petition.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("portal:petition_filed"))
    assert (filed.agency, filed.sender_user, filed.sender_phone) == (staffed.agency, None, "0912345678")
    assert f'<p class="fb-code" id="petition-code">{filed.code}</p>' in confirmation.content.decode()
    assert "The agency responsible answers within 10 working days." in confirmation.content.decode()


def test_the_confirmation_page_without_a_petition_goes_back_to_the_form(client):
    response = client.get(reverse("portal:petition_filed"))

    assert (response.status_code, response["Location"]) == (302, reverse("portal:petition_file"))


def test_a_signed_in_sender_is_remembered_with_the_petition(client):
    user = UserFactory()
    en(client).force_login(user)

    client.post(reverse("portal:petition_file"), petition_post())

    assert Petition.objects.get().sender_user == user


def test_service_refusals_are_shown_on_the_field(client):
    en(client)

    response = client.post(reverse("portal:petition_file"), petition_post(sender_phone="", sender_address=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Give an address, a phone number or an e-mail address" in html
    assert 'aria-invalid="true" aria-describedby="id_sender_address_errors" id="id_sender_address"' in html
    assert "<title>Error: Send a petition" in html
    assert Petition.objects.count() == 0


def test_an_unknown_procedure_code_is_refused(client):
    en(client)

    response = client.post(reverse("portal:petition_file"), petition_post(procedure="9.999999"))

    assert response.status_code == 400
    assert "No published procedure has this code." in response.content.decode()


def test_a_robot_filling_the_hidden_field_is_refused(client):
    en(client)

    response = client.post(reverse("portal:petition_file"), petition_post(website="http://spam.example"))

    assert response.status_code == 400
    assert "Your petition could not be sent." in response.content.decode()
    assert Petition.objects.count() == 0


def test_too_many_petitions_from_one_address_in_an_hour_are_refused(client):
    en(client)
    for _ in range(PETITIONS_PER_HOUR):
        assert client.post(reverse("portal:petition_file"), petition_post()).status_code == 302

    response = client.post(reverse("portal:petition_file"), petition_post())
    other = client.post(reverse("portal:petition_file"), petition_post(), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429
    assert "Several petitions were sent from your connection" in response.content.decode()
    assert other.status_code == 302
    assert Petition.objects.count() == PETITIONS_PER_HOUR + 1


# --- Reading petitions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "word"), [("vi", 'lang="vi"'), ("en", "Petitions and answers")])
def test_the_list_shows_published_petitions_without_personal_data(client, language, word):
    staffed = agency_with_staff()
    done = published(staffed)
    waiting = answered(staffed, subject="Chưa công bố")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    html = client.get(reverse("portal:petition_list")).content.decode()

    assert word in html
    assert done.code in html
    assert waiting.code not in html
    assert "Chưa công bố" not in html
    for secret in ("Nguyễn Văn An", "0912345678", "0912 345 678", "an@example.vn", "037090001234", "Trần Hưng Đạo"):
        assert secret not in html


def test_search_in_the_list(client):
    staffed = agency_with_staff()
    done = published(staffed, subject="Đề nghị trả kết quả qua bưu điện")
    other = published(staffed, subject="Thiếu ghế chờ")
    en(client)

    html = client.get(reverse("portal:petition_list"), {"q": "buu dien"}).content.decode()

    assert done.code in html
    assert other.code not in html
    assert client.get(reverse("portal:petition_list"), {"q": "x" * 201}).status_code == 400


def test_the_detail_of_a_published_petition_is_masked(client):
    staffed = agency_with_staff()
    done = published(staffed)
    en(client)

    response = client.get(reverse("portal:petition_detail", args=[done.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="fb-text" id="petition-content">Tôi là ***, gọi *** hoặc ***; CCCD ***.</p>' in html
    assert '<p class="fb-text" id="petition-answer">Đã liên hệ ông *** qua số *** để hướng dẫn.</p>' in html
    for secret in ("Nguyễn Văn An", "0912345678", "0912 345 678", "an@example.vn", "037090001234", "Trần Hưng Đạo"):
        assert secret not in html


def test_an_unpublished_petition_is_not_found_except_by_its_sender(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    waiting = answered(staffed, sender_user=sender)
    url = reverse("portal:petition_detail", args=[waiting.code])

    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)
    en(client).force_login(sender)
    own = client.get(url)

    assert (anonymous.status_code, stranger.status_code, own.status_code) == (404, 404, 200)
    assert "Nguyễn Văn An" in own.content.decode()
    assert "Did the answer satisfy you?" in own.content.decode()
    assert own["Cache-Control"] == "private, no-store"


def test_the_sender_rates_the_answer_once(client):
    staffed = agency_with_staff()
    sender = UserFactory()
    waiting = answered(staffed, sender_user=sender)
    en(client).force_login(sender)
    url = reverse("portal:petition_rate_answer", args=[waiting.code])

    response = client.post(url, {"satisfied": "0"})
    again = client.post(url, {"satisfied": "1"})

    waiting.refresh_from_db()
    assert (response.status_code, again.status_code) == (302, 409)
    assert waiting.sender_satisfied is False
    assert AuditEntry.objects.filter(action="petition.rate_answer").count() == 1


def test_nobody_else_rates_the_answer(client):
    staffed = agency_with_staff()
    waiting = answered(staffed, sender_user=UserFactory())
    client.force_login(UserFactory())

    response = client.post(reverse("portal:petition_rate_answer", args=[waiting.code]), {"satisfied": "1"})

    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.sender_satisfied is None


def test_the_header_links_to_the_petitions(client):
    en(client)

    html = client.get("/").content.decode()

    assert f'href="{reverse("portal:petition_list")}"' in html


def test_a_petition_filed_from_a_page_is_found_again(client):
    # The filing, the list and the detail agree on the code (case-insensitive in the address).
    staffed = agency_with_staff()
    done = published(staffed)
    en(client)

    assert client.get(reverse("portal:petition_detail", args=[done.code.lower()])).status_code == 200
    assert petition().code != done.code


def test_feedback_pages_are_within_the_page_budget(client):
    from tests.portal.test_page_budget import BUDGET, weight

    world = world_with_template()
    dossier = returned(world)
    done = published(agency_with_staff())
    signed_in = Client()
    signed_in.force_login(world.applicant.user)
    pages = {
        "rate": (signed_in, reverse("portal:dossier_rate", args=[dossier.pk])),
        "petition form": (client, reverse("portal:petition_file")),
        "petitions": (client, reverse("portal:petition_list")),
        "petition": (client, reverse("portal:petition_detail", args=[done.code])),
    }
    weights = {}
    for name, (browser, url) in pages.items():
        response = browser.get(url)
        assert response.status_code == 200, name
        weights[name] = weight(response.content)

    assert {name: w for name, w in weights.items() if w > BUDGET} == {}
