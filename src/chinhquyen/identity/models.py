"""How an applicant's account proves who it is: the national identity (VNeID) or a local account.

An account signed in through the national identity has a :class:`VerifiedIdentity`; an account made
on the portal with an e-mail address or phone number has a :class:`LocalAccount`, active only once a
one-time code (:class:`OneTimeCode`) sent there was typed back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VerifiedIdentity(models.Model):
    """The identity provider's last word on an account (định danh điện tử đã xác thực)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="verified_identity"
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("subject identifier"), max_length=255)
    # The claims of the last sign-in, normalised (see claims.py): contact details the applicant changed
    # on the portal since then are kept rather than overwritten at the next sign-in.
    claims = models.JSONField(_("last claims"), default=dict)
    first_verified_at = models.DateTimeField(_("first verified at"))
    last_verified_at = models.DateTimeField(_("last verified at"))

    class Meta:
        verbose_name = _("verified identity")
        verbose_name_plural = _("verified identities")
        indexes = [models.Index(fields=["issuer", "subject"], name="verifiedidentity_subject")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.issuer}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class LocalAccount(models.Model):
    """An account made on the portal: the sign-in name is an e-mail address or a mobile number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="local_account"
    )
    login = models.CharField(_("e-mail or phone"), max_length=254, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # What the applicant typed at sign-up; the applicant record is created from it once verified.
    pending_profile = models.JSONField(_("profile awaiting verification"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("local account")
        verbose_name_plural = _("local accounts")

    def __str__(self) -> str:
        return self.login

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OneTimeCode(models.Model):
    """A six-digit code sent to a local account's address; only its salted HMAC is stored.

    A sign-up on the address of an account that signs in only through the national identity has no local
    account to hold its (void) codes: they are held by the address, ``login``, instead (``services/local.py``).
    """

    account = models.ForeignKey(
        LocalAccount,
        verbose_name=_("local account"),
        on_delete=models.CASCADE,
        related_name="codes",
        null=True,
        blank=True,
    )
    login = models.CharField(_("e-mail or phone"), max_length=254, blank=True, default="")
    salt = models.CharField(_("salt"), max_length=32)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["login"], condition=models.Q(account__isnull=True), name="onetimecode_held_login"),
            # The daily sweep deletes by age (identity.services.sweep): without it, a scan of every code.
            models.Index(fields=["created_at"], name="onetimecode_created"),
        ]
        constraints = [
            # Held by a local account, or else by an address: never by neither.
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | ~models.Q(login=""), name="onetimecode_holder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.created_at:%Y-%m-%d %H:%M}"
