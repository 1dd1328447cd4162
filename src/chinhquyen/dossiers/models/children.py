"""What hangs off a dossier: its timeline, its steps (luân chuyển), documents and apology letters."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chinhquyen.catalog.models import RequiredDocument
from chinhquyen.core.models import DispatchFailure
from chinhquyen.directory.models import Agency, Role

from .dossier import Dossier, DossierStatus, Outcome

# The longest reason, note or question an officer writes on an event (the office's forms and the API
# refuse more): the slips and letters print it whole.
EVENT_TEXT_MAX = 4000


class DossierEvent(models.Model):
    """One transition of a dossier (one line of its timeline)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.PositiveSmallIntegerField(_("from status"), choices=DossierStatus.choices, null=True)
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=DossierStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    internal = models.BooleanField(_("internal"), default=False, help_text=_("Hidden from the applicant."))
    # The event table is the outbox of the event hooks (notifications, webhooks): an event is written
    # undispatched in its transition's transaction, and the worker runs the hooks and sets this.
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "pk"]
        indexes = [
            # Only the few events waiting for their hooks: the dispatcher's queue, kept small.
            models.Index(fields=["id"], name="dossierevent_undispatched", condition=models.Q(dispatched_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class EventDispatchFailure(DispatchFailure):
    """An event one of whose hooks failed: how often, why, and when the dispatcher tries it again."""

    event = models.OneToOneField(
        DossierEvent,
        verbose_name=_("event"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="dispatch_failure",
    )

    class Meta:
        verbose_name = _("event dispatch failure")
        verbose_name_plural = _("event dispatch failures")


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DONE = "done", _("Done")


class DossierStep(models.Model):
    """One hand-off of the process: a role in an agency, with its own due instant and outcome."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps")
    # Not unique: a consultation inserts steps by shifting the later ones, which a unique index would
    # refuse mid-update on PostgreSQL.
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    share_hours = models.DecimalField(_("share (working hours)"), max_digits=8, decimal_places=2, default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=StepState.choices, default=StepState.PENDING)
    # Another agency's opinion asked for (xin ý kiến): it answers, the lead agency decides the rest.
    consultation = models.BooleanField(_("consultation of another agency"), default=False)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "order"]
        indexes = [models.Index(fields=["agency", "role", "state"], name="dossierstep_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DocumentKind(models.TextChoices):
    COMPONENT = "component", _("Dossier component")
    SCAN = "scan", _("Scan")
    RESULT = "result", _("Result")
    SLIP = "slip", _("Slip")
    LETTER = "letter", _("Letter")


# What the applicant hands in (thành phần hồ sơ): the components, and the scans made of them at the counter.
HANDED_IN_KINDS = (DocumentKind.COMPONENT, DocumentKind.SCAN)


def document_path(instance: "DossierDocument", filename: str) -> str:
    """Store under the dossier, with a random name: the uploaded name is kept in ``name`` only."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}{suffix}"


class DossierDocument(models.Model):
    """A file of the dossier: a component, a scan, the result, a slip or a letter."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.COMPONENT)
    required_document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=255)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    received = models.BooleanField(_("received at the counter"), default=False)
    signed = models.BooleanField(_("digitally signed"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class LetterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    # Never sent, and never to be: too late to send, or not to be sent at all (kept as a record).
    WITHDRAWN = "withdrawn", pgettext_lazy("apology letter", "Withdrawn")


class ApologyLetter(models.Model):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (form 04) from the agency at fault."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="apology_letters"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency at fault"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for the delay"))
    old_due_at = models.DateTimeField(_("due date before the extension"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("new due date"))
    state = models.CharField(_("state"), max_length=16, choices=LetterState.choices, default=LetterState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_state_display()}"
