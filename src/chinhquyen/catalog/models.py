"""Administrative procedures (thủ tục hành chính)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.Model):
    """Placeholder; the catalog issue fills this in."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.TextField(_("name"))
