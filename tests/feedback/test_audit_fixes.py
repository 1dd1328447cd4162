"""Audit fixes: identifiers written right after a label are masked, so is the sender's name without
diacritics; a result still with the post office cannot be rated; the API refuses a petition about an
unknown procedure or agency, as the portal does."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chinhquyen.dossiers.models import DossierStatus, Substatus
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.errors import RatingRefused
from chinhquyen.feedback.masking import mask_personal
from chinhquyen.feedback.models import Petition, Rating
from chinhquyen.postal.models import OrderState
from chinhquyen.postal.services import postal_tracking_refresh
from tests.api.helpers import api_client, place_make, post_json
from tests.portal.test_mine_result_by_post import advance, sent_by_post

from .helpers import SCORES, agency_with_staff, published

# --- Masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Số CCCD:037090001234 của tôi", "Số CCCD:*** của tôi"),
        ("SĐT:0912345678", "SĐT:***"),
        ("CCCD037090001234", "CCCD***"),
        ("Số CMND/162345678", "Số CMND/***"),
        ("Gọi 0912345678/0987654321 nhé", "Gọi ***/*** nhé"),
        ("SĐT: 0912.345.678", "SĐT: ***"),
        ("Lúc 10:30 12-03-2026 tại quầy", "Lúc 10:30 12-03-2026 tại quầy"),
        ("Ngày 12/03/2026 10:30:15", "Ngày 12/03/2026 10:30:15"),
    ],
    ids=[
        "after-colon",
        "phone-after-colon",
        "after-label",
        "after-slash",
        "two-phones",
        "colon-and-space",
        "time-then-date",
        "date-then-time",
    ],
)
def test_identifiers_after_a_label_colon_or_slash_are_masked_dates_and_times_are_not(text, masked):
    assert mask_personal(text) == masked


def test_the_senders_details_are_masked_when_written_without_diacritics():
    text = "Toi la NGUYEN VAN AN, nha o 12 Tran Hung  Dao; nguyễn văn an."

    masked = mask_personal(text, known=["Nguyễn Văn An", "12 Trần Hưng Đạo"])

    assert masked == "Toi la ***, nha o ***; ***."


@pytest.mark.django_db
def test_a_published_petition_and_its_search_text_hold_no_number_written_after_a_colon():
    staffed = agency_with_staff()

    done = published(staffed, content="Tôi là Nguyen Van An, số CCCD:037090001234, SĐT:0912345678, chờ quá lâu.")

    public = selectors.petition_published_get(code=done.code)
    assert public.published_content == "Tôi là ***, số CCCD:***, SĐT:***, chờ quá lâu."
    assert "037090001234" not in public.published_search
    assert selectors.petitions_published(query="037090001234") == []


# --- Rating a result sent by post ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_result_still_with_the_post_office_cannot_be_rated():
    world, dossier, _shipment = sent_by_post()
    assert (dossier.status, dossier.substatus) == (DossierStatus.RETURNED, Substatus.RESULT_AWAITING_CONFIRMATION)

    with pytest.raises(RatingRefused) as refused, translation.override("en"):
        services.rating_submit(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="satisfied")

    assert services.dossier_rateable(dossier) is False
    assert (refused.value.code, refused.value.message) == (
        "not_returned",
        "A dossier can be rated once its result has been handed over.",
    )
    assert Rating.objects.filter(dossier=dossier).count() == 0


@pytest.mark.django_db
def test_the_portal_offers_no_rating_while_the_post_office_has_the_result():
    world, dossier, _shipment = sent_by_post()
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.applicant.user)

    detail = client.get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    form = client.get(reverse("portal:dossier_rate", args=[dossier.pk])).content.decode()

    assert "Rate this service" not in detail
    assert 'type="radio"' not in form


@pytest.mark.django_db
def test_a_result_the_post_office_delivered_can_be_rated():
    world, dossier, shipment = sent_by_post()
    advance()
    advance()  # picked up, then delivered
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()

    rating = services.rating_submit(dossier=dossier, by=world.applicant.user, scores=SCORES, overall="satisfied")

    assert dossier.substatus == Substatus.RESULT_HANDED_OVER
    assert (rating.total, selectors.rating_summary(agency_ids=[dossier.receiving_agency_id]).count) == (14, 1)


@pytest.mark.django_db
def test_a_result_the_post_office_brought_back_leaves_no_rating_in_the_figures():
    world, dossier, shipment = sent_by_post()
    rateable_while_sent = services.dossier_rateable(dossier)
    advance()
    advance(OrderState.RETURNED_TO_SENDER)
    postal_tracking_refresh(shipment=shipment)
    dossier.refresh_from_db()

    assert (rateable_while_sent, services.dossier_rateable(dossier)) == (False, False)
    assert selectors.rating_summary(agency_ids=[dossier.receiving_agency_id]).count == 0


# --- Filing a petition through the API ----------------------------------------------------------------

PETITION = {
    "subject": "Chờ quá lâu",
    "content": "Tôi chờ ở quầy hơn hai giờ mà chưa được tiếp nhận.",
    "sender_name": "Trần Bình",
    "sender_email": "binh@example.vn",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "code", "expected"),
    [
        ("procedure", "9.999999", ("procedure_not_found", "procedure", "No published procedure has this code.")),
        ("about_agency", "KHONG-CO", ("agency_not_found", "about_agency", "No active agency has this code.")),
        ("about_agency", "A\x00B", ("agency_not_found", "about_agency", "No active agency has this code.")),
    ],
    ids=["procedure", "agency", "agency-not-a-code"],
)
def test_the_api_refuses_a_petition_naming_an_unknown_procedure_or_agency(field, code, expected):
    response = post_json(api_client(), "/api/v1/petitions", {**PETITION, field: code})

    body = response.json()
    assert (response.status_code, (body["code"], body["field"], body["message"])) == (422, expected)
    assert Petition.objects.count() == 0


@pytest.mark.django_db
def test_the_api_files_a_petition_about_a_known_procedure_and_agency():
    place = place_make()
    about = {"procedure": f" {place.procedure.code} ", "about_agency": place.agency.code}

    response = post_json(api_client(), "/api/v1/petitions", {**PETITION, **about})

    filed = Petition.objects.get()
    assert response.status_code == 201
    assert (filed.procedure, filed.about_agency, filed.agency) == (place.procedure, place.agency, place.agency)


@pytest.mark.parametrize("query", ["q=%00", "q=a%01b", "cursor=%00"])
def test_the_public_petition_search_refuses_control_characters(client, query):
    response = client.get(f"/api/v1/petitions?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
