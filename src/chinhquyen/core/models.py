"""The audit log: an append-only, hash-chained record of changes (see :mod:`chinhquyen.core.audit`); and the
fields every outbox's failures model shares (:mod:`chinhquyen.core.outbox`)."""

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditImmutableError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # Bulk writes would bypass the model's guard. Django's own deletion collector (SET_NULL on the
    # actor when a user is deleted) goes through the plain base manager, so it still works.
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One link of the chain: ``hash`` covers every field below and the previous entry's hash."""

    sequence = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"))
    # The link may be cleared when the user is deleted; the hash covers ``actor_name`` only.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target = models.CharField(_("target"), max_length=255, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target", "sequence"], name="auditentry_target")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit entries cannot be deleted.")


class AuditChainHead(models.Model):
    """A single row holding the chain's tip; writers lock it so that no two entries share a parent."""

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # The last entry's parent: the appending UPDATE copies last_hash here before replacing it, so that
    # one statement moves the head and returns both ends of the new link (see audit_record).
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


# Connect the permission-change signals when the app registry imports the models (core's AppConfig
# has no ready() hook of its own); the import sits here because audit imports the models above.
from . import audit  # noqa: E402

audit.connect_permission_signals()


class DispatchFailure(models.Model):
    """An outbox event one of whose hooks failed: how often, why, and when the dispatcher tries it again.

    Each outbox's concrete model adds ``event``, a one-to-one primary key to its event model
    (related name ``dispatch_failure``), and its own names.
    """

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.event_id} ({self.attempts})"  # type: ignore[attr-defined]
