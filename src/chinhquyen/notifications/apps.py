from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "chinhquyen.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from chinhquyen.dossiers.services import dossier_event_hook_add
        from chinhquyen.feedback.dispatch import petition_event_hook_add

        from .hooks import dossier_event_notify, petition_event_notify

        # Every dossier transition reaches the applicant after commit, through the task queue; every
        # petition event its sender's hook, through the petition events' own outbox (ADR 0018).
        dossier_event_hook_add(dossier_event_notify)
        petition_event_hook_add(petition_event_notify)
