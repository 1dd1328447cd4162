"""Ratings of finished dossiers and petitions (phản ánh, kiến nghị) with their event log."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyen.catalog.models import Procedure
from chinhquyen.core.models import DispatchFailure
from chinhquyen.directory.models import Agency, Applicant
from chinhquyen.dossiers.models import Dossier

from .criteria import CRITERIA, MAX_POINTS, Overall, criterion

SCORE_CHOICES = [(points, str(points)) for points in range(MAX_POINTS, -1, -1)]


class RatingImmutableError(Exception):
    """Raised on any attempt to change or remove a rating once given."""


def _score(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, choices=SCORE_CHOICES)


class Rating(models.Model):
    """The applicant's rating of a returned dossier (đánh giá mức độ hài lòng), one per dossier, final.

    The nine scores follow :data:`chinhquyen.feedback.criteria.CRITERIA`; ``agency`` (the receiving
    agency) and ``procedure`` are copied from the dossier so that reports group without joins.
    """

    dossier = models.OneToOneField(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="rating")
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="ratings"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency rated"), on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total_time = _score(criterion("total_time").label)
    agency_time = _score(criterion("agency_time").label)
    contacts = _score(criterion("contacts").label)
    agencies_contacted = _score(criterion("agencies_contacted").label)
    front_desk = _score(criterion("front_desk").label)
    publicity = _score(criterion("publicity").label)
    attitude = _score(criterion("attitude").label)
    complaints = _score(criterion("complaints").label)
    online_progress = _score(criterion("online_progress").label)
    total = models.PositiveSmallIntegerField(_("total points"))
    overall = models.CharField(_("overall rating"), max_length=16, choices=Overall.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("given at"), db_index=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{c.key}__lte": MAX_POINTS}), name=f"rating_{c.key}_range"
                )
                for c in CRITERIA
            ),
            models.CheckConstraint(condition=models.Q(overall__in=Overall.values), name="rating_overall_valid"),
        ]
        indexes = [models.Index(fields=["agency", "created_at"], name="rating_agency_created")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total}/{MAX_POINTS * len(CRITERIA)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RatingImmutableError("A rating cannot be changed once given.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RatingImmutableError("A rating cannot be removed.")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Being handled")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answered and published")
    CLOSED = "closed", _("Closed")


class Petition(models.Model):
    """A report or proposal from anyone about a procedure or an agency (phản ánh, kiến nghị).

    The sender's name and contact are required (Decree 20/2008) and never published: the public reads
    only the ``published_*`` copies, made at publication with personal data masked.
    """

    code = models.CharField(_("reference code"), max_length=24, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), max_length=5000)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    about_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_about",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    sender_name = models.CharField(_("sender's name"), max_length=150)
    sender_address = models.CharField(_("sender's address"), max_length=255, blank=True)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    sender_email = models.EmailField(_("sender's e-mail"), blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED, db_index=True
    )
    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    due_at = models.DateTimeField(_("answer due at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=10000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    published_subject = models.CharField(_("published subject"), max_length=200, blank=True)
    published_content = models.TextField(_("published content"), blank=True)
    published_answer = models.TextField(_("published answer"), blank=True)
    published_search = models.TextField(_("search text"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True, max_length=2000)
    sender_satisfied = models.BooleanField(_("sender satisfied with the answer"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    # The form sent once: a digest of its one-time key and of the petition (services.petition_file_once), so that
    # the same form sent again finds this petition; empty for a petition filed without a key (the API, older).
    client_key = models.CharField(_("client key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status"], name="petition_agency_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"], condition=~models.Q(client_key=""), name="petition_client_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class PetitionEvent(models.Model):
    """One step of a petition's handling; ``note`` is internal and never published."""

    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=16, choices=PetitionStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=PetitionStatus.choices)
    note = models.TextField(_("internal note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The event table is the outbox of the petition hooks (the sender's notifications): an event is written
    # undispatched in its service's transaction, and the worker runs the hooks and sets this (dispatch.py).
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("petition event")
        verbose_name_plural = _("petition events")
        ordering = ["at", "pk"]
        indexes = [
            # Only the few events waiting for their hooks: the dispatcher's queue, kept small.
            models.Index(fields=["id"], name="petitionevent_undispatched", condition=models.Q(dispatched_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action}"


class PetitionEventDispatchFailure(DispatchFailure):
    """A petition event one of whose hooks failed: how often, why, and when the dispatcher tries it again."""

    event = models.OneToOneField(
        PetitionEvent,
        verbose_name=_("petition event"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="dispatch_failure",
    )

    class Meta:
        verbose_name = _("petition event dispatch failure")
        verbose_name_plural = _("petition event dispatch failures")
