"""Drop the cached working calendar whenever the schedule or an override changes in this process."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import DateOverride, WorkSchedule
from .selectors import calendar_reset


@receiver(post_save, sender=WorkSchedule, dispatch_uid="workcal_schedule_saved")
@receiver(post_delete, sender=WorkSchedule, dispatch_uid="workcal_schedule_deleted")
@receiver(post_save, sender=DateOverride, dispatch_uid="workcal_override_saved")
@receiver(post_delete, sender=DateOverride, dispatch_uid="workcal_override_deleted")
def calendar_changed(**kwargs: Any) -> None:
    # At once for this transaction's own reads, and again after commit: a calendar rebuilt between
    # the two would hold rows that other connections could not see yet.
    calendar_reset()
    transaction.on_commit(calendar_reset)
