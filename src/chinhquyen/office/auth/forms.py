"""The two sign-in steps and the authenticator enrolment form."""

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class PasswordForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        # Apps show the code as "123 456"; people type it that way.
        return "".join(str(super().to_python(value)).split())


class CodeForm(forms.Form):
    code = CodeField(
        label=_("Six-digit code from your authenticator app"),
        validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the six digits shown in your authenticator app."))],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
