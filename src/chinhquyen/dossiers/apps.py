from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chinhquyen.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from chinhquyen.core.anchor_stamps import anchor_stamper_register

        from . import checks, receivers  # noqa: F401  (checks: registers the system checks)
        from .anchor_stamps import TsaAnchorStamper

        anchor_stamper_register(TsaAnchorStamper())
        receivers.connect()  # an officer who leaves gives back the steps they hold
