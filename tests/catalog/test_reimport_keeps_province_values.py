"""A national re-import refreshes what the national catalogue says and keeps what the province completed."""

import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from chinhquyen.catalog.models import Fee, Procedure, ProcedureChannel, RequiredDocument
from chinhquyen.catalog.services import catalog_import, procedure_save

pytestmark = pytest.mark.django_db
NO_UNIT = "a number without a unit"


def _national(**keys) -> str:
    return json.dumps([{"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", **keys}], ensure_ascii=False)


def _documents(names: list[str]) -> str:
    return _national(documents=names)


def _complete_by_hand(value: Decimal, unit: str) -> Procedure:
    procedure = Procedure.objects.get()
    procedure.time_limit_value, procedure.time_limit_unit = value, unit
    return procedure_save(procedure=procedure)


def test_a_limit_completed_by_hand_survives_a_reimport_of_the_same_text():
    birth = _national(time_limit_text="1", time_limit_days=None, time_limit_unit=None)
    first = catalog_import(data=birth)
    assert [(i.field, i.raw, i.reason) for i in first.issues] == [("time_limit", "1", NO_UNIT)]
    _complete_by_hand(Decimal(1), "working_days")

    again = catalog_import(data=birth)

    p = Procedure.objects.get()
    assert (p.time_limit_text, p.time_limit_value, p.time_limit_unit, p.time_limit_hours) == (
        "1",
        Decimal(1),
        "working_days",
        Decimal(8),
    )
    assert (again.updated, again.unchanged) == (0, 1)
    assert [(i.field, i.raw, i.reason) for i in again.issues] == [("time_limit", "1", NO_UNIT)]


def test_a_new_unreadable_text_empties_the_limit_read_by_hand_from_the_old_one():
    catalog_import(data=_national(time_limit_text="1"))
    _complete_by_hand(Decimal(1), "working_days")

    report = catalog_import(data=_national(time_limit_text="2"))

    p = Procedure.objects.get()
    assert (p.time_limit_text, p.time_limit_value, p.time_limit_unit, p.time_limit_hours) == ("2", None, "", None)
    assert report.updated == 1


def test_a_readable_text_still_replaces_the_stored_limit():
    catalog_import(data=_national(time_limit_text="1"))
    _complete_by_hand(Decimal(1), "working_days")

    catalog_import(data=_national(time_limit_text="3 Ngày làm việc"))

    p = Procedure.objects.get()
    assert (p.time_limit_value, p.time_limit_unit, p.time_limit_hours) == (Decimal(3), "working_days", Decimal(24))


def test_a_channel_limit_completed_by_hand_survives_while_its_text_stays():
    channels = [{"channel": "online", "time_limit_text": "1"}, {"channel": "postal", "time_limit_text": "1"}]
    catalog_import(data=_national(submission_channels=channels))
    ProcedureChannel.objects.update(time_limit_value=Decimal(1), time_limit_unit="working_days")

    changed = [channels[0], {"channel": "postal", "time_limit_text": "2"}]
    catalog_import(data=_national(submission_channels=changed))

    assert list(ProcedureChannel.objects.values_list("channel", "time_limit_text", "time_limit_value")) == [
        ("online", "1", Decimal(1)),
        ("postal", "2", None),
    ]


def test_the_fees_the_province_set_survive_a_reimport_of_the_same_fees_text():
    data = _national(fees_text="Miễn phí")
    catalog_import(data=data)
    Fee.objects.update(name="Lệ phí đăng ký (Nghị quyết HĐND tỉnh)", amount=Decimal(50000))

    again = catalog_import(data=data)

    assert list(Fee.objects.values_list("name", "amount", "currency")) == [
        ("Lệ phí đăng ký (Nghị quyết HĐND tỉnh)", Decimal(50000), "VND")
    ]
    assert (again.updated, again.unchanged) == (0, 1)


def test_new_fees_text_refreshes_the_amounts_but_keeps_the_fee_names():
    catalog_import(data=_national(fees_text="50,000 VNĐ(Lệ phí)"))
    Fee.objects.update(name="Lệ phí đăng ký")

    catalog_import(data=_national(fees_text="60,000 VNĐ(Lệ phí)\n10 USD(/bản)"))

    assert list(Fee.objects.order_by("position").values_list("name", "amount", "currency", "description")) == [
        ("Lệ phí đăng ký", Decimal(60000), "VND", "Lệ phí"),
        ("", Decimal(10), "USD", "/bản"),
    ]


def _province_sets_on(name: str) -> RequiredDocument:
    document = RequiredDocument.objects.get(name=name)
    document.registry, document.mandatory = "population", False
    document.template_file.save("can-cuoc.pdf", ContentFile(b"%PDF-1.4 x"), save=False)
    document.save()
    return document


def test_a_document_added_in_front_leaves_the_province_values_with_their_document():
    catalog_import(data=_documents(["Tờ khai", "Căn cước"]))
    form = RequiredDocument.objects.get(name="Tờ khai")
    card = _province_sets_on("Căn cước")

    report = catalog_import(data=_documents(["Đơn đề nghị", "Tờ khai", "Căn cước"]))

    rows = list(RequiredDocument.objects.order_by("position"))
    assert [(d.position, d.name, d.registry, d.mandatory, bool(d.template_file)) for d in rows] == [
        (0, "Đơn đề nghị", "", True, False),
        (1, "Tờ khai", "", True, False),
        (2, "Căn cước", "population", False, True),
    ]
    assert (rows[1].pk, rows[2].pk) == (form.pk, card.pk)  # dossiers point at these rows
    assert rows[2].template_file.name == card.template_file.name
    assert report.updated == 1


def test_documents_that_swap_places_keep_their_rows():
    catalog_import(data=_documents(["Tờ khai", "Căn cước", "Giấy khai sinh"]))
    ids = dict(RequiredDocument.objects.values_list("name", "pk"))
    _province_sets_on("Căn cước")

    catalog_import(data=_documents(["Căn cước", "Tờ khai"]))

    rows = list(RequiredDocument.objects.order_by("position").values_list("pk", "name", "registry"))
    assert rows == [(ids["Căn cước"], "Căn cước", "population"), (ids["Tờ khai"], "Tờ khai", "")]


def test_a_document_renamed_in_place_keeps_its_row_but_not_the_province_values():
    catalog_import(data=_documents(["Tờ khai", "Căn cước"]))
    card = _province_sets_on("Căn cước")

    catalog_import(data=_documents(["Tờ khai", "Giấy tờ tùy thân"]))

    renamed = RequiredDocument.objects.get(position=1)
    assert (renamed.pk, renamed.name, renamed.registry, renamed.mandatory, renamed.template_file.name) == (
        card.pk,
        "Giấy tờ tùy thân",
        "",
        True,
        "",
    )


MAIN = _national(documents=["Tờ khai", "Căn cước"], steps_text="Bước 1")
DETAILS = json.dumps(
    [
        {
            "code": "1.001193",
            "documents_detail": [
                {
                    "doc_index": 0,
                    "group": "Giấy tờ phải nộp",
                    "quantity": {"original": 1, "copy": 2},
                    "form_file": "TK.doc",
                },
                {"doc_index": 1, "group": "Giấy tờ phải xuất trình", "quantity": {"original": 1}},
            ],
        }
    ],
    ensure_ascii=False,
)


def test_a_reimport_without_the_details_file_keeps_the_document_table():
    catalog_import(data=MAIN, details=DETAILS)

    again = catalog_import(data=MAIN)

    assert list(
        RequiredDocument.objects.order_by("position").values_list(
            "name", "group", "originals", "copies", "template_name"
        )
    ) == [
        ("Tờ khai", "Giấy tờ phải nộp", 1, 2, "TK.doc"),
        ("Căn cước", "Giấy tờ phải xuất trình", 1, None, ""),
    ]
    assert (again.updated, again.unchanged) == (0, 1)


def test_without_the_details_file_a_new_document_gets_only_its_name():
    catalog_import(data=MAIN, details=DETAILS)

    catalog_import(data=_national(documents=["Đơn đề nghị", "Tờ khai", "Căn cước"]))

    assert list(RequiredDocument.objects.order_by("position").values_list("name", "group", "originals")) == [
        ("Đơn đề nghị", "", None),
        ("Tờ khai", "Giấy tờ phải nộp", 1),
        ("Căn cước", "Giấy tờ phải xuất trình", 1),
    ]
