"""Forms of the portal's account pages: local sign-in, sign-up, the one-time code, contact details."""

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import DayFirstDateField


class SignInForm(forms.Form):
    login = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    personal_id = forms.CharField(
        label=_("Personal identification number"),
        help_text=_("The 12 digits on your chip-based citizen identity card."),
        max_length=24,  # typed in groups ("037 199 001 111"): kept as the 12 digits (local_signup_start)
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = DayFirstDateField(label=_("Birth date"), attrs={"autocomplete": "bday"})
    login = forms.CharField(
        label=_("E-mail address or mobile number"),
        help_text=_("We send a six-digit code there to check that it is yours. You sign in with it later."),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        help_text=_("At least 8 characters; not only digits and not a common password."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class CodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        # Messages show the code as "123 456"; people type it that way.
        return "".join(str(super().to_python(value)).split())


class CodeForm(forms.Form):
    code = CodeField(
        label=_("Six-digit code"),
        validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the six digits of the code we sent you."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Address for letters and results"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
