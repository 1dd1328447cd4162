"""The dossier (hồ sơ) and its per-agency daily code sequence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.catalog.models import Procedure
from chinhquyen.directory.models import Agency, Applicant


class DossierStatus(models.IntegerChoices):
    """The canonical status codes of the national portal (spec §1), plus an internal draft."""

    DRAFT = 0, _("Draft")
    SUBMITTED = 1, _("Submitted (Mới đăng ký)")
    RECEIVED = 2, _("Received (Được tiếp nhận)")
    REFUSED = 3, _("Refused (Không được tiếp nhận)")
    PROCESSING = 4, _("Processing (Đang xử lý)")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested (Yêu cầu bổ sung)")
    PAYMENT_REQUIRED = 6, _("Payment required (Yêu cầu thực hiện nghĩa vụ tài chính)")
    WITHDRAWN = 7, _("Withdrawn (Rút hồ sơ)")
    STOPPED = 8, _("Stopped (Dừng xử lý)")
    RESOLVED = 9, _("Resolved (Đã xử lý xong)")
    RETURNED = 10, _("Returned (Đã trả kết quả)")


class Channel(models.IntegerChoices):
    """KenhThucHien of the national portal."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("By post")


class Substatus(models.TextChoices):
    """Internal sub-states of the spec (§1) that the canonical status does not tell."""

    NONE = "", _("None")
    SUPPLEMENT_BY_FRONT_DESK = "supplement_front_desk", _("Supplement requested by the front desk")
    SUPPLEMENT_BY_PROCESSOR = "supplement_processor", _("Supplement requested by the processor")
    SUPPLEMENT_SUPPLIED = "supplement_supplied", _("Applicant has supplied the documents")
    SUPPLEMENT_ACCEPTED = "supplement_accepted", _("Supplied documents accepted")
    # An online application whose paper documents the postal service collects (thu gom hồ sơ qua bưu chính).
    PICKUP_REQUESTED = "pickup_requested", _("Paper documents to be collected by post")
    PICKUP_ARRIVED = "pickup_arrived", _("Paper documents arrived by post")
    RESULT_READY = "result_ready", _("Result ready to hand over")
    # Sent by post: returned (status 10) when handed to the postal partner, delivered when it confirms.
    RESULT_AWAITING_CONFIRMATION = "result_awaiting_confirmation", _("Result sent, awaiting confirmation of delivery")
    RESULT_HANDED_OVER = "result_handed_over", _("Result handed over")


class Digitisation(models.TextChoices):
    """Số hóa (Decree 107/2021): whether the dossier's components and result are kept as reusable data."""

    NONE = "", _("Not digitised")
    DIGITISED = "digitised", _("Digitised")
    COMPONENTS_REUSED = "components_reused", _("Components reused from digitised data")
    RESULT_REUSED = "result_reused", _("Result reused from digitised data")


class Outcome(models.TextChoices):
    """Early / on time / late (trước hạn, đúng hạn, quá hạn), for a step or the whole dossier."""

    NONE = "", _("Not known")
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ReturnMethod(models.TextChoices):
    NONE = "", _("Not returned")
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online (download)")
    POSTAL = "postal", _("By post")


OPEN_STATUSES = frozenset(
    {
        DossierStatus.DRAFT,
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PAYMENT_REQUIRED,
        DossierStatus.RESOLVED,
    }
)

# Closed before the agency had the applicant's paper documents in hand: a pickup by post not made yet is called off.
PAPERS_UNNEEDED_STATUSES = frozenset({DossierStatus.WITHDRAWN, DossierStatus.REFUSED, DossierStatus.STOPPED})


class Dossier(models.Model):
    """One application for one procedure, from the counter (or online) to the returned result."""

    # Exact lookups use the unique constraint's index; no second index on the hot, non-HOT-updated row.
    code = models.CharField(_("dossier code"), max_length=48, blank=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant_snapshot = models.JSONField(_("applicant as submitted"), default=dict, blank=True)
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices, default=Channel.COUNTER)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=DossierStatus.choices, default=DossierStatus.DRAFT, db_index=True
    )
    substatus = models.CharField(_("sub-status"), max_length=32, choices=Substatus.choices, blank=True)
    digitisation = models.CharField(_("digitisation"), max_length=20, choices=Digitisation.choices, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    # Set by the applicant's browser when an online draft is started, so a double click opens one draft.
    client_key = models.CharField(_("client key"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("original due at"), null=True, blank=True)
    # The limit that gave the due date: the channel's own when the catalog publishes one, printed on the receipt.
    time_limit_text = models.CharField(_("time limit applied"), max_length=255, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    paused_status = models.PositiveSmallIntegerField(
        _("status before the pause"), choices=DossierStatus.choices, null=True, blank=True
    )
    front_desk_supplement_used = models.BooleanField(_("front-desk supplement request used"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    extended_at = models.DateTimeField(_("due date extended at"), null=True, blank=True)
    active_step = models.ForeignKey(
        "DossierStep",
        verbose_name=_("active step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the result was issued (status 9): the outcome is judged by it, not by the hand-over.
    resolved_at = models.DateTimeField(_("resolved at (ngày có kết quả)"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_method = models.CharField(_("return method"), max_length=16, choices=ReturnMethod.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    lookup_secret = models.CharField(_("lookup secret"), max_length=32, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="dossier_code_unique"),
            models.UniqueConstraint(
                fields=["applicant", "client_key"], condition=~models.Q(client_key=""), name="dossier_client_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def is_online_draft(self) -> bool:
        """An application the applicant is still filling in on the portal: no official sees it yet."""
        return self.status == DossierStatus.DRAFT and self.channel == Channel.ONLINE


class DossierCodeSequence(models.Model):
    """The last number given to a dossier received by ``agency`` on ``day`` (Vietnam time)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("dossier code sequence")
        verbose_name_plural = _("dossier code sequences")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossiercodesequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"
