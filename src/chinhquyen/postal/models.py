"""Shipments handed to the postal partner, and the local simulator's own orders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from chinhquyen.dossiers.models import Dossier


class OrderState(models.TextChoices):
    """The state of a delivery order at the partner (trạng thái bưu gửi)."""

    CREATED = "created", _("Order created")
    PICKED_UP = "picked_up", _("Picked up by the postal service")
    DELIVERED = "delivered", _("Delivered")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to the sender")
    CANCELLED = "cancelled", _("Cancelled")


# States after which the partner changes nothing more: tracking stops.
FINAL_STATES = frozenset({OrderState.DELIVERED, OrderState.RETURNED_TO_SENDER, OrderState.CANCELLED})


class Direction(models.TextChoices):
    RESULT_DELIVERY = "result_delivery", _("Result delivered to the applicant")
    DOSSIER_PICKUP = "dossier_pickup", _("Dossier picked up from the applicant")


class PostalShipment(models.Model):
    """One order placed with the postal partner for a dossier (Decision 45/2016).

    The agency's side of an order is the dossier's receiving agency; the ``receiver_*`` fields hold the
    applicant's side: who receives a result delivered, or where a dossier pickup is collected.
    """

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="postal_shipments"
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    order_number = models.CharField(_("partner order number"), max_length=40, unique=True)
    item_code = models.CharField(_("item code"), max_length=20, db_index=True)
    receiver_name = models.CharField(_("receiver"), max_length=255)
    receiver_phone = models.CharField(_("receiver phone"), max_length=20)
    receiver_address = models.CharField(_("receiver address"), max_length=255)
    receiver_division_code = models.CharField(_("receiver commune code"), max_length=5)
    receiver_province_code = models.CharField(_("receiver province code"), max_length=2)
    description = models.CharField(_("item description"), max_length=255)
    cod_amount = models.PositiveBigIntegerField(_("amount collected on delivery (VND)"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.CREATED)
    # The partner's tracking events as last read: [{"state": ..., "at": ISO 8601, "note": ...}, ...]
    events = models.JSONField(_("tracking events"), default=list, blank=True)
    # A result is handed over when ordered; a pickup when the postal service collects it (empty until then).
    handed_over_at = models.DateTimeField(_("handed to the postal service at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    tracked_at = models.DateTimeField(_("tracking last read at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("postal shipment")
        verbose_name_plural = _("postal shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state"], name="postalshipment_state_idx")]

    def __str__(self) -> str:
        return f"{self.item_code} · {self.get_state_display()}"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def receiver_place(self) -> str:
        """The receiver's commune and province by name ("Xã Gia Viễn, Ninh Bình"), or the codes."""
        try:
            ward = Ward.from_code(WardCode(int(self.receiver_division_code)))
            province = Province.from_code(ProvinceCode(int(ward.province_code)))
        except ValueError:
            return f"{self.receiver_division_code}, {self.receiver_province_code}"
        return f"{ward.name}, {province.name}"


class SimulatedPostalOrder(models.Model):
    """An order as the local postal simulator keeps it (development and tests; never in production)."""

    serial = models.PositiveIntegerField(_("serial number"), unique=True)
    order_number = models.CharField(_("order number"), max_length=40, unique=True)
    item_code = models.CharField(_("item code"), max_length=20, unique=True)
    customer_code = models.CharField(_("customer code"), max_length=40)
    reference = models.CharField(_("customer reference"), max_length=64, db_index=True)
    payload = models.JSONField(_("order as received"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default=OrderState.CREATED)
    events = models.JSONField(_("tracking events"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("simulated postal order")
        verbose_name_plural = _("simulated postal orders")
        ordering = ["-serial"]

    def __str__(self) -> str:
        return f"{self.order_number} · {self.item_code}"
