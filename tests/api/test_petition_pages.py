"""The published petitions, a page at a time: a petition published or withdrawn between two pages neither
comes again nor hides another, as with the dossiers' cursors (keyset, newest first)."""

import pytest

from chinhquyen.feedback import services
from tests.api.helpers import api_client
from tests.feedback.helpers import agency_with_staff, published

pytestmark = pytest.mark.django_db

REASON = "Còn thông tin cá nhân trong câu trả lời."


def _codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_a_petition_published_between_two_pages_does_not_list_one_twice():
    staffed = agency_with_staff()
    oldest, middle, newest = (published(staffed, subject=f"Phản ánh số {n}") for n in (1, 2, 3))
    client = api_client()
    first = client.get("/api/v1/petitions?limit=2")

    published(staffed, subject="Phản ánh mới")
    second = client.get(f"/api/v1/petitions?limit=2&cursor={first.json()['next_cursor']}")

    assert _codes(first) == [newest.code, middle.code]
    assert (second.status_code, _codes(second), second.json()["next_cursor"]) == (200, [oldest.code], None)


def test_a_petition_withdrawn_between_two_pages_does_not_hide_another():
    staffed = agency_with_staff()
    oldest, middle, newest = (published(staffed, subject=f"Phản ánh số {n}") for n in (1, 2, 3))
    client = api_client()
    first = client.get("/api/v1/petitions?limit=2")

    services.petition_unpublish(petition=newest, by=staffed.leader, reason=REASON)
    second = client.get(f"/api/v1/petitions?limit=2&cursor={first.json()['next_cursor']}")

    assert _codes(first) == [newest.code, middle.code]
    assert (second.status_code, _codes(second), second.json()["next_cursor"]) == (200, [oldest.code], None)


def test_the_pages_of_a_search_follow_one_another():
    staffed = agency_with_staff()
    found = [published(staffed, subject=f"Đường ngập sau mưa {n}") for n in range(3)]
    published(staffed, subject="Thiếu ghế chờ")
    client = api_client()

    first = client.get("/api/v1/petitions?q=duong ngap&limit=2")
    second = client.get(f"/api/v1/petitions?q=duong ngap&limit=2&cursor={first.json()['next_cursor']}")

    assert _codes(first) + _codes(second) == [p.code for p in reversed(found)]
    assert second.json()["next_cursor"] is None


def test_a_cursor_of_another_list_is_400_invalid_cursor():
    staffed = agency_with_staff()
    for n in range(2):
        published(staffed, subject=f"Phản ánh số {n}")
    dossiers_cursor = "WyItY3JlYXRlZF9hdCIsIjIwMjYtMDEtMDFUMDA6MDA6MDArMDc6MDAiLDFd"  # ["-created_at", "…", 1]
    offset_cursor = "eyJvIjogMn0"  # {"o": 2}, a page number of the old paging

    answers = [api_client().get(f"/api/v1/petitions?cursor={c}") for c in (dossiers_cursor, offset_cursor)]

    assert [(r.status_code, r.json()["code"], r.json()["field"]) for r in answers] == [
        (400, "invalid_cursor", "cursor")
    ] * 2
