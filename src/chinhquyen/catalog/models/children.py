"""What a procedure is made of: channels, fees, documents, results and legal basis.

Every child has a ``position`` unique within its procedure, so a re-import updates rows in place (documents
matched by name first, then position) instead of deleting rows that dossiers may point to.
"""

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..template_files import validate_template_file
from .procedure import Procedure, TimeUnit, time_limit_check


def template_path(instance: "RequiredDocument", filename: str) -> str:
    """A random name with the upload's extension: a long Vietnamese title can pass 255 bytes, which Linux refuses
    (the public download is named after the procedure anyway)."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"catalog/templates/{uuid.uuid4().hex}{suffix}"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("At the counter")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")


class Currency(models.TextChoices):
    VND = "VND", _("Vietnamese đồng")
    USD = "USD", _("US dollar")


class Registry(models.TextChoices):
    POPULATION = "population", _("Population registry")
    CIVIL_STATUS = "civil_status", _("Civil status registry")
    BUSINESS = "business", _("Business registry")
    LAND = "land", _("Land registry")
    JUDICIAL = "judicial", _("Judicial records")
    TAX = "tax", _("Tax registry")


def _position_constraint(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["procedure", "position"], name=name)


class ProcedureChannel(models.Model):
    """A way to submit (cách thức thực hiện), with its own time limit and fees."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="channels"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    time_limit_text = models.CharField(_("time limit (as published)"), max_length=255, blank=True)
    time_limit_value = models.DecimalField(_("time limit"), max_digits=10, decimal_places=2, null=True, blank=True)
    time_limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=TimeUnit.choices, blank=True)
    fees_text = models.TextField(_("fees (as published)"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["procedure", "position"]
        constraints = [_position_constraint("procedurechannel_position_unique")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.time_limit_text}".strip()

    def clean(self) -> None:
        # A dossier sent this way counts this limit instead of the procedure's (catalog.selectors).
        time_limit_check(self.time_limit_value, self.time_limit_unit)


class Fee(models.Model):
    """A fee or charge (phí, lệ phí). An empty amount means the source gave none that could be read."""

    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "position"]
        constraints = [_position_constraint("fee_position_unique")]

    def __str__(self) -> str:
        return f"{self.amount if self.amount is not None else '?'} {self.currency}".strip()


class RequiredDocument(models.Model):
    """A document the applicant submits or shows (thành phần hồ sơ)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.TextField(_("name"))
    group = models.TextField(_("group"), blank=True, help_text=_("The heading it appears under, e.g. a case."))
    originals = models.PositiveSmallIntegerField(_("originals"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("copies"), null=True, blank=True)
    template_name = models.CharField(_("form template"), max_length=255, blank=True)
    template_file = models.FileField(
        _("form template file"),
        upload_to=template_path,
        max_length=255,
        blank=True,
        validators=[validate_template_file],
        help_text=_("The blank form applicants download (PDF, Word or OpenDocument, at most 5 MB)."),
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    registry = models.CharField(
        _("registry that can supply it"),
        max_length=16,
        choices=Registry.choices,
        blank=True,
        help_text=_("When set, the e-form fetches it over the exchange bus instead of asking for it."),
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position"]
        constraints = [_position_constraint("requireddocument_position_unique")]

    def __str__(self) -> str:
        return self.name[:80]


class ProcedureResult(models.Model):
    """A result the procedure issues, with its national code (e.g. KQ.G15.000031)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="results"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.TextField(_("name"), blank=True)
    code = models.CharField(_("code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["procedure", "position"]
        constraints = [_position_constraint("procedureresult_position_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}".strip()


class LegalBasis(models.Model):
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    number = models.CharField(_("number"), max_length=100, blank=True)
    title = models.TextField(_("title"), blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["procedure", "position"]
        constraints = [_position_constraint("legalbasis_position_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:60]}".strip()
