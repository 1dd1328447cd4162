from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chinhquyen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the system checks)
        from .dbtypes import timestamptz_loader_register

        connection_created.connect(timestamptz_loader_register, dispatch_uid="core.timestamptz_loader")
