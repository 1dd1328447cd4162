"""Notifications to applicants and petition senders, one row per event and channel (the delivery log), and the
SMS simulator."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.dossiers.models import Dossier, DossierEvent
from chinhquyen.feedback.models import PetitionEvent


class Kind(models.TextChoices):
    """What happened to the dossier or the petition, as the applicant or sender is told (one template set each)."""

    SUBMITTED = "submitted", _("Submitted online")
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_ACCEPTED = "supplement_accepted", _("Supplement accepted and new due date")
    PAYMENT_REQUIRED = "payment_required", _("Payment required")
    PAYMENT_CONFIRMED = "payment_confirmed", _("Payment confirmed")
    APOLOGY = "apology", _("Apology and new due date")
    # The working calendar changed (a day off declared, a make-up working day, new hours): the due date moved.
    DUE_DATE_MOVED = "due_date_moved", _("Due date moved by the working calendar")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result handed over")
    # Sent by post but brought back or its order cancelled: the result waits at the front desk again.
    RESULT_BACK = "result_back", _("Result back at the agency")
    PICKUP_FAILED = "pickup_failed", _("Paper documents not collected by post")
    # A merger of agencies: another agency now receives the dossier (papers and the result go through its counter).
    RECEIVING_AGENCY_CHANGED = "receiving_agency_changed", _("Receiving agency changed by a merger")
    REFUSED = "refused", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")
    PETITION_ANSWERED = "petition_answered", _("Petition answered")
    PETITION_CLOSED = "petition_closed", _("Petition closed")
    PETITION_PUBLISHED = "petition_published", _("Petition answer published")
    # Withdrawn from the portal: an anonymous sender's link to the answer shows it no more.
    PETITION_UNPUBLISHED = "petition_unpublished", _("Petition answer withdrawn from the portal")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Notification(models.Model):
    """One message about one event, through one channel: a dossier event to its applicant (``dossier`` and
    ``event`` set), or a petition event to the petition's sender (``petition_event`` set).

    A channel without an address (or SMS switched off) gets a row in the state ``skipped`` with the
    reason in ``last_error``, so the delivery log tells why the applicant heard nothing.
    """

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        DossierEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    petition_event = models.ForeignKey(
        PetitionEvent,
        verbose_name=_("petition event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=100, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # How many times an administrator resent it: part of the SMS gateway's idempotency key, so a resend is a
    # new message there while the retries of one send stay the same one.
    resends = models.PositiveSmallIntegerField(_("resends"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The dossier hook may run twice for one event: the second run finds the rows and stops.
            models.UniqueConstraint(fields=["event", "channel"], name="notification_event_channel_unique"),
            # So may the petition hook (NULLs are distinct: each constraint binds only its own rows).
            models.UniqueConstraint(
                fields=["petition_event", "channel"], name="notification_petition_event_channel_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(dossier__isnull=False, event__isnull=False, petition_event__isnull=True)
                | models.Q(dossier__isnull=True, event__isnull=True, petition_event__isnull=False),
                name="notification_one_event",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_state_idx")]

    def __str__(self) -> str:
        about = self.dossier_id if self.dossier_id is not None else f"petition event {self.petition_event_id}"
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {about}"


class Preference(models.Model):
    """An applicant account's preferred language for notifications (Vietnamese when absent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(_("language"), max_length=8)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.language}"


class SimulatedSms(models.Model):
    """A message "sent" through the local SMS simulator (development and tests only)."""

    phone = models.CharField(_("phone"), max_length=20)
    message = models.TextField(_("message"))
    brandname = models.CharField(_("brandname"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("simulated SMS")
        verbose_name_plural = _("simulated SMS")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.message[:40]}"
