from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chinhquyen.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from .services import dossier_event_hook_add, dossier_result_digitised

        # A result issued as a signed PDF marks the dossier digitised (số hóa), after the commit.
        dossier_event_hook_add(dossier_result_digitised)
