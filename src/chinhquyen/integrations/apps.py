from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "chinhquyen.integrations"
    label = "integrations"
    verbose_name = _("Integrations (API keys and webhooks)")

    def ready(self) -> None:
        from chinhquyen.dossiers.services import dossier_event_hook_add

        from .services.webhooks import webhooks_on_dossier_event

        # Every dossier transition, after its commit, becomes a signed delivery to each subscriber.
        dossier_event_hook_add(webhooks_on_dossier_event)
