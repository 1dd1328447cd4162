"""Template filters for amounts of money, written as everywhere else on the site (``core.text.amount_text``)."""

from decimal import Decimal

from django import template
from django.utils.formats import get_format

from chinhquyen.core.text import amount_text

register = template.Library()


@register.filter
def amount(value: Decimal | int | None, currency: str = "") -> str:
    """``{{ fee.amount|amount:fee.currency }}``: "800.000 VND" in Vietnamese, "800,000 VND" in English.

    Vietnamese formats do not group thousands, so ``floatformat`` would write "800000". No currency means VND;
    a dollar amount with cents keeps them ("1,200.50 USD"), which ``amount_text`` (whole đồng) would round off.
    """
    if value is None or value == "":
        return ""
    number = Decimal(value)
    currency = currency or "VND"
    if number == number.to_integral_value():
        return amount_text(number, currency)
    whole, cents = f"{number:.2f}".split(".")
    grouped = amount_text(Decimal(whole), currency).removesuffix(f" {currency}")
    return f"{grouped}{get_format('DECIMAL_SEPARATOR')}{cents} {currency}"
