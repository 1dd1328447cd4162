from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "chinhquyen.catalog"
    label = "catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
