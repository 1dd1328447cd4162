"""SMS text as Vietnamese gateways expect it: no diacritics, one segment, and phone numbers checked."""

import re
import unicodedata

# One segment of the GSM 7-bit alphabet; a message with diacritics is sent as UCS-2 (70 characters a
# segment) and costs two to three times as much, so Vietnamese SMS are sent without them.
SMS_MAX_LENGTH = 160

_PUNCTUATION = str.maketrans({"…": "...", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# A Vietnamese mobile number in the national format after normalisation: 0 and nine digits.
_MOBILE = re.compile(r"0[35789]\d{8}")


def sms_plain(text: str) -> str:
    """Return ``text`` on one line in plain ASCII: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan"."""
    value = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D").translate(_PUNCTUATION))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.encode("ascii", "ignore").decode()
    return " ".join(value.split())


def phone_normalise(raw: str) -> str:
    """Return a mobile number as 0xxxxxxxxx ("+84 912 345 678" -> "0912345678"), or "" if it is not one."""
    value = _PHONE_SEPARATORS.sub("", raw or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    return value if _MOBILE.fullmatch(value) else ""
