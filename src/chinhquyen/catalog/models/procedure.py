"""Fields (lĩnh vực) and administrative procedures (thủ tục hành chính)."""

import re
from decimal import ROUND_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.text import fold
from chinhquyen.directory.models import Agency

from ..eform import EFormSchemaField, default_eform_schema, validate_eform_schema

_NOT_WORD = re.compile(r"[^\w.]+")
# One working day is eight working hours (Decree 61/2018, official tables: 30 days = 240 hours).
WORKING_HOURS_PER_DAY = Decimal(8)
# The most working hours time_limit_hours holds (max_digits=10, decimal_places=2).
MAX_TIME_LIMIT_HOURS = Decimal("99999999.99")
# The longest limit a procedure may have. The national catalogue's longest are about a year (250 working
# days, 300 days, 12 months): five years leave a wide margin, and a slip of the keys ("3000000" for "30") is
# refused here rather than at the counter, where the working calendar (it ends in 2100) could not count it.
# A year is taken as 260 working days (52 weeks of five, holidays not deducted), 366 days or 12 months.
MAX_TIME_LIMIT_YEARS = 5
MAX_WORKING_HOURS = MAX_TIME_LIMIT_YEARS * 260 * WORKING_HOURS_PER_DAY
_CENTS = Decimal("0.01")

# Level flags in the order the national portal lists them, with the source's own words.
LEVEL_FLAGS = {
    "bộ": "level_ministry",
    "tỉnh": "level_province",
    "xã": "level_commune",
    "khác": "level_other",
}
LEVEL_ALIASES = {"ministry": "bộ", "province": "tỉnh", "commune": "xã", "other": "khác"}


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")
    HOURS = "hours", _("hours")
    MONTHS = "months", _("months")
    MINUTES = "minutes", _("minutes")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")
    NONE = "none", _("Not online")


# The levels at which applicants may apply online; "none" and unknown (blank) mean at the counter only.
ONLINE_LEVELS = frozenset({OnlineLevel.FULL, OnlineLevel.PARTIAL})


def time_limit_in_working_hours(value: Decimal | None, unit: str) -> Decimal | None:
    """Return the limit in working hours, or None when it is not counted in working time.

    A limit published in hours ("3 Giờ", "24 Giờ") or minutes ("30 Phút") is in working time, as the
    official tables count them (1 working day = 8 hours); calendar days and months are not. The hours
    are rounded up to the hundredth the column stores ("20 Phút" gives 0.34), never shortening the limit.
    """
    if value is None:
        return None
    if unit == TimeUnit.WORKING_DAYS:
        hours = value * WORKING_HOURS_PER_DAY
    elif unit in (TimeUnit.WORKING_HOURS, TimeUnit.HOURS):
        hours = Decimal(value)
    elif unit == TimeUnit.MINUTES:
        hours = Decimal(value) / 60
    else:
        return None
    return hours.quantize(_CENTS, rounding=ROUND_UP)


def time_limit_check(value: Decimal | None, unit: str) -> None:
    """Refuse a limit the deadline engine cannot count: half of one (a number without a unit, at
    ``time_limit_unit``, or a unit without a number, at ``time_limit_value``), negative, or too long.

    The procedure's and each channel's limit alike (a channel's is the one a dossier sent that way counts).
    A unit the catalog does not know is the unit field's own error (its choices). Only a limit typed by a
    person passes here: the import records one it cannot read as text, and leaves the number and unit empty.
    """
    if value is not None and not unit:
        message = _(
            "Choose the unit of this time limit, or clear its number: a number without a unit sets no due date."
        )
        error = ValidationError(message, code="time_limit_unit_missing")
        raise ValidationError({"time_limit_unit": error})
    if value is None and unit:
        error = ValidationError(
            _("Enter the number of this time limit, or clear its unit."), code="time_limit_value_missing"
        )
        raise ValidationError({"time_limit_value": error})
    if value is not None and value < 0:
        error = ValidationError(_("A time limit cannot be negative."), code="time_limit_negative")
        raise ValidationError({"time_limit_value": error})
    # Refused here, not by a validator on the column: the limit depends on the unit too.
    if time_limit_too_long(value, unit):
        message = _("This time limit is too long: the platform counts limits of up to %(years)s years.")
        error = ValidationError(message, code="time_limit_too_long", params={"years": MAX_TIME_LIMIT_YEARS})
        raise ValidationError({"time_limit_value": error})


def time_limit_too_long(value: Decimal | None, unit: str) -> bool:
    """Whether the limit is longer than MAX_TIME_LIMIT_YEARS, whatever its unit."""
    if value is None:
        return False
    hours = time_limit_in_working_hours(value, unit)
    if hours is not None:
        return hours > MAX_WORKING_HOURS
    if unit == TimeUnit.DAYS:
        return value > MAX_TIME_LIMIT_YEARS * 366
    if unit == TimeUnit.MONTHS:
        return value > MAX_TIME_LIMIT_YEARS * 12
    return False


class Field(models.Model):
    """A domain of procedures (lĩnh vực), such as Hộ tịch or Đất đai."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """One administrative procedure of the national catalogue, as this province publishes it."""

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("National code, e.g. 1.001193."))
    name = models.CharField(_("name"), max_length=2000)
    name_en = models.CharField(_("name (English)"), max_length=2000, blank=True)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), null=True, blank=True, on_delete=models.PROTECT, related_name="procedures"
    )
    procedure_type = models.CharField(_("procedure type"), max_length=255, blank=True)
    level_ministry = models.BooleanField(_("ministry level"), default=False)
    level_province = models.BooleanField(_("province level"), default=False)
    level_commune = models.BooleanField(_("commune level"), default=False)
    level_other = models.BooleanField(_("other agency"), default=False)
    agency_text = models.TextField(_("implementing agency (as published)"), blank=True)
    implementing_agencies_text = models.TextField(
        _("implementing agencies (national list)"), blank=True, help_text=_("One agency per line.")
    )
    competent_authority = models.TextField(_("competent authority"), blank=True)
    issuing_ministry = models.CharField(_("issuing ministry"), max_length=255, blank=True)
    decision_no = models.CharField(_("publication decision"), max_length=100, blank=True)
    applicants_text = models.TextField(_("who may apply"), blank=True)
    reception_address = models.TextField(_("reception address"), blank=True)
    time_limit_text = models.CharField(_("time limit (as published)"), max_length=255, blank=True)
    time_limit_value = models.DecimalField(_("time limit"), max_digits=10, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=TimeUnit.choices, blank=True)
    time_limit_hours = models.DecimalField(
        _("time limit in working hours"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Computed from the time limit when it is counted in working days or hours."),
    )
    fees_text = models.TextField(_("fees (as published)"), blank=True)
    online_level = models.CharField(_("online level"), max_length=16, choices=OnlineLevel.choices, blank=True)
    is_inter_agency = models.BooleanField(_("inter-agency (liên thông)"), default=False)
    result_text = models.TextField(_("result"), blank=True)
    steps_text = models.TextField(_("steps"), blank=True)
    conditions = models.TextField(_("requirements and conditions"), blank=True)
    document_notes = models.TextField(_("notes on the documents"), blank=True)
    related_procedures_text = models.TextField(_("related procedures"), blank=True)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    eform_schema = EFormSchemaField(
        _("e-form schema"),
        default=default_eform_schema,
        validators=[validate_eform_schema],
        help_text=_(
            "JSON Schema (draft 2020-12) of the online form. The fields are shown in the order x-order lists; "
            "a field not listed comes after them, in the order written."
        ),
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("implementing agencies in this province"), blank=True, related_name="procedures"
    )
    search_text = models.TextField(_("search text"), db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        time_limit_check(self.time_limit_value, self.time_limit_unit)

    @property
    def levels(self) -> list[str]:
        """The levels in the source's words (bộ, tỉnh, xã, khác)."""
        return [level for level, flag in LEVEL_FLAGS.items() if getattr(self, flag)]

    def implementing_agencies_list(self) -> list[str]:
        """The national list of implementing agencies, one name per item."""
        return [line for line in self.implementing_agencies_text.splitlines() if line.strip()]

    def refresh_derived(self) -> None:
        """Recompute the working-hours limit and the folded search text from the other fields."""
        self.time_limit_hours = time_limit_in_working_hours(self.time_limit_value, self.time_limit_unit)
        field_name = self.field.name if self.field is not None else ""
        self.search_text = procedure_search_text(name=self.name, code=self.code, field_name=field_name)


def search_words(value: str) -> list[str]:
    """Folded words: "Cấp lại (cấp Tỉnh)" -> ["cap", "lai", "cap", "tinh"]; dots stay, for codes."""
    return _NOT_WORD.sub(" ", fold(value)).split()


def procedure_search_text(*, name: str, code: str, field_name: str) -> str:
    """Folded words of the name, then the code and the field.

    The name comes first, so "starts with the query" means "the name starts with it".
    """
    return " ".join([*search_words(name), code.lower(), *search_words(field_name)])
