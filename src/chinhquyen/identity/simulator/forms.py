"""The simulator's form for typing any identity (a person, optionally acting for an organisation)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import DayFirstDateField
from chinhquyen.directory.validators import validate_personal_id, validate_tax_code

from ..claims import phone_normalise
from .identities import Person


class PersonForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Full name"), max_length=255)
    birthdate = DayFirstDateField(label=_("Birth date"))  # typed dd/mm/yyyy, as on the portal, or picked
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    tax_code = forms.CharField(label=_("Tax code of the organisation"), max_length=14, required=False)
    organisation_name = forms.CharField(label=_("Name of the organisation"), max_length=255, required=False)

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        if value and not phone_normalise(value):
            raise ValidationError(_("Enter a Vietnamese mobile number such as 0912345678."))
        return phone_normalise(value)

    def clean_tax_code(self) -> str:
        value: str = self.cleaned_data["tax_code"].strip()
        if value:
            validate_tax_code(value)
        return value

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        personal_id, birthdate = data.get("personal_id"), data.get("birthdate")
        if personal_id:
            try:
                validate_personal_id(personal_id, birthdate)
            except ValidationError as exc:
                self.add_error("personal_id", exc)
        if data.get("tax_code") and not data.get("organisation_name"):
            self.add_error("organisation_name", _("Enter the organisation's name, or leave the tax code empty."))
        return data

    def person(self) -> Person:
        data = self.cleaned_data
        return Person(
            key="",
            personal_id=data["personal_id"],
            name=data["name"],
            birthdate=data["birthdate"].isoformat(),
            phone=data["phone"],
            email=data["email"],
            tax_code=data["tax_code"],
            organisation_name=data["organisation_name"] if data["tax_code"] else "",
        )
