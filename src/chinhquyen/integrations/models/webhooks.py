"""Webhook subscriptions of systems and the log of every delivery attempt."""

import uuid
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.crypto import EncryptedTextField

from .credentials import System


class WebhookSubscription(models.Model):
    """A system's endpoint for dossier events, with the secret deliveries are signed with."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("URL"), max_length=500)
    # Signing needs the secret itself, so it is encrypted (FIELD_ENCRYPTION_KEY), not hashed. It is shown to
    # the system once, when it subscribes; the admin never shows it.
    secret = EncryptedTextField(_("signing secret"), editable=False)
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Empty: every dossier event."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["system", "pk"]

    def __str__(self) -> str:
        return f"{self.system} → {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (no more retries)")


class WebhookDelivery(models.Model):
    """One event for one subscription: its payload (fixed at creation), attempts and outcome."""

    id = models.UUIDField(_("delivery id"), primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(_("event type"), max_length=60)
    dossier_id = models.BigIntegerField(_("dossier id"))
    dossier_event_id = models.BigIntegerField(_("dossier event id"))
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            # A hook run twice for the same event creates no second delivery.
            models.UniqueConstraint(
                fields=["subscription", "dossier_event_id"], name="webhookdelivery_subscription_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.get_state_display()})"


class WebhookAttemptQuerySet(models.QuerySet["WebhookAttempt"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ValueError("A webhook attempt is never changed once written.")


class WebhookAttempt(models.Model):
    """One attempt to send a delivery and its outcome (lần gửi), written once when the outcome is known."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))

    objects = WebhookAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Evidence of what the receiver answered: written once, never rewritten.
        if not self._state.adding:
            raise ValueError("A webhook attempt is never changed once written.")
        super().save(*args, **kwargs)
