"""Masking before publication: phone numbers however they are separated are masked; money amounts, dates,
document numbers and this platform's dossier codes are not personal data and stay readable, while personal
numbers, phones, e-mails, plates, passports and names stay masked."""

import pytest

from chinhquyen.feedback.masking import mask_personal


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi 090-123-4567 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi (0236) 3.822.123 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi (0236)3822123 hoặc (028) 3822 1234.", "Gọi *** hoặc ***."),
        ("Gọi 0236.3822123 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi +84 90 123 4567 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi (+84) 90 123 4567 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi +84 (0) 90 123 4567 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Gọi 090 123 4567 giờ hành chính.", "Gọi *** giờ hành chính."),
        ("Số máy bàn (0236) 3.822.123, số di động 0905.123.456.", "Số máy bàn ***, số di động ***."),
        ("(Liên hệ: 0905123456)", "(Liên hệ: ***)"),
    ],
    ids=[
        "dashes",
        "area-code-in-brackets-dotted",
        "area-code-in-brackets-joined-and-spaced",
        "dot-after-area-code",
        "plus-84-spaced",
        "bracketed-plus-84",
        "plus-84-bracketed-zero",
        "spaces",
        "two-phones",
        "inside-brackets",
    ],
)
def test_phone_numbers_are_masked_whatever_their_separators(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Tôi đã nộp 15.000.000 đồng tiền phạt.", "Tôi đã nộp 15.000.000 đồng tiền phạt."),
        ("Lệ phí 2.500.000đ là quá cao.", "Lệ phí 2.500.000đ là quá cao."),
        ("Dự án 1,5 tỷ chậm tiến độ.", "Dự án 1,5 tỷ chậm tiến độ."),
        ("Bồi thường 150.000.000 đồng chưa đủ.", "Bồi thường 150.000.000 đồng chưa đủ."),
        ("Dự toán 1.500.000.000 VNĐ, đã chi 1.234.567.890đ.", "Dự toán 1.500.000.000 VNĐ, đã chi 1.234.567.890đ."),
        ("Hỗ trợ 250,000,000 VND mỗi hộ.", "Hỗ trợ 250,000,000 VND mỗi hộ."),
        ("Ngày 12/03/2025 tôi nộp hồ sơ.", "Ngày 12/03/2025 tôi nộp hồ sơ."),
        ("Theo Quyết định số 1234/QĐ-UBND ngày 12/03/2025.", "Theo Quyết định số 1234/QĐ-UBND ngày 12/03/2025."),
        ("Hồ sơ 000.00.12.H12-261122-0001 quá hạn.", "Hồ sơ 000.00.12.H12-261122-0001 quá hạn."),
        (
            "Hồ sơ 000.00.12.H12-261122-0001, 000.00.01.H22-260302-12345 chưa trả.",
            "Hồ sơ 000.00.12.H12-261122-0001, 000.00.01.H22-260302-12345 chưa trả.",
        ),
        ("Phản ánh PAKN-261122-AB23CD chưa trả lời.", "Phản ánh PAKN-261122-AB23CD chưa trả lời."),
    ],
    ids=[
        "money-8-digits",
        "money-d-joined",
        "money-decimal-billion",
        "money-9-digits",
        "money-vnd-and-d-10-digits",
        "money-comma-thousands",
        "date",
        "decision-number",
        "dossier-code",
        "dossier-codes-longer-sequence",
        "petition-code",
    ],
)
def test_amounts_dates_document_numbers_and_dossier_codes_stay_readable(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("CCCD 037090001234, CMND 123456789.", "CCCD ***, CMND ***."),
        ("CMND 123.456.789 cấp năm 2010.", "CMND *** cấp năm 2010."),
        ("CCCD 037.090.001.234 đồng thời là mã số thuế.", "CCCD *** đồng thời là mã số thuế."),
        ("CMND 123.456.789 đồng ý cung cấp.", "CMND *** đồng ý cung cấp."),
        ("Gọi 0905123456, chuyển 15.000.000 đồng.", "Gọi ***, chuyển 15.000.000 đồng."),
        ("Gọi 0905 123 456 150.000.000 đồng", "Gọi *** 150.000.000 đồng"),
        ("Hồ sơ 000.00.12.H12-261122-0001 của CCCD 037090001234.", "Hồ sơ 000.00.12.H12-261122-0001 của CCCD ***."),
        ("Mã 261122-0001234 và 12-261122-0001", "Mã *** và ***"),
        ("Thư an@example.vn, xe 29A-123.45, hộ chiếu C1234567.", "Thư ***, xe ***, hộ chiếu ***."),
    ],
    ids=[
        "personal-numbers",
        "old-card-dotted",
        "dotted-card-before-dong-thoi",
        "dotted-card-before-dong-y",
        "phone-and-money",
        "phone-next-to-money",
        "dossier-code-and-card",
        "not-a-whole-dossier-code",
        "email-plate-passport",
    ],
)
def test_personal_data_stays_masked_next_to_what_is_kept(text, masked):
    assert mask_personal(text) == masked


def test_a_name_with_its_form_of_address_stays_masked_next_to_an_amount():
    text = "Bà Trần Thị Lan đã nộp 150.000.000 đồng cho hồ sơ 000.00.12.H12-261122-0001."

    masked = mask_personal(text, names=["Bà Trần Thị Lan"])

    assert masked == "*** đã nộp 150.000.000 đồng cho hồ sơ 000.00.12.H12-261122-0001."
