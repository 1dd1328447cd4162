"""Personal data taken out of a petition's text before it is published.

What the sender gave (name, address, phone, e-mail) is removed wherever it appears, and so is anything
shaped like a contact or an identifier: e-mail addresses, and runs of nine digits or more, separated or
not by spaces, dots or dashes (phone numbers, the 12-digit personal number, the old 9-digit card, tax
codes, bank accounts), even right after a label ("CCCD:037090001234", "SĐT0912345678"); vehicle plates
("29A-123.45", "29-B1 123.45", "30E12345") and passport numbers ("C1234567"), personal data as well (Decree
13/2023, art. 2). The sender's details are found as whole words, with or without diacritics and in any case
("Nguyen Van An" for "Nguyễn Văn An"); their phone by its digits, however grouped ("(0229) 3871 234", "+84 229
3871 234"); their address whole and by each part specific to them ("số 12 đường Trần Hưng Đạo" of "Số 12 đường
Trần Hưng Đạo, phường Hoa Lư", with or without "số" and "đường"), not by the ward or district, which thousands
share and the petition may well be about; a name given with a form of address ("Bà Trần Thị Lan") is found without
it too. Dates and times are left alone, and so are amounts of money ("150.000.000 đồng"), document numbers
("1234/QĐ-UBND") and this platform's dossier codes ("000.00.12.H12-261122-0001"), which are no one's personal
data. Each removal becomes :data:`MASK`.
"""

import re
from collections.abc import Callable, Iterable

from chinhquyen.core.text import fold

MASK = "***"
# Parts of the sender's details shorter than this are not searched for (they would match common words).
MIN_KNOWN_LENGTH = 3
# Words of an address part that the text may leave out ("12 Trần Hưng Đạo" for "Số 12 đường Trần Hưng Đạo").
OPTIONAL_ADDRESS_WORDS = frozenset({"so", "duong", "pho"})
# A part naming an administrative unit (folded first words) is not the sender's own: it stays readable.
ADMINISTRATIVE_UNITS = ("tinh ", "thanh pho ", "quan ", "huyen ", "thi xa ", "thi tran ", "phuong ", "xa ")
# Forms of address a name may be given with ("Ông Nguyễn Văn An"), which the text may leave out.
FORMS_OF_ADDRESS = frozenset({"ông", "bà", "anh", "chị", "cô", "chú", "bác", "em", "cháu"})
# What may come between the digits of a phone number as people write it: "(0229) 3871-234", "+84 (0) 229…".
_PHONE_GAP = r"[()+ .\-]{0,3}"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine or more digits, optionally led by "+" and split by single spaces, dots or dashes, after anything but
# a digit (a label, "SĐT:", "CCCD" may come right before). Never a part of a date or a time ("12/03/2026",
# "10:30 12-03-2026"): a run joined to another digit by "/" or ":" is one only when its first (last) group
# has five digits or more, which no date or time has ("0912345678/0987654321" is two phone numbers).
_NUMBER = re.compile(
    r"(?<![\d_+])(?:(?<!\d[:/])|(?=\+?\d{5}))"
    r"\+?(?:\d[ .\-]?){8,}\d"
    r"(?!\w)(?:(?![:/]\d)|(?<=\d{5}))"
)
# A phone number with its area code or country code in brackets, which _NUMBER does not cross: "(0236)
# 3.822.123", "(+84) 90 123 4567", "+84 (0) 90 123 4567"; masked when it holds nine digits or more. Only an area
# code (led by 0) or 84 in the brackets: "(2025) 123456" is no phone.
_BRACKETED_PHONE = re.compile(r"(?<![\w+])(?:\+?84[ .\-]?)?\((?:\+?84|0\d{0,4})\)[ .\-]?(?:\d[ .\-]?){4,}\d(?!\w)")
PHONE_MIN_DIGITS = 9
# Not personal data, and left whole though long enough to look like a number above: an amount of money, its
# thousands grouped by dots or commas and a currency after it ("150.000.000 đồng", "1,500,000,000 VND"), and a
# dossier code of this platform, ``<agency identifier>-YYMMDD-XXXX`` (dossiers/codes.py). A phone or a personal
# number is written neither so (it starts with 0, or has no currency after it) nor with an agency identifier.
# "đồng" also starts common words ("đồng thời", "đồng ý"), which a dotted card number may come before.
_NOT_MONEY_DONG = r"\s+(?:thời|ý|bào|chí|nghiệp|bộ|loạt|đều|nhất|minh|hương)(?!\w)"
_CURRENCY = rf"(?:đồng(?!{_NOT_MONEY_DONG})|đ|vnđ|vnd|usd|triệu|tỷ|nghìn|ngàn)"
_KEPT = re.compile(
    rf"(?<![\w.,])[1-9]\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)? ?{_CURRENCY}(?!\w)"
    rf"|(?<![\w.,])[1-9]\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)? ?{_CURRENCY}(?!\w)"
    r"|(?<![\w.\-])[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z]\d{2}-\d{6}-\d{4,}(?![\w\-])",
    re.IGNORECASE,
)

# A Vietnamese vehicle plate: the province's two digits, a series of one or two capitals (Đ among them) with a
# digit for a motorbike's, then four digits or five ("123.45"), written with a dash, a space, a dot or nothing
# between the parts. Capitals only, and never inside a longer code: "10 km 1234", "1234/QĐ-UBND", "000.00.01.H22"
# are no plates.
_PLATE = re.compile(
    r"(?<![\w.\-/])"
    r"\d{2} ?-? ?[A-ZĐ]{1,2}\d?(?: ?[-.] ?| )?"
    r"(?:\d{3}[. \-]?\d{2}|\d{4})"
    r"(?![\w]|[.\-/]\d)"
)
# A passport number: one capital and seven digits ("C1234567").
_PASSPORT = re.compile(r"(?<![\w\-/])[A-Z]\d{7}(?![\w]|[.\-/]\d)")


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded a character at a time, and where in ``text`` each folded character comes from."""
    folded: list[str] = []
    origins: list[int] = []
    for i, char in enumerate(text):
        part = " " if char.isspace() else fold(char)
        folded.append(part)
        origins.extend([i] * len(part))
    return "".join(folded), origins


def _words_pattern(folded_value: str) -> str:
    """The folded words of ``folded_value`` as whole words, any spacing; those of an address that may be left out
    optional (``_address_parts`` passes them marked with a leading "?")."""
    words = folded_value.split(" ")
    pieces = []
    for i, word in enumerate(words):
        gap = r"\s+" if i < len(words) - 1 else ""
        if word.startswith("?"):
            pieces.append(f"(?:{re.escape(word[1:])}{gap})?")
        else:
            pieces.append(f"{re.escape(word)}{gap}")
    return rf"(?<!\w){''.join(pieces)}(?!\w)"


def _mask_known(text: str, folded_value: str) -> str:
    """``text`` with every occurrence of ``folded_value`` (already folded) masked, whatever its diacritics."""
    folded, origins = _folded(text)
    pattern = _words_pattern(folded_value)
    pieces, last = [], 0
    for found in re.finditer(pattern, folded):
        start = origins[found.start()]
        # Up to the next folded character: the combining marks of the last one are masked with it.
        end = origins[found.end()] if found.end() < len(origins) else len(text)
        pieces += [text[last:start], MASK]
        last = end
    return "".join([*pieces, text[last:]])


def _address_parts(address: str) -> set[str]:
    """The parts of ``address`` (between commas) specific enough to be the sender's, folded, the words the text
    may leave out marked "?": a part with a number and another word, or of three words or more; never a part
    naming an administrative unit ("phường 3", "quận Hoàn Kiếm")."""
    parts = set()
    for part in fold(address).split(","):
        words = part.split()
        while words and words[-1] in OPTIONAL_ADDRESS_WORDS:  # a last word is never optional
            words.pop()
        text = " ".join(words)
        core = [word for word in words if word not in OPTIONAL_ADDRESS_WORDS]
        has_number = any(ch.isdigit() for ch in text)
        specific = (has_number and len(core) >= 2) or len(core) >= 3
        if specific and not f"{text} ".startswith(ADMINISTRATIVE_UNITS):
            parts.add(" ".join(f"?{word}" if word in OPTIONAL_ADDRESS_WORDS else word for word in words))
    return parts


def _name_forms(name: str) -> set[str]:
    """``name`` and, when it starts with a form of address followed by two words or more, those words alone
    ("Nguyễn Văn An" of "Ông Nguyễn Văn An"; "Anh Tuấn" stays whole, one word is no name to look for)."""
    words = name.split()
    if len(words) >= 3 and words[0].lower() in FORMS_OF_ADDRESS:
        return {name, " ".join(words[1:])}
    return {name}


def _phone_pattern(phone: str) -> re.Pattern[str] | None:
    """The sender's phone however written: its digits with any grouping, "+84" or "84" for the leading 0."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < MIN_KNOWN_LENGTH:
        return None
    if digits.startswith("0"):
        national: str | None = digits[1:]
    elif digits.startswith("84") and len(digits) > 9:
        national = digits[2:]
    else:
        national = None
    if national is None:
        lead, rest = r"\+?", digits
    else:
        # 0…, or +84 / 84, written "(+84)" or "+84 (0)" too.
        lead, rest = rf"(?:\(?0|\(?\+?84{_PHONE_GAP}(?:0{_PHONE_GAP})?)", national
    body = _PHONE_GAP.join(re.escape(digit) for digit in rest)
    return re.compile(rf"(?<![\d+(]){lead}{_PHONE_GAP}{body}(?!\d)")


def mask_personal(
    text: str,
    *,
    known: Iterable[str] = (),
    names: Iterable[str] = (),
    phones: Iterable[str] = (),
    addresses: Iterable[str] = (),
) -> str:
    """Return ``text`` with the sender's details, e-mails, vehicle plates, passport and long numbers replaced by MASK.

    ``known`` values (an e-mail) are masked whole; ``names`` whole and without the form of address they start
    with; ``addresses`` whole and by their specific parts; ``phones`` by their digits.
    """
    values = {fold(k) for k in (*known, *addresses)}
    values |= {fold(form) for name in names for form in _name_forms(name)}
    values |= {part for address in addresses for part in _address_parts(address)}
    # Longest first, so that a whole address is one mask, not a mask per part.
    for value in sorted((v for v in values if len(v) >= MIN_KNOWN_LENGTH), key=len, reverse=True):
        text = _mask_known(text, value)
    for phone in phones:
        pattern = _phone_pattern(phone)
        if pattern is not None:
            text = pattern.sub(MASK, text)
    return _outside_kept(text, _shapes_masked)


def _shapes_masked(text: str) -> str:
    """``text`` with anything shaped like a contact or an identifier masked."""
    text = _EMAIL.sub(MASK, text)
    text = _PLATE.sub(MASK, text)
    text = _PASSPORT.sub(MASK, text)
    text = _BRACKETED_PHONE.sub(_long_masked, text)
    return _NUMBER.sub(MASK, text)


def _long_masked(found: re.Match[str]) -> str:
    """MASK for a bracketed phone of nine digits or more; a shorter one ("(028) 3822") is no number to hide."""
    long = sum(ch.isdigit() for ch in found.group()) >= PHONE_MIN_DIGITS
    return MASK if long else found.group()


def _outside_kept(text: str, mask: Callable[[str], str]) -> str:
    """``mask`` applied on its own to each stretch of ``text`` between the amounts and codes kept whole (``_KEPT``),
    so that a phone right before an amount is masked and the amount kept, not both read as one run of digits."""
    pieces, last = [], 0
    for kept in _KEPT.finditer(text):
        pieces += [mask(text[last : kept.start()]), kept.group()]
        last = kept.end()
    return "".join([*pieces, mask(text[last:])])
