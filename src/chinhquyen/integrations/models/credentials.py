"""Who calls the API: outside systems with scoped keys, officers with personal tokens.

Secrets are never stored: a credential keeps a short public ``prefix`` (to find the row and to show
in lists) and the SHA-256 of the whole secret. The secret is random (256 bits), so a fast hash is
enough; it is shown once, when issued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a system's key may do; the system's account roles decide on which dossiers."""

    CATALOG_READ = "catalog:read", _("Read the catalog and the directory")
    DOSSIERS_READ = "dossiers:read", _("Read dossiers and their timelines")
    DOSSIERS_SUBMIT = "dossiers:submit", _("Submit dossiers and add documents")
    DOSSIERS_ACT = "dossiers:act", _("Take officers' actions on dossiers")
    WEBHOOKS = "webhooks:manage", _("Manage webhook subscriptions")
    PETITIONS_ANSWER = "petitions:answer", _("Answer petitions")


class System(models.Model):
    """An outside system (mobile app, national portal, a commune's software) that calls the API.

    It acts through its own service ``account``: the staff roles given to that account decide which
    dossiers it sees and which actions it may take, by the same rules as for officers.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="integration_system",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        blank=True,
        related_name="managed_systems",
        help_text=_("Staff who see this system's webhook deliveries in the admin and may replay them."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integrated system")
        verbose_name_plural = _("integrated systems")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """A hashed bearer secret: found by ``prefix``, checked against ``secret_hash``."""

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("SHA-256 of the secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiKey(Credential):
    """A system's API key (khóa API) with the scopes it grants."""

    system = models.ForeignKey(System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="keys")
    scopes = models.JSONField(_("scopes"), default=list, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["system", "-created_at"]


class OfficerToken(Credential):
    """An officer's personal API token: it acts as the officer, with the roles they hold at each call."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="api_tokens"
    )

    class Meta:
        verbose_name = _("officer API token")
        verbose_name_plural = _("officer API tokens")
        ordering = ["user", "-created_at"]
