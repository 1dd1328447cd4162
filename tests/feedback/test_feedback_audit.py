"""Audit A2 of ratings and petitions: vehicle plates, passport numbers and a name given with its form of address
("Bà Trần Thị Lan") are masked before publication; an office action refused because the petition changed
meanwhile shows the officer's text again, ready to confirm."""

import pytest
from django.urls import reverse

from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.masking import mask_personal
from chinhquyen.feedback.models import Petition, PetitionStatus

from .helpers import agency_with_staff, petition, published

# --- Masking: vehicle plates and passport numbers (personal data, Decree 13/2023 art. 2) -------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Xe biển số 29A-123.45 đỗ chắn cổng", "Xe biển số *** đỗ chắn cổng"),
        ("Xe 30E12345 đỗ chắn cổng", "Xe *** đỗ chắn cổng"),
        ("Ô tô 51G 123.45.", "Ô tô ***."),
        ("Ô tô cũ 30A-1234 của tôi", "Ô tô cũ *** của tôi"),
        ("Xe máy 29-B1 123.45 bị giữ", "Xe máy *** bị giữ"),
        ("Xe máy 29B1-12345 bị giữ", "Xe máy *** bị giữ"),
        ("Xe (59X2-234.56) bị giữ", "Xe (***) bị giữ"),
        ("Xe 30LD-123.45 của công ty", "Xe *** của công ty"),
        ("Hộ chiếu số C1234567 cấp năm 2020", "Hộ chiếu số *** cấp năm 2020"),
        ("Hộ chiếu:N7654321.", "Hộ chiếu:***."),
    ],
    ids=[
        "car-dash-dot",
        "car-run-together",
        "car-space",
        "car-four-digits",
        "motorbike-dash-space",
        "motorbike-dash",
        "motorbike-in-brackets",
        "two-letter-series",
        "passport",
        "passport-after-label",
    ],
)
def test_vehicle_plates_and_passport_numbers_are_masked(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định số 1234/QĐ-UBND ngày 12/03/2026",
        "Nghị định 13/2023/NĐ-CP, Điều 12 Khoản 3",
        "Cơ quan 000.00.01.H22 tiếp nhận thủ tục 2.001218 (mẫu 1.000948)",
        "Lệ phí 229.000 đồng, nộp lúc 10:30 12-03-2026",
        "Tầng 3A phòng 12B, quầy số 5",
        "Mẫu số 01A của Thông tư 01/2018/TT-VPCP",
        "Chuẩn ISO 9001:2015 và COVID-19",
        "Quãng đường 10 km 1234 m",
    ],
    ids=["decision", "decree", "agency-and-procedure-codes", "money-and-time", "rooms", "form", "standards", "km"],
)
def test_official_references_rooms_and_amounts_stay_readable(text):
    assert mask_personal(text) == text


@pytest.mark.django_db
def test_a_published_petition_and_its_search_text_hold_no_plate_or_passport_number():
    staffed = agency_with_staff()

    done = published(staffed, content="Xe 29A-123.45 của tôi bị giữ, hộ chiếu C1234567 cũng bị giữ.")

    public = selectors.petition_published_get(code=done.code)
    assert public.published_content == "Xe *** của tôi bị giữ, hộ chiếu *** cũng bị giữ."
    assert selectors.petitions_published(query="29A-123.45") == []
    assert selectors.petitions_published(query="C1234567") == []


# --- Masking: a name given with its form of address ("Ông Nguyễn Văn An") -------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "masked"),
    [
        ("Ông Nguyễn Văn An", "Tôi là Nguyễn Văn An; ông Nguyễn Văn An.", "Tôi là ***; ***."),
        ("bà TRẦN THỊ LAN", "Tôi, Tran Thi Lan, chờ lâu.", "Tôi, ***, chờ lâu."),
        ("Chị  Lê Hoa", "Tôi là Lê Hoa.", "Tôi là ***."),
        ("Chu Văn An", "Tôi là Chu Văn An, con ông Văn An.", "Tôi là ***, con ông Văn An."),
        ("Anh Tuấn", "Anh Tuấn và Tuấn.", "*** và Tuấn."),
    ],
    ids=["ong", "ba-capitals", "chi-two-spaces", "surname-chu-is-no-form-of-address", "one-word-left-kept-whole"],
)
def test_a_name_given_with_its_form_of_address_is_masked_without_it_too(name, text, masked):
    assert mask_personal(text, names=[name]) == masked


@pytest.mark.django_db
def test_a_published_petition_hides_the_name_its_sender_gave_with_a_form_of_address():
    staffed = agency_with_staff()

    done = published(staffed, sender_name="Bà Trần Thị Lan", content="Tôi là Trần Thị Lan, đã chờ ở quầy hơn hai giờ.")

    assert (
        selectors.petition_published_get(code=done.code).published_content == "Tôi là ***, đã chờ ở quầy hơn hai giờ."
    )
    assert selectors.petitions_published(query="Trần Thị Lan") == []


# --- The office: a refused action keeps what the officer wrote ---------------------------------------------

ANSWER = "Kính gửi ông/bà,\nĐoàn kiểm tra đã làm việc với bộ phận một cửa ngày 05/03/2026."


def _resubmit(client, response, url):
    """Confirm the page shown again as it stands, as the browser sends it."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    return client.post(url, data)


@pytest.mark.django_db
def test_an_answer_refused_as_stale_is_shown_again_and_confirming_it_records_it(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)
    seen = filed.version
    services.petition_note_add(petition=filed, by=staffed.leader, note="Đã gọi điện cho người gửi.")  # meanwhile
    client = as_officer(staffed.specialist)
    url = reverse("office:petition_action", args=[filed.pk, "answer"])

    refused = client.post(url, {"expected_version": seen, "answer": ANSWER, "note": "Nháp lần 2"})
    body = refused.content.decode()
    confirmed = _resubmit(client, refused, url)

    assert refused.status_code == 409
    assert "Someone else changed this petition while this page was open." in body
    assert (refused.context["form"]["answer"].value(), refused.context["form"]["note"].value()) == (
        ANSWER,
        "Nháp lần 2",
    )
    assert refused.context["form"]["expected_version"].value() == seen + 1
    assert refused.context["kept"] is True
    assert "Đoàn kiểm tra đã làm việc với bộ phận một cửa ngày 05/03/2026.</textarea>" in body
    assert confirmed.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.answer, filed.answered_by) == (PetitionStatus.ANSWERED, ANSWER, staffed.specialist)


@pytest.mark.django_db
def test_a_closing_reason_refused_as_stale_is_kept(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_note_add(petition=filed, by=staffed.front_desk, note="Trùng với phản ánh trước.")
    client = as_officer(staffed.leader)

    refused = client.post(
        reverse("office:petition_action", args=[filed.pk, "close"]),
        {"expected_version": 0, "reason": "Trùng nội dung với phản ánh đã trả lời."},
    )

    assert refused.status_code == 409
    assert refused.context["form"]["reason"].value() == "Trùng nội dung với phản ánh đã trả lời."
    assert Petition.objects.get(pk=filed.pk).status == PetitionStatus.RECEIVED


@pytest.mark.django_db
def test_an_answer_refused_because_another_official_answered_meanwhile_offers_no_form(as_officer):
    staffed = agency_with_staff()
    filed = petition(about=staffed.agency)
    services.petition_assign(petition=filed, by=staffed.leader, agency=staffed.agency)
    seen = filed.version
    services.petition_answer(petition=filed, by=staffed.front_desk, answer="Đã trả lời qua điện thoại.")
    client = as_officer(staffed.specialist)

    refused = client.post(
        reverse("office:petition_action", args=[filed.pk, "answer"]), {"expected_version": seen, "answer": ANSWER}
    )

    assert refused.status_code == 409
    assert refused.context["unavailable"] is True
    assert 'name="answer"' not in refused.content.decode()
    assert Petition.objects.get(pk=filed.pk).answer == "Đã trả lời qua điện thoại."
