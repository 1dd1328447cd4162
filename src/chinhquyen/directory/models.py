"""Agencies (cơ quan), staff and their roles, applicants (người nộp hồ sơ)."""

import re
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Ward, WardCode

from chinhquyen.core.text import clean as clean_text
from chinhquyen.core.text import fold

from .validators import validate_agency_code, validate_birth_date, validate_personal_id, validate_tax_code


class User(AbstractUser):
    """An account: an official (with roles in agencies) or an applicant signing in."""

    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Accounts are found by e-mail in any letter case (email__iexact: UPPER("email") on PostgreSQL).
        indexes = [models.Index(Upper("email"), name="user_email_upper")]

    def get_full_name(self) -> str:
        """The name in Vietnamese order: family and middle names (``last_name``) before the given name."""
        return f"{self.last_name} {self.first_name}".strip()


class AgencyKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Unit")
    SERVICE_CENTRE = "service_centre", _("Public administrative service centre")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")


def _is_commune(code: str) -> bool:
    """Whether ``code`` is a commune or ward of the 2025 divisions (5 digits)."""
    if len(code) != 5 or not code.isdigit():
        return False
    try:
        Ward.from_code(WardCode(int(code)))
    except ValueError:
        return False
    return True


class Agency(models.Model):
    """A state agency (cơ quan, đơn vị) in the province's tree."""

    code = models.CharField(_("agency identifier code"), max_length=20, unique=True, validators=[validate_agency_code])
    name = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(
        _("administrative division code"),
        max_length=5,
        blank=True,
        help_text=_("Province (2 digits) or commune (5 digits)."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # The post office needs the commune of the address (results sent by post, papers collected by post); a
    # province-level agency's division code does not say it.
    address_division_code = models.CharField(
        _("commune of the address"),
        max_length=5,
        blank=True,
        help_text=_("The commune or ward (5 digits, 2025 divisions) the office's address is in."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services import agency_check_parent, division_check_code

        if self.parent is not None:
            agency_check_parent(agency=self, parent=self.parent)
        if self.division_code:
            division_check_code(code=self.division_code)
        if self.address_division_code and not _is_commune(self.address_division_code):
            message = _("%(code)s is not a commune code of the 2025 divisions (5 digits).")
            raise ValidationError({"address_division_code": message % {"code": self.address_division_code}})

    def ancestors(self) -> list["Agency"]:
        """Return the chain of parents, nearest first."""
        chain: list[Agency] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front-desk officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    SUPERVISOR = "supervisor", _("Supervisor")


class StaffRoleQuerySet(models.QuerySet["StaffRole"]):
    def in_force(self) -> "StaffRoleQuerySet":
        """The roles that grant something: held in an active agency.

        An agency dissolved or merged into another is made inactive, and its officials' roles in it grant
        nothing, anywhere: every read that decides access or who may be assigned starts here (the raw-SQL
        reads use ``directory.selectors.roles_in_force_sql``). The admin still lists every role, for removing them.
        """
        return self.filter(agency__is_active=True)


class StaffRole(models.Model):
    """A role an official holds in an agency (one row per user, agency and role)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_roles")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=120, blank=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="staffrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency.code}"


class ApplicantKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    ORGANISATION = "organisation", _("Organisation")


class Applicant(models.Model):
    """A citizen (công dân) or organisation (tổ chức) that submits dossiers."""

    kind = models.CharField(_("kind"), max_length=16, choices=ApplicantKind.choices)
    user = models.OneToOneField(
        User, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="applicant"
    )
    name = models.CharField(_("full name or organisation name"), max_length=255)
    personal_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    representative = models.CharField(_("legal representative"), max_length=255, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    division_code = models.CharField(_("administrative division code"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The name's words folded (lower case, no diacritics: "Đặng Thị Hồng" -> "dang thi hong"), kept by save()
    # for the office search, which matches it word by word (name_search_words).
    search_name = models.CharField(_("name for search"), max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        # The code "unique" puts the message at the field (Model.validate_constraints), where the officer typed it.
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~models.Q(personal_id=""),
                name="applicant_personal_id_unique",
                violation_error_code="unique",
                violation_error_message=_("An applicant with this ID number is already registered: search for them."),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~models.Q(tax_code=""),
                name="applicant_tax_code_unique",
                violation_error_code="unique",
                violation_error_message=_("An organisation with this tax code is already registered: search for it."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, with ``search_name`` following the name (also when only ``update_fields`` are saved)."""
        self.search_name = " ".join(name_search_words(self.name))[:255]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields and "search_name" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_name"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        try:
            validate_birth_date(self.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc
        if self.kind == ApplicantKind.CITIZEN:
            if not self.personal_id:
                errors["personal_id"] = ValidationError(_("A citizen needs a personal identification number."))
            else:
                try:
                    # A birth date to come is told at its own field, not a second time at the number's.
                    validate_personal_id(self.personal_id, None if "birth_date" in errors else self.birth_date)
                except ValidationError as exc:
                    errors["personal_id"] = exc
        elif self.kind == ApplicantKind.ORGANISATION:
            if not self.tax_code:
                errors["tax_code"] = ValidationError(_("An organisation needs a tax code."))
            else:
                try:
                    validate_tax_code(self.tax_code)
                except ValidationError as exc:
                    errors["tax_code"] = exc
        if errors:
            raise ValidationError(errors)


_NOT_WORD = re.compile(r"[\W_]+")


def name_search_words(value: str) -> list[str]:
    """A name's words as ``Applicant.search_name`` keeps them: "ĐẶNG  Thị-Hồng" -> ["dang", "thi", "hong"]."""
    return _NOT_WORD.sub(" ", fold(clean_text(value))).split()
