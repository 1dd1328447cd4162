"""Form behaviour shared by the office's and the portal's pages."""

from typing import Any

from django import forms

# Dates typed the Vietnamese way, day first (05/03/2026 is 5 March 2026), then ISO as a date picker sends
# them. Django's default formats read 05/03/2026 month first (3 May), and the "vi" locale names none.
DAY_FIRST_DATE_INPUT_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


class AccessibleForm(forms.Form):
    """A form whose fields in error carry ``aria-invalid`` and point at their error list (``<id>_errors``, as the
    templates name it) and their hint, so a screen reader reads the error on reaching the field."""

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Point every field in error at its message (call again after ``add_error``)."""
        for name in self.errors:
            if name in self.fields:
                field_id = self[name].auto_id
                described = [f"{field_id}_errors"]
                if self.fields[name].help_text:
                    described.append(f"{field_id}_helptext")
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": " ".join(described)})


class DayFirstDateField(forms.DateField):
    """A date typed day first (:data:`DAY_FIRST_DATE_INPUT_FORMATS`) or picked: the picker shows it as ISO."""

    def __init__(self, *, attrs: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d"))
        super().__init__(input_formats=DAY_FIRST_DATE_INPUT_FORMATS, **kwargs)


class TextBoxField(forms.CharField):
    """Text typed in a text box (``<textarea>``), its line breaks counted and kept as one character each.

    Browsers count a line break as one character against ``maxlength`` but send it as two (CR LF, as HTML's
    form encoding requires): a text the box accepted would be refused as too long, by as many characters as it
    has lines. Line breaks are made ``\\n`` before the length is checked, as the API's JSON sends them.
    """

    widget = forms.Textarea

    def __init__(self, *, rows: int | None = None, **kwargs: Any) -> None:
        if rows is not None:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return str(super().to_python(value))
