"""Form behaviour shared by the office's and the portal's pages."""

from django import forms


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
