"""A tracking register (form 07) typeset in the background: too long a period to typeset while the officer waits."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.directory.models import Agency


class RegisterExportState(models.TextChoices):
    QUEUED = "queued", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def register_export_path(instance: "RegisterExport", filename: str) -> str:
    """Store under the agency, with a random name: the download names the file after the agency and the period."""
    return f"registers/{instance.agency_id}/{uuid.uuid4().hex}.pdf"


class RegisterExport(models.Model):
    """The tracking register of ``agency`` over a period, asked for by ``requested_by`` and typeset by a task.

    ``error`` is the stable code of a failure (``not_allowed``: the officer no longer holds a role in the agency;
    ``render_failed``: the PDF could not be made, the cause is logged).
    """

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField(_("first day"))
    date_to = models.DateField(_("last day"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RegisterExportState.choices, default=RegisterExportState.QUEUED
    )
    file = models.FileField(_("file"), upload_to=register_export_path, max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("dossiers listed"), default=0)
    error = models.CharField(_("error"), max_length=64, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # Set when a run of the task takes the export; another run may take it over only after a lease (a worker that died).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="registerexport_mine_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.date_from}–{self.date_to} ({self.state})"
