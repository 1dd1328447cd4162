from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "chinhquyen.postal"
    label = "postal"
    verbose_name = _("Postal service")

    def ready(self) -> None:
        from chinhquyen.dossiers.services import dossier_event_hook_add

        from .hooks import postal_on_dossier_event

        # A dossier withdrawn, refused or stopped before the postman came for its papers: call the pickup off.
        dossier_event_hook_add(postal_on_dossier_event)
