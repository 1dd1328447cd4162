"""Find a procedure: the search page and the procedure page, through Django's test client."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from chinhquyen.catalog.models import Fee, LegalBasis, ProcedureChannel, ProcedureResult
from tests.catalog.factories import FieldFactory, ProcedureFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("portal:procedure_search")


def _get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def _document_rows(html: str) -> list[list[str]]:
    table = re.search(r'<table class="documents".*?</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def _result_codes(response) -> list[str]:
    return [procedure.code for procedure in response.context["results"].items]


@pytest.fixture
def birth():
    agency = AgencyFactory(
        code="000.00.01.H37",
        name="UBND xã Hoa Lư",
        name_en="Hoa Lu Commune",
        address="1 Trần Hưng Đạo",
        phone="0229 3871 234",
    )
    procedure = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        name_en="Birth registration",
        field=FieldFactory(code="ho-tich", name="Hộ tịch"),
        level_commune=True,
        online_level="full",
        applicants_text="Công dân Việt Nam",
        reception_address="Bộ phận Một cửa UBND xã",
        conditions="Trẻ em sinh ra trên lãnh thổ Việt Nam",
        agencies=[agency],
    )
    RequiredDocumentFactory(
        procedure=procedure,
        position=0,
        name="Tờ khai đăng ký khai sinh",
        originals=1,
        copies=0,
        template_name="TK-KS.docx",
    )
    RequiredDocumentFactory(
        procedure=procedure, position=1, name="Giấy chứng sinh", originals=1, copies=2, mandatory=False
    )
    Fee.objects.create(procedure=procedure, position=0, name="Lệ phí", amount=Decimal(8000), currency="VND")
    ProcedureChannel.objects.create(
        procedure=procedure, position=0, channel="online", time_limit_text="Ngay trong ngày"
    )
    ProcedureResult.objects.create(procedure=procedure, position=0, name="Giấy khai sinh", code="KQ.G15.000031")
    LegalBasis.objects.create(procedure=procedure, position=0, number="60/2014/QH13", title="Luật Hộ tịch")
    return procedure


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI", "khai sinh", "1.001193"])
def test_search_finds_a_procedure_with_or_without_diacritics(client, birth, query):
    ProcedureFactory(name="Đăng ký kết hôn")

    response = _get(client, SEARCH, q=query)

    assert response.status_code == 200
    assert _result_codes(response)[0] == "1.001193"
    assert 'href="/thu-tuc/1.001193/"' in response.content.decode()


def test_search_shows_name_code_field_level_online_badge_and_time_limit_in_english(client, birth):
    response = _get(client, SEARCH, q="khai sinh")

    html = response.content.decode()
    assert "Birth registration" in html
    assert "<dd>1.001193</dd>" in html
    assert "<dd>Hộ tịch</dd>" in html
    assert "Commune" in html
    assert '<span class="online-badge online-full">Fully online</span>' in html
    assert "5 working days" in html
    assert "Showing 1–1 of 1 procedure" in html


def test_empty_search_lists_procedures(client):
    ProcedureFactory.create_batch(3)

    response = _get(client, SEARCH)

    assert response.status_code == 200
    assert len(_result_codes(response)) == 3
    assert "All procedures" in response.content.decode()


def test_inactive_procedures_are_not_listed(client, birth):
    ProcedureFactory(name="Đăng ký khai sinh lưu động", is_active=False)

    response = _get(client, SEARCH, q="dang ky khai sinh")

    assert _result_codes(response) == ["1.001193"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "ho-tich"}, ["1.001193"]),
        ({"field": "dat-dai"}, ["2.000001"]),
        ({"agency": "000.00.01.H37"}, ["1.001193"]),
        ({"level": "province"}, ["2.000001"]),
        ({"level": "commune"}, ["1.001193"]),
        ({"online": "full"}, ["1.001193"]),
        ({"online": "partial"}, []),
        ({"q": "dang ky", "level": "province"}, []),
    ],
    ids=["field", "other-field", "agency", "province", "commune", "online-full", "online-partial", "query-and-level"],
)
def test_filters_narrow_the_results(client, birth, params, expected):
    ProcedureFactory(
        code="2.000001",
        name="Cấp giấy chứng nhận quyền sử dụng đất",
        field=FieldFactory(code="dat-dai", name="Đất đai"),
        level_commune=False,
        level_province=True,
        online_level="none",
    )

    response = _get(client, SEARCH, **params)

    assert response.status_code == 200
    assert _result_codes(response) == expected


def test_filter_choices_list_fields_and_implementing_agencies(client, birth):
    AgencyFactory(name="Sở không có thủ tục")

    response = _get(client, SEARCH)

    form = response.context["form"]
    assert [code for code, _ in form.fields["field"].choices] == ["", "ho-tich"]
    assert form.fields["agency"].choices == [("", "All agencies"), ("000.00.01.H37", "Hoa Lu Commune")]


def test_no_results_gives_a_hint(client, birth):
    response = _get(client, SEARCH, q="giấy phép lái tàu vũ trụ")

    html = response.content.decode()
    assert response.status_code == 200
    assert _result_codes(response) == []
    assert "No procedure matches your search." in html
    assert "Try without diacritics" in html
    assert "Use fewer or shorter words" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a" * 201}, "Please use at most 200 characters (you typed 201)."),
        ({"field": "nope"}, "“nope” is not one of the choices."),
        ({"agency": "000.00.99.H37"}, "is not one of the choices."),
        ({"level": "ministry"}, "“ministry” is not one of the choices."),
        ({"online": "yes"}, "“yes” is not one of the choices."),
        ({"page": "x"}, "The page number is not valid."),
        ({"page": "0"}, "Ensure this value is greater than or equal to 1."),
    ],
    ids=["long-query", "field", "agency", "level", "online", "page-text", "page-zero"],
)
def test_invalid_input_gives_a_clear_message(client, birth, params, message):
    response = _get(client, SEARCH, **params)

    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["results"] is None
    assert "Please check your search" in html
    assert message in html


def test_pagination_has_20_per_page_and_page_links(client):
    ProcedureFactory.create_batch(45, name="Cấp phép xây dựng")

    first = _get(client, SEARCH, q="cap phep")
    third = _get(client, SEARCH, q="cap phep", page=3)

    assert len(_result_codes(first)) == 20
    assert len(_result_codes(third)) == 5
    assert set(_result_codes(first)).isdisjoint(_result_codes(third))
    html = first.content.decode()
    assert "Showing 1–20 of 45 procedures" in html
    assert 'href="?q=cap+phep&amp;page=2"' in html
    assert 'href="?q=cap+phep&amp;page=3"' in html
    assert "page=4" not in html
    assert 'aria-current="page" href="?q=cap+phep&amp;page=1"' in html
    assert "Showing 41–45 of 45 procedures" in third.content.decode()


def test_pagination_links_only_as_far_as_the_rows_loaded(client):
    ProcedureFactory.create_batch(101, name="Cấp phép xây dựng")

    response = _get(client, SEARCH, q="cap phep")

    html = response.content.decode()
    assert "Showing 1–20 of more than 100 procedures" in html
    assert 'href="?q=cap+phep&amp;page=5"' in html
    assert "page=6" not in html
    assert 'rel="next"' in html


def test_a_page_past_the_results_says_so(client, birth):
    response = _get(client, SEARCH, q="khai sinh", page=7)

    assert response.status_code == 200
    assert "There are no results on this page." in response.content.decode()


@pytest.mark.parametrize("count", [1, 25], ids=["one-result", "many-results"])
def test_search_queries_do_not_grow_with_results(client, django_assert_max_num_queries, count):
    agency = AgencyFactory()
    for n in range(count):
        ProcedureFactory(
            name=f"Cấp phép {n}", agencies=[agency], field=FieldFactory(code=f"f{n}", name=f"Lĩnh vực {n}")
        )

    with django_assert_max_num_queries(3):
        response = _get(client, SEARCH, q="cap phep", agency=agency.code)

    assert len(_result_codes(response)) == min(count, 20)


def test_detail_page_shows_the_procedure_in_plain_language(client, birth):
    response = _get(client, reverse("portal:procedure_detail", args=["1.001193"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Birth registration</h1>" in html
    assert "<p>Công dân Việt Nam</p>" in html
    assert "Trẻ em sinh ra trên lãnh thổ Việt Nam" in html
    assert _document_rows(html) == [
        ["Document", "Originals", "Copies", "Required", "Form template"],
        ["Tờ khai đăng ký khai sinh", "1", "0", "Yes", "TK-KS.docx"],
        ["Giấy chứng sinh", "1", "2", "If applicable", "—"],
    ]
    assert '<th scope="col">Originals</th>' in html
    assert "Lệ phí: <strong>8,000 VND</strong>" in html
    assert "Hoa Lu Commune" in html
    assert "1 Trần Hưng Đạo" in html
    assert 'href="tel:02293871234"' in html
    assert "Bộ phận Một cửa UBND xã" in html
    assert "<strong>Online</strong>: Ngay trong ngày" in html
    assert "Giấy khai sinh" in html
    assert "KQ.G15.000031" in html
    assert "<strong>60/2014/QH13</strong> Luật Hộ tịch" in html


def test_detail_page_links_to_apply_online(client, birth):
    response = _get(client, reverse("portal:procedure_detail", args=["1.001193"]))

    html = response.content.decode()
    assert '<a class="btn btn-cta" href="/nop-truc-tuyen/1.001193/">Apply online</a>' in html
    assert 'href=""' not in html


def test_detail_page_without_online_submission_has_no_call_to_action(client):
    procedure = ProcedureFactory(online_level="none")

    response = _get(client, reverse("portal:procedure_detail", args=[procedure.code]))

    assert "Apply online" not in response.content.decode()


@pytest.mark.parametrize("active", [True, False], ids=["unknown", "inactive"])
def test_detail_page_404s_for_unknown_or_inactive_codes(client, active):
    ProcedureFactory(code="1.000001", is_active=active)

    response = _get(client, reverse("portal:procedure_detail", args=["1.000001" if not active else "9.999999"]))

    assert response.status_code == 404


def test_pages_are_small_and_load_the_site_css_only_from_static(client, birth):
    for url in (SEARCH, reverse("portal:procedure_detail", args=["1.001193"])):
        response = _get(client, url)
        html = response.content.decode()
        assert len(response.content) < 100_000
        assert "<script" not in html
        assert "style=" not in html
        assert "<style" not in html
        assert '<link rel="stylesheet" href="/static/portal/site.css">' in html


def test_home_page_has_a_search_form_pointing_at_the_search_page(client):
    response = _get(client, reverse("portal:home"))

    html = response.content.decode()
    assert '<form method="get" action="/thu-tuc/" role="search"' in html
    assert 'href="/thu-tuc/"' in html


@pytest.mark.parametrize(
    ("value", "unit", "text", "expected"),
    [
        (Decimal(1), "working_days", "01 ngày làm việc", "1 working day"),
        (Decimal("15.00"), "days", "15 ngày", "15 days"),
        (Decimal("7.50"), "working_hours", "", "7.5 working hours"),
        (Decimal(10), "months", "", "10 months"),
        (None, "", "Theo quy định", "Theo quy định"),
    ],
    ids=["one", "integral", "fraction", "ten-months", "as-published"],
)
def test_time_limit_is_shown_in_the_readers_language(client, value, unit, text, expected):
    procedure = ProcedureFactory(time_limit_value=value, time_limit_unit=unit, time_limit_text=text)

    response = _get(client, reverse("portal:procedure_detail", args=[procedure.code]))

    assert response.context["time_limit"] == expected
