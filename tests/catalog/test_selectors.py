"""Search ignores diacritics and case, needs every word, ranks whole-phrase matches first."""

import pytest

from chinhquyen.catalog import selectors
from chinhquyen.catalog.services import catalog_import, field_save, process_template_set
from tests.factories import AgencyFactory

from .factories import FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    building = FieldFactory(code="xay-dung", name="Xây dựng")
    certify = FieldFactory(code="chung-thuc", name="Chứng thực")
    commune = AgencyFactory(name="UBND xã Gia Viễn")
    return {
        "birth": ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh", field=civil, agencies=[commune]),
        "mobile": ProcedureFactory(code="1.003583", name="Thủ tục đăng ký khai sinh lưu động", field=civil),
        "foreign": ProcedureFactory(code="2.000528", name="Đăng ký khai sinh có yếu tố nước ngoài", field=civil),
        "marriage": ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn", field=civil, online_level="full"),
        "permit": ProcedureFactory(
            code="1.013236",
            name="Cấp giấy phép xây dựng mới công trình cấp đặc biệt",
            field=building,
            level_commune=False,
            level_province=True,
        ),
        "copy": ProcedureFactory(code="2.000815", name="Chứng thực bản sao từ bản chính", field=certify),
        "old": ProcedureFactory(code="1.000001", name="Đăng ký khai sinh (đã bãi bỏ)", field=civil, is_active=False),
        "commune": commune,
    }


def _codes(procedures) -> list[str]:
    return [p.code for p in procedures]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("dang ky khai sinh", id="no-diacritics"),
        pytest.param("Đăng ký khai sinh", id="diacritics"),
        pytest.param("ĐĂNG KÝ KHAI SINH", id="upper-case"),
        pytest.param("  đăng   ký khai sinh ", id="extra-spaces"),
    ],
)
def test_phrase_matches_rank_name_start_then_phrase_then_shorter(catalog, query):
    assert _codes(selectors.procedure_search(query=query)) == ["2.000528", "1.001193", "1.003583"]


def test_every_word_must_match_in_any_order(catalog):
    assert _codes(selectors.procedure_search(query="sinh dang ky luu")) == ["1.003583"]
    # No phrase match: all in the last group, shortest name first.
    assert _codes(selectors.procedure_search(query="khai sinh dang ky")) == ["1.001193", "1.003583", "2.000528"]


def test_d_and_dj_match_each_other(catalog):
    assert _codes(selectors.procedure_search(query="dang ky ket hon")) == ["1.000894"]
    assert _codes(selectors.procedure_search(query="đang ky ket hôn")) == ["1.000894"]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        pytest.param("chung thuc", ["2.000815"], id="name"),
        pytest.param("cấp giấy phép xây dựng", ["1.013236"], id="typical-query"),
        pytest.param("xay dung", ["1.013236"], id="field-name"),
        pytest.param("1.001193", ["1.001193"], id="code"),
        pytest.param("ly hon", [], id="nothing"),
        pytest.param("khai_sinh", [], id="like-wildcards-are-literal"),
        pytest.param("sinh luu", ["1.003583"], id="word-prefixes"),
    ],
)
def test_search_finds(catalog, query, codes):
    assert _codes(selectors.procedure_search(query=query)) == codes


def test_filters(catalog):
    civil_id = catalog["birth"].field_id
    assert _codes(selectors.procedure_search(query="dang ky", field_id=catalog["permit"].field_id)) == []
    assert len(selectors.procedure_search(field_id=civil_id)) == 4
    assert _codes(selectors.procedure_search(agency_id=catalog["commune"].pk)) == ["1.001193"]
    assert _codes(selectors.procedure_search(level="tỉnh")) == ["1.013236"]
    assert _codes(selectors.procedure_search(level="province")) == ["1.013236"]
    assert len(selectors.procedure_search(level="xã")) == 5
    assert selectors.procedure_search(level="huyện") == []
    assert _codes(selectors.procedure_search(online_level="full")) == ["1.000894"]


def test_empty_query_lists_active_procedures_by_code_up_to_the_limit(catalog):
    assert _codes(selectors.procedure_search()) == [
        "1.000894",
        "1.001193",
        "1.003583",
        "1.013236",
        "2.000528",
        "2.000815",
    ]
    assert _codes(selectors.procedure_search(limit=2)) == ["1.000894", "1.001193"]


def test_search_is_one_query(catalog, django_assert_num_queries):
    with django_assert_num_queries(1):
        results = selectors.procedure_search(query="dang ky")
        assert [p.field.name for p in results][:1] == ["Hộ tịch"]


def test_search_in_the_real_sample(national):
    catalog_import(data=national)
    assert _codes(selectors.procedure_search(query="dang ky khai sinh")) == ["1.001193"]
    assert _codes(selectors.procedure_search(query="chung thuc ban sao")) == ["2.000815"]


def test_renaming_a_field_refreshes_search_text(catalog):
    field = catalog["copy"].field
    field.name = "Chứng thực giấy tờ"
    field_save(field=field)
    assert _codes(selectors.procedure_search(query="giay to")) == ["2.000815"]


def test_procedure_get_returns_everything_a_page_shows(catalog, django_assert_max_num_queries):
    process_template_set(
        procedure=catalog["birth"],
        steps=[
            {"name": "Tiếp nhận", "role": "front_desk", "share_hours": 8},
            {"name": "Xử lý", "role": "specialist", "share_hours": 28},
            {"name": "Phê duyệt", "role": "leader", "share_hours": 4},
        ],
    )
    with django_assert_max_num_queries(8):
        procedure = selectors.procedure_get(code="1.001193")
        assert procedure is not None
        assert [s.name for s in procedure.process_template.steps.all()] == ["Tiếp nhận", "Xử lý", "Phê duyệt"]
        assert list(procedure.agencies.all()) == [catalog["commune"]]
        assert list(procedure.documents.all()) == []
    assert selectors.procedure_get(code="0.000000") is None


def test_counts(catalog):
    assert selectors.procedure_count() == 6
    assert [(f.code, f.procedure_count) for f in selectors.field_list()] == [
        ("chung-thuc", 1),
        ("ho-tich", 4),
        ("xay-dung", 1),
    ]
