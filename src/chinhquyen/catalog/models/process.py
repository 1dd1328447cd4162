"""The internal process of a procedure: who does what, with what share of the time limit."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.models import Agency, Role

from .procedure import Procedure


class ProcessTemplate(models.Model):
    """The steps a dossier of this procedure goes through; their shares add up to the time limit."""

    procedure = models.OneToOneField(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="process_template"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("process template")
        verbose_name_plural = _("process templates")
        ordering = ["procedure__code"]

    def __str__(self) -> str:
        return str(self.procedure)


class ProcessStep(models.Model):
    """One step: a role in an agency (empty agency: the receiving agency) and its working hours."""

    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("process template"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
        help_text=_("Leave empty for the agency that received the dossier."),
    )
    share_hours = models.DecimalField(
        _("share of the time limit (working hours)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="processstep_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
