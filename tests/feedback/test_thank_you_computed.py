"""The thank-you page after a rating: the first two criteria (total time, each agency's time) were worked out from
the dossier's record, not answered by the applicant, and the table says so row by row, in Vietnamese and English."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .helpers import SCORES, returned, world_with_template

pytestmark = pytest.mark.django_db


class _Table(HTMLParser):
    """The caption and the rows (cells' text, spaces collapsed) of the page's ``fb-table``."""

    def __init__(self) -> None:
        super().__init__()
        self.caption = ""
        self.rows: list[list[str]] = []
        self._inside = False
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "fb-table" in (dict(attrs).get("class") or ""):
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []
        elif self._inside and tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        elif self._inside and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += " ".join(data.split())


def _thank_you_page(client, language: str) -> _Table:
    world = world_with_template()
    dossier = returned(world)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(world.applicant.user)
    url = reverse("portal:dossier_rate", args=[dossier.pk])
    # Zero points sent for the two criteria worked out: the page shows the record's, not these.
    sent = client.post(url, {**SCORES, "total_time": 0, "agency_time": 0, "overall": "satisfied", "comment": ""})
    assert (sent.status_code, sent["Location"]) == (302, url)
    table = _Table()
    table.feed(client.get(url).content.decode())
    return table


def test_the_computed_rows_say_they_come_from_the_dossiers_record_in_english(client):
    table = _thank_you_page(client, "en")

    assert table.caption == "Your rating, question by question"
    assert table.rows == [
        ["Question", "Answer", "Source"],
        [
            "1. Total time to settle the procedure, compared with the time the law allows",
            # The helper settles it at once, long before its due date; the 0 sent for it is ignored.
            "Shorter than allowed",
            "From your dossier's record",
        ],
        [
            "2. Time taken by each agency involved, compared with its allowed time",
            "Every agency was faster than allowed",
            "From your dossier's record",
        ],
        [
            "3. Number of times you had to contact the reception point to complete the dossier",
            "Twice",
            "Your answer",
        ],
        [
            "4. Number of agencies you had to contact to complete the dossier",
            "Only the one-stop front desk",
            "Your answer",
        ],
        [
            "5. Reception, handling and return of the result through the one-stop front desk",
            "Entirely through the front desk, as the rules require",
            "Your answer",
        ],
        [
            "6. Public information about the procedure",
            "Published, but incomplete or not correct",
            "Your answer",
        ],
        [
            "7. Attitude of the officials who guided you, received and handled the dossier",
            "Polite and helpful",
            "Your answer",
        ],
        [
            "8. Handling of your complaints and petitions about this dossier",
            "Handled on time, or none was needed",
            "Your answer",
        ],
        ["9. Information online about the dossier's progress and result", "Not available", "Your answer"],
    ]


def test_the_computed_rows_say_they_come_from_the_dossiers_record_in_vietnamese(client):
    table = _thank_you_page(client, "vi")

    assert table.caption == "Đánh giá của bạn theo từng câu hỏi"
    assert table.rows[0] == ["Nội dung xin ý kiến", "Trả lời", "Nguồn"]
    assert [row[2] for row in table.rows[1:]] == ["Theo dữ liệu xử lý hồ sơ của bạn"] * 2 + ["Lựa chọn của bạn"] * 7


def test_the_vietnamese_page_uses_the_words_already_translated(client):
    table = _thank_you_page(client, "vi")

    assert table.rows[0][0::2] == ["Nội dung xin ý kiến", "Nguồn"]
    assert [row[0::2] for row in table.rows[2:4]] == [
        [
            "2. Thời gian thực hiện tại từng cơ quan, đơn vị tham gia giải quyết so với thời gian quy định",
            table.rows[1][2],  # the same mark as the first row's: worked out from the record
        ],
        ["3. Số lần bạn phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ", "Lựa chọn của bạn"],
    ]
    assert table.rows[3][1] == "2 lần"
    assert [row[2] for row in table.rows[4:]] == ["Lựa chọn của bạn"] * 6
