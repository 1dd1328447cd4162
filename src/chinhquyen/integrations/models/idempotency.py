"""Idempotency records: the first response to a POST, replayed for a retry with the same key."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one caller: the request's digest and the response given to it.

    Kept 24 hours (``IDEMPOTENCY_TTL``); a row without ``status_code`` belongs to a request still
    running (its transaction holds the row, so a concurrent duplicate waits for it).
    """

    caller = models.CharField(_("caller"), max_length=64)
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request digest"), max_length=64)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotencyrecord_caller_key_unique")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
