"""SMS text as Vietnamese gateways expect it: no diacritics, one segment, and phone numbers checked."""

import unicodedata

from chinhquyen.core.phones import mobile_normalise

# One segment of the GSM 7-bit alphabet; a message with diacritics is sent as UCS-2 (70 characters a
# segment) and costs two to three times as much, so Vietnamese SMS are sent without them.
SMS_MAX_LENGTH = 160

_PUNCTUATION = str.maketrans({"…": "...", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
# A Vietnamese mobile number in the national format ("" when it is not one).
phone_normalise = mobile_normalise


def sms_plain(text: str) -> str:
    """Return ``text`` on one line in plain ASCII: "Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan"."""
    value = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D").translate(_PUNCTUATION))
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    value = value.encode("ascii", "ignore").decode()
    return " ".join(value.split())
