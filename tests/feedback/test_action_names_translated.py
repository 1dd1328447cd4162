"""Refusals name a petition's action in the page's language (the names were missing from the catalog)."""

from django.utils import translation
from django.utils.translation import gettext

from chinhquyen.feedback.transitions import PETITION_ACTION_NAMES


def test_every_petition_action_has_its_vietnamese_name():
    with translation.override("vi"):
        names = {action: str(name) for action, name in PETITION_ACTION_NAMES.items()}
        unpublish = gettext("withdraw the published answer")  # translated later: compared through the catalog

    assert names == {
        "assign": "giao xử lý phản ánh, kiến nghị",
        "answer": "trả lời phản ánh, kiến nghị",
        "publish": "công khai câu trả lời",
        "unpublish": unpublish,
        "close": "đóng phản ánh, kiến nghị",
        "note": "thêm ghi chú nội bộ",
        "rate_answer": "đánh giá câu trả lời",
    }
