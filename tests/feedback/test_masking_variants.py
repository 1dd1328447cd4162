"""The sender's phone and address are masked however the text writes them: other separators, "+84" for "0",
one part of the address, "số" or "đường" left out; common words and the sender's ward stay readable."""

import pytest

from chinhquyen.feedback.masking import mask_personal

from .helpers import agency_with_staff, published

PHONE = "0229 3871 234"
ADDRESS = "Số 12 đường Trần Hưng Đạo, phường Hoa Lư"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi (0229) 3871 234 giờ hành chính", "Gọi *** giờ hành chính"),
        ("Gọi 0229.3871.234", "Gọi ***"),
        ("Gọi 0229-387-1234!", "Gọi ***!"),
        ("Gọi 02293871234", "Gọi ***"),
        ("Gọi +84 229 3871 234", "Gọi ***"),
        ("Gọi +84 (0) 229 3871 234", "Gọi ***"),
        ("Gọi (+84) 229-3871-234", "Gọi ***"),
        ("Gọi 84 229 3871 234", "Gọi ***"),
        ("SĐT:(0229)3871234.", "SĐT:***."),
        ("Phòng 3871, tầng 2, lúc 02:29", "Phòng 3871, tầng 2, lúc 02:29"),
        ("Lệ phí 229.000 đồng", "Lệ phí 229.000 đồng"),
    ],
    ids=[
        "area-code-in-brackets",
        "dots",
        "dashes-other-grouping",
        "no-separator",
        "plus-84",
        "plus-84-bracketed-zero",
        "bracketed-plus-84",
        "84-without-plus",
        "after-label",
        "parts-of-it-alone-stay",
        "money",
    ],
)
def test_the_senders_phone_is_masked_whatever_its_separators(text, masked):
    assert mask_personal(text, phones=[PHONE]) == masked


def test_an_international_phone_of_the_sender_is_masked_in_its_national_form_too():
    assert mask_personal("Gọi 0912 345 678 hoặc +84912345678", phones=["+84 912 345 678"]) == "Gọi *** hoặc ***"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Nhà tôi ở số 12 đường Trần Hưng Đạo, đường ngập.", "Nhà tôi ở ***, đường ngập."),
        ("Nhà tôi ở 12 Trần Hưng Đạo bị ngập", "Nhà tôi ở *** bị ngập"),
        ("Nhà tôi ở 12 đường Tran Hung Dao bị ngập", "Nhà tôi ở *** bị ngập"),
        ("Nhà SỐ 12 ĐƯỜNG TRẦN HƯNG ĐẠO bị ngập", "Nhà *** bị ngập"),
        ("Đường Trần Hưng Đạo ngập ở phường Hoa Lư", "Đường Trần Hưng Đạo ngập ở phường Hoa Lư"),
        ("Nhà 112 Trần Hưng Đạo", "Nhà 112 Trần Hưng Đạo"),
    ],
    ids=[
        "part-with-number",
        "without-so-and-duong",
        "without-diacritics",
        "upper-case",
        "street-and-ward-alone-stay",
        "another-house-number-stays",
    ],
)
def test_each_specific_part_of_the_senders_address_is_masked(text, masked):
    assert mask_personal(text, addresses=[ADDRESS]) == masked


@pytest.mark.parametrize(
    ("address", "text", "masked"),
    [
        ("Thôn Đông Thượng Nam, xã Ninh Hải", "Tôi ở thôn Đông Thượng Nam.", "Tôi ở ***."),
        ("Thôn Đông, xã Ninh Hải", "Tôi ở thôn Đông, xã Ninh Hải.", "Tôi ở ***."),
        ("Thôn Đông, xã Ninh Hải", "Thôn Đông và xã Ninh Hải", "Thôn Đông và xã Ninh Hải"),
        ("Số 3, Phường 3, Quận 1", "Phường 3, Quận 1 và số 3", "Phường 3, Quận 1 và số 3"),
        ("Ngõ 5/12 Lê Lợi, thành phố Ninh Bình", "Nhà ngõ 5/12 Lê Lợi.", "Nhà ***."),
        ("Tổ 3, khu phố Phúc Thành", "Tổ 3 làm đường ở khu phố Phúc Thành", "*** làm đường ở ***"),
    ],
    ids=[
        "three-words",
        "whole-address",
        "two-words-and-administrative-units-stay",
        "numbered-ward-and-district-stay",
        "lane-with-slash",
        "two-words-with-a-number",
    ],
)
def test_address_parts(address, text, masked):
    assert mask_personal(text, addresses=[address]) == masked


def test_a_senders_name_is_masked_only_as_whole_words():
    masked = mask_personal("Ông Nguyễn Văn Anh và ông Nguyễn Văn An", known=["Nguyễn Văn An"])

    assert masked == "Ông Nguyễn Văn Anh và ông ***"


@pytest.mark.django_db
def test_a_published_petition_hides_the_senders_phone_and_address_written_differently():
    staffed = agency_with_staff()

    done = published(
        staffed,
        content="Nhà tôi ở số 12 đường Trần Hưng Đạo, gọi (0229) 3871 234; đường bị ngập từ hôm qua.",
        sender_address=ADDRESS,
        sender_phone=PHONE,
    )

    assert done.published_content == "Nhà tôi ở ***, gọi ***; đường bị ngập từ hôm qua."
    assert "12 đường Trần Hưng Đạo" not in done.published_content
    assert "3871 234" not in done.published_content
    assert "3871" not in done.published_search
