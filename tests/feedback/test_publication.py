"""Published petitions never show the sender's personal data; the content is masked exactly."""

import pytest

from chinhquyen.feedback import selectors
from chinhquyen.feedback.errors import PetitionNotFound
from chinhquyen.feedback.masking import MASK, mask_personal
from chinhquyen.feedback.models import Petition

from .helpers import agency_with_staff, answered, petition, published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Gọi 0912 345 678 nhé", "Gọi *** nhé"),
        ("Gọi 0912.345.678 hoặc 091-234-5678", "Gọi *** hoặc ***"),
        ("Số +84 912 345 678", "Số ***"),
        ("CCCD 037090001234, CMND 162345678", "CCCD ***, CMND ***"),
        ("Mã số thuế 0101234567-001", "Mã số thuế ***"),
        ("Thư: an.nguyen+pakn@example.com.vn.", "Thư: ***."),
        ("Ngày 12/03/2026 lúc 10:30, lệ phí 100.000 đồng", "Ngày 12/03/2026 lúc 10:30, lệ phí 100.000 đồng"),
        ("Ngày 12-03-2026 10:30", "Ngày 12-03-2026 10:30"),
        ("Hồ sơ 1.001193 nộp 3 lần", "Hồ sơ 1.001193 nộp 3 lần"),
    ],
    ids=[
        "phone-spaces",
        "phone-dots-dashes",
        "phone-84",
        "ids",
        "tax-code",
        "email",
        "date-money",
        "date-time",
        "procedure",
    ],
)
def test_masking_of_contacts_and_identifiers(text, masked):
    assert mask_personal(text) == masked


def test_masking_of_the_senders_own_details_in_any_case():
    text = "tôi là NGUYỄN VĂN AN, nhà ở 12 Trần Hưng Đạo. An."
    assert mask_personal(text, known=["Nguyễn Văn An", "12 Trần Hưng Đạo", "An", ""]) == "tôi là ***, nhà ở ***. An."
    assert MASK == "***"


def test_publishing_masks_subject_content_and_answer_exactly():
    staffed = agency_with_staff()

    done = published(staffed, subject="Ông Nguyễn Văn An phản ánh")

    assert (done.published_subject, done.published_content, done.published_answer) == (
        "Ông *** phản ánh",
        "Tôi là ***, gọi *** hoặc ***; CCCD ***.",
        "Đã liên hệ ông *** qua số *** để hướng dẫn.",
    )
    assert (
        done.published_search
        == "ong *** phan anh toi la ***, goi *** hoac ***; cccd ***. da lien he ong *** qua so *** de huong dan."
    )
    # The originals stay for the office.
    assert done.content == "Tôi là Nguyễn Văn An, gọi 0912 345 678 hoặc an@example.vn; CCCD 037090001234."


def test_the_public_reads_only_published_columns():
    staffed = agency_with_staff()
    done = published(staffed)
    answered(staffed)
    petition(about=staffed.agency)

    rows = selectors.petitions_published()
    one = selectors.petition_published_get(code=done.code.lower())

    assert [p.code for p in rows] == [done.code]
    deferred = one.get_deferred_fields()
    for name in ("sender_name", "sender_address", "sender_phone", "sender_email", "content", "answer", "subject"):
        assert name in deferred, name
    assert one.published_content == "Tôi là ***, gọi *** hoặc ***; CCCD ***."


def test_unpublished_petitions_are_not_found_publicly():
    staffed = agency_with_staff()
    waiting = answered(staffed)

    with pytest.raises(PetitionNotFound):
        selectors.petition_published_get(code=waiting.code)


def test_search_matches_published_words_without_diacritics_but_never_the_hidden_data():
    staffed = agency_with_staff()
    done = published(staffed)

    assert [p.code for p in selectors.petitions_published(query="huong dan")] == [done.code]
    assert [p.code for p in selectors.petitions_published(query="Hướng DẪN")] == [done.code]
    assert selectors.petitions_published(query="0912345678") == []
    assert selectors.petitions_published(query="an@example.vn") == []
    assert selectors.petitions_published(query="Nguyễn") == []


def test_pages_of_published_petitions():
    staffed = agency_with_staff()
    codes = [published(staffed).code for _ in range(3)]

    assert [p.code for p in selectors.petitions_published(offset=0, limit=2)] == codes[::-1][:2]
    assert [p.code for p in selectors.petitions_published(offset=2, limit=2)] == codes[::-1][2:]
    assert Petition.objects.count() == 3
