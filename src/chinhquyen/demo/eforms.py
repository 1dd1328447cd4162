"""E-forms (tờ khai điện tử) of the demo province's common procedures, as JSON Schema.

Every form starts with the applicant's block, filled in from the profile (``x-prefill``); the
procedure's own fields follow. Titles are Vietnamese with English in ``x-en``.
"""

from typing import Any

from chinhquyen.catalog.eform import SCHEMA_DIALECT

PHONE_PATTERN = r"^0[0-9]{9}$"


def _text(title: str, en: str, *, max_length: int = 255, prefill: str = "", **extra: Any) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": "string", "title": title, "maxLength": max_length, "x-en": {"title": en}, **extra}
    if prefill:
        prop["x-prefill"] = prefill
    return prop


def _date(title: str, en: str, prefill: str = "") -> dict[str, Any]:
    prop: dict[str, Any] = {"type": "string", "format": "date", "title": title, "x-en": {"title": en}}
    if prefill:
        prop["x-prefill"] = prefill
    return prop


def _choice(title: str, en: str, values: list[str], titles_en: list[str]) -> dict[str, Any]:
    return {
        "type": "string",
        "title": title,
        "enum": values,
        "x-enum-titles": values,
        "x-en": {"title": en, "enum-titles": titles_en},
    }


def _count(title: str, en: str, maximum: int = 10) -> dict[str, Any]:
    return {"type": "integer", "title": title, "minimum": 1, "maximum": maximum, "x-en": {"title": en}}


APPLICANT: dict[str, dict[str, Any]] = {
    "applicant_name": _text("Họ, chữ đệm, tên người yêu cầu", "Full name of the applicant", prefill="name"),
    "applicant_id": _text(
        "Số định danh cá nhân",
        "Personal identification number",
        max_length=12,
        prefill="personal_id",
        pattern=r"^[0-9]{12}$",
    ),
    "applicant_birth_date": _date("Ngày sinh", "Date of birth", prefill="birth_date"),
    "applicant_address": _text("Nơi cư trú", "Place of residence", prefill="address"),
    "applicant_phone": _text("Số điện thoại", "Phone number", max_length=10, prefill="phone", pattern=PHONE_PATTERN),
    "applicant_email": {
        "type": "string",
        "format": "email",
        "title": "Thư điện tử",
        "x-en": {"title": "E-mail"},
        "x-prefill": "email",
    },
}
APPLICANT_REQUIRED = ["applicant_name", "applicant_id", "applicant_address", "applicant_phone"]

SPECIFIC: dict[str, tuple[dict[str, dict[str, Any]], list[str]]] = {
    # Đăng ký khai sinh
    "1.001193": (
        {
            "child_name": _text("Họ, chữ đệm, tên người được khai sinh", "Full name of the child"),
            "child_birth_date": _date("Ngày, tháng, năm sinh", "Date of birth of the child"),
            "child_sex": _choice("Giới tính", "Sex", ["Nam", "Nữ"], ["Male", "Female"]),
            "birth_place": _text("Nơi sinh", "Place of birth"),
            "father_name": _text("Họ, chữ đệm, tên người cha", "Full name of the father"),
            "mother_name": _text("Họ, chữ đệm, tên người mẹ", "Full name of the mother"),
            "relationship": _choice(
                "Quan hệ với người được khai sinh",
                "Relationship to the child",
                ["Cha", "Mẹ", "Ông", "Bà", "Người thân khác"],
                ["Father", "Mother", "Grandfather", "Grandmother", "Other relative"],
            ),
        },
        ["child_name", "child_birth_date", "child_sex", "birth_place", "mother_name", "relationship"],
    ),
    # Cấp Giấy xác nhận tình trạng hôn nhân
    "1.004873": (
        {
            "marital_status": _choice(
                "Tình trạng hôn nhân hiện nay",
                "Current marital status",
                ["Chưa kết hôn", "Đã ly hôn", "Có vợ/chồng đã chết", "Đang có vợ/chồng"],
                ["Never married", "Divorced", "Widowed", "Married"],
            ),
            "purpose": _text("Mục đích sử dụng", "Purpose of use"),
        },
        ["marital_status", "purpose"],
    ),
    # Cấp bản sao trích lục hộ tịch
    "2.000635": (
        {
            "record_kind": _text("Loại giấy tờ hộ tịch cần cấp bản sao", "Civil status record to copy"),
            "copies": _count("Số lượng bản sao", "Number of copies"),
        },
        ["record_kind", "copies"],
    ),
    # Xác nhận thông tin về cư trú
    "1.010041": (
        {"purpose": _text("Nội dung đề nghị xác nhận", "What should be confirmed", max_length=1000)},
        ["purpose"],
    ),
    # Cấp Phiếu lý lịch tư pháp
    "3.000333": (
        {
            "record_form": _choice(
                "Loại phiếu đề nghị cấp", "Kind of record", ["Phiếu số 1", "Phiếu số 2"], ["Form no. 1", "Form no. 2"]
            ),
            "purpose": _text("Mục đích sử dụng phiếu", "Purpose of use"),
            "copies": _count("Số lượng phiếu", "Number of copies"),
        },
        ["record_form", "purpose", "copies"],
    ),
}
GENERIC: tuple[dict[str, dict[str, Any]], list[str]] = (
    {"request": _text("Nội dung đề nghị", "What you request", max_length=2000)},
    ["request"],
)


def eform_for(code: str) -> dict[str, Any]:
    """The e-form of the procedure ``code``: the applicant's block, then the procedure's own fields."""
    fields, required = SPECIFIC.get(code, GENERIC)
    return {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": {**APPLICANT, **fields},
        "required": [*APPLICANT_REQUIRED, *required],
    }
