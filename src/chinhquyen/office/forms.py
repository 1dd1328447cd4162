"""Forms of the office pages: input checks only; every rule lives in the domain services."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from chinhquyen.core.forms import AccessibleForm, DayFirstDateField, TextBoxField
from chinhquyen.core.phones import validate_phone
from chinhquyen.directory.models import Agency, StaffRole, User
from chinhquyen.directory.selectors import identifier_normal
from chinhquyen.dossiers.models import EVENT_TEXT_MAX, ApologyLetter
from chinhquyen.dossiers.selectors import consultable_agencies
from chinhquyen.dossiers.services import CONSULT_DAYS, CONSULT_DAYS_MAX, REGISTER_MAX_DAYS, ConsultBound
from chinhquyen.dossiers.services.retime import due_shown_text
from chinhquyen.workcal.engine import FIRST_YEAR, LAST_YEAR, day_in_calendar


class OfficeForm(AccessibleForm):
    """A form of the office's pages: its invalid fields point at their error list."""


def calendar_year_check(value: date | datetime | None) -> None:
    """Refuse a day outside the working calendar's years: a mistyped year, which no dossier can have."""
    if value is not None and not day_in_calendar(value):
        raise forms.ValidationError(
            _("Enter a date between the years %(first)d and %(last)d."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class VersionedForm(OfficeForm):
    """An action on a dossier: carries the version the officer saw, so a stale form is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _official_choices(step: Any) -> Any:
    """The officials who may take ``step``: its role in force in its agency (nobody when there is no step)."""
    if step is None:
        return User.objects.none()
    holders = StaffRole.objects.in_force().filter(agency_id=step.agency_id, role=step.role).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("last_name", "first_name", "username")


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


# --- Reception --------------------------------------------------------------------------


def _phone_field() -> forms.CharField:
    """A phone number, checked as the portal's and the post's are (a mobile or a landline, national format)."""
    return forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class ApplicantLookupForm(OfficeForm):
    identifier = forms.CharField(
        label=_("Personal ID number or tax code"),
        max_length=24,  # room for the spaces typed between groups of digits, dropped by clean_identifier
        help_text=_("12 digits for a citizen, 10 or 13 digits for an organisation."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_identifier(self) -> str:
        identifier = identifier_normal(self.cleaned_data["identifier"])
        if len(identifier) > 14:
            raise forms.ValidationError(_("12 digits for a citizen, 10 or 13 digits for an organisation."))
        return identifier


class CitizenForm(OfficeForm):
    name = forms.CharField(label=_("Full name"), max_length=255)
    # Typed in groups ("037 090 001 234") or with full-width digits: stored as 12 ASCII digits (citizen_create).
    personal_id = forms.CharField(label=_("Personal identification number"), max_length=24)
    birth_date = DayFirstDateField(label=_("Birth date"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = _phone_field()
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "citizen")
        super().__init__(*args, **kwargs)


class OrganisationForm(OfficeForm):
    name = forms.CharField(label=_("Organisation name"), max_length=255)
    tax_code = forms.CharField(label=_("Tax code"), max_length=28)
    representative = forms.CharField(label=_("Legal representative"), max_length=255, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = _phone_field()
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "org")
        super().__init__(*args, **kwargs)


def _agency_field_set(form: forms.Form, agencies: Any) -> forms.ModelChoiceField:
    """Offer ``agencies`` (the officer's) in ``form``'s ``agency`` field, kept as ``form.agencies``; the field."""
    agencies = agencies if agencies is not None else Agency.objects.none()
    form.agencies = list(agencies)  # type: ignore[attr-defined]
    field = form.fields["agency"]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
    field.queryset = agencies
    return field


class ProcedureSearchForm(OfficeForm):
    """The receiving agency and the words to find among its procedures.

    The agency is one of ``agencies``, the officer's counters: preselected when there is one, chosen otherwise.
    """

    agency = forms.ModelChoiceField(
        label=_("Receiving agency"),
        queryset=Agency.objects.none(),
        empty_label=_("Choose an agency"),
        error_messages={
            "required": _("Choose the receiving agency."),
            "invalid_choice": _("You do not staff the front desk of that agency: choose one of your counters."),
        },
    )
    query = forms.CharField(label=_("Procedure name or code"), max_length=200, required=False)

    agencies: list[Agency]

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _agency_field_set(self, agencies)
        if len(self.agencies) == 1:
            # One counter: it is preselected, and a form posted without it means that one.
            field.required, field.empty_label, field.initial = False, None, self.agencies[0].pk

    def clean_agency(self) -> Agency | None:
        agency = self.cleaned_data["agency"]
        return agency if agency is not None or len(self.agencies) != 1 else self.agencies[0]

    def agency_chosen(self) -> Agency | None:
        """The receiving agency chosen (the only one before anything is submitted); None when not (validly) chosen."""
        if not self.is_bound:
            return self.agencies[0] if len(self.agencies) == 1 else None
        self.is_valid()
        agency: Agency | None = self.cleaned_data.get("agency")
        return agency


class DossierStartForm(ProcedureSearchForm):
    """The procedure chosen for the applicant, with the receiving agency and the words searched (kept on refusal)."""

    applicant = forms.CharField(widget=forms.HiddenInput, max_length=200)  # the signed reference, not the number
    procedure = forms.IntegerField(widget=forms.HiddenInput)
    # One per form shown: sent twice (a double click), it returns the draft the first request opened.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class DocumentsReceivedForm(VersionedForm):
    required_documents = forms.MultipleChoiceField(
        label=_("Documents received"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each document the applicant handed in."),
    )

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["required_documents"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
        # Outside the f-string, where makemessages finds it.
        optional = _("optional")
        field.choices = [(str(d.pk), d.name if d.mandatory else f"{d.name} ({optional})") for d in documents]

    def cleaned_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["required_documents"]]


class UploadForm(VersionedForm):
    upload = forms.FileField(label=_("Scanned file"), help_text=_("PDF or image, at most 10 MB."))
    name = forms.CharField(label=_("Document name"), max_length=255, required=False)
    required_document = forms.TypedChoiceField(
        label=_("Which required document it is"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["required_document"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        field.choices = [("", _("Other document")), *((str(d.pk), d.name[:120]) for d in documents)]


class AuthorisedPersonForm(VersionedForm):
    """Someone lodging the dossier under a power of attorney (người được ủy quyền); every field empty removes them."""

    name = forms.CharField(label=_("Full name of the authorised person"), max_length=255, required=False)
    # Typed in groups or with full-width digits like the applicant's: stored as 12 ASCII digits (the service).
    personal_id = forms.CharField(
        label=_("Their personal identification number"), max_length=24, required=False, help_text=_("12 digits.")
    )
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    phone = _phone_field()
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    authorisation = forms.CharField(
        label=_("Authorisation document"),
        max_length=500,
        required=False,
        help_text=_("Number and date of the power of attorney, e.g. Giấy ủy quyền số 12/2026 ngày 20/11/2026."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the scan's form on the same page has a "name" field too, and a label must find its field.
        kwargs.setdefault("auto_id", "id_authorised_%s")
        super().__init__(*args, **kwargs)


# --- Actions on a dossier ---------------------------------------------------------------


class PlainActionForm(VersionedForm):
    """An action with nothing to fill in: claim, receive, confirm payment, approve or send a letter."""


class NoteForm(VersionedForm):
    note = TextBoxField(label=_("Note"), required=False, max_length=EVENT_TEXT_MAX, rows=3)


class ReasonForm(VersionedForm):
    reason = TextBoxField(label=_("Reason"), max_length=EVENT_TEXT_MAX, rows=3)


class ForwardForm(NoteForm):
    to_user = OfficialChoiceField(
        label=_("Person to hand it to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone in the next step's role"),
    )

    def __init__(self, *args: Any, step: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _official_choices(step)  # type: ignore[attr-defined]


class ReassignForm(VersionedForm):
    to_user = OfficialChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, step: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = _official_choices(step)  # type: ignore[attr-defined]


class ConsultForm(VersionedForm):
    agency = forms.ModelChoiceField(label=_("Agency to consult"), queryset=Agency.objects.none())
    question = TextBoxField(label=_("Question"), max_length=EVENT_TEXT_MAX, rows=3)
    answer_days = forms.IntegerField(
        label=_("Working days to answer"),
        min_value=1,
        max_value=CONSULT_DAYS_MAX,
        initial=CONSULT_DAYS,
        help_text=_("The consulted agency's step falls due this many working days from now."),
    )

    def __init__(self, *args: Any, bound: ConsultBound | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only agencies with someone to answer: another one would leave the dossier waiting for good.
        self.fields["agency"].queryset = consultable_agencies()  # type: ignore[attr-defined]
        if bound is not None:
            self.fields["answer_days"].help_text = _consult_bound_text(bound)


def _consult_bound_text(bound: ConsultBound) -> str:
    """The field's help with the dossier's due date, which the answer may not be due after (the service's rule)."""
    values = {"due": due_shown_text(bound.due_at), "most": bound.days_most}
    if bound.in_time:
        text = ngettext(
            "The consulted agency's step falls due this many working days from now. The dossier is due on "
            "%(due)s and the answer may not be due later: at most %(most)d working day.",
            "The consulted agency's step falls due this many working days from now. The dossier is due on "
            "%(due)s and the answer may not be due later: at most %(most)d working days.",
            bound.days_most,
        )
    else:
        text = gettext(
            "The consulted agency's step falls due this many working days from now. The dossier is due on "
            "%(due)s, sooner than any answer could be: 1 working day, the shortest time, is the most."
        )
    return text % values


class RefuseForm(VersionedForm):
    reasons = TextBoxField(
        label=_("Reasons for refusal"),
        max_length=EVENT_TEXT_MAX,
        rows=4,
        help_text=_("One reason per line; they are printed on the refusal slip."),
    )

    def cleaned_reasons(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]


class SupplementForm(VersionedForm):
    items = TextBoxField(
        label=_("Items to supply"),
        max_length=EVENT_TEXT_MAX,
        rows=4,
        help_text=_("One item per line; they are numbered on the supplement request slip."),
    )
    reason = TextBoxField(label=_("Reason"), max_length=EVENT_TEXT_MAX, rows=3)

    def cleaned_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SupplementRejectForm(SupplementForm):
    """The documents supplied are not enough: what is still missing (the request's slip stays as issued)."""

    items = TextBoxField(
        label=_("Items still missing"),
        max_length=EVENT_TEXT_MAX,
        rows=4,
        help_text=_("One item per line; the applicant sees them with the reason."),
    )
    reason = TextBoxField(
        label=_("Why the documents supplied are not enough"),
        max_length=EVENT_TEXT_MAX,
        rows=3,
    )


class PaymentForm(NoteForm):
    amount = forms.DecimalField(label=_("Amount (VND)"), min_value=0, max_digits=16, decimal_places=0)

    field_order = ["amount", "note", "expected_version"]


class IssueResultForm(VersionedForm):
    upload = forms.FileField(
        label=_("Result document"),
        required=False,
        help_text=_(
            "The result as a PDF, or a JPEG or PNG scan made into a PDF page; the agency's signature is added. "
            "Leave empty to write the result below, or to issue the one attached."
        ),
    )
    title = forms.CharField(
        label=_("Title of the result"),
        max_length=255,
        required=False,
        help_text=_(
            "The name of the result document, uploaded or written, in the dossier's documents and for the "
            "applicant. Left empty: the file's own name, or the procedure's result for a written one."
        ),
    )
    text = TextBoxField(
        label=_("Written result"),
        max_length=20_000,
        required=False,
        rows=8,
        help_text=_(
            "The agency's answer, one paragraph per line. It is printed with the dossier's details and the "
            "approving leader's name, and signed by the agency."
        ),
    )

    def __init__(self, *args: Any, title: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].initial = title


class ReturnForm(VersionedForm):
    method = forms.ChoiceField(label=_("How the result is returned"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, methods: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["method"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
        field.choices = list(methods)


class ApologyDraftForm(ReasonForm):
    field_order = ["expected_version", "agency", "reason", "new_due_at"]

    agency = forms.ModelChoiceField(
        label=_("Agency at fault"),
        queryset=Agency.objects.none(),
        help_text=_(
            "You work in several agencies that may write this letter: choose the one at fault, which signs it."
        ),
    )
    new_due_at = forms.DateTimeField(
        label=_("New due date"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[calendar_year_check],
    )

    def __init__(self, *args: Any, agencies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only of an officer working in several agencies at fault; else the letter is their agency's.
        if len(agencies) > 1:
            self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
                pk__in=[agency.pk for agency in agencies]
            ).order_by("name", "code")
        else:
            del self.fields["agency"]


class SearchForm(OfficeForm):
    code = forms.CharField(label=_("Dossier code"), max_length=40, required=False)
    applicant = forms.CharField(label=_("Applicant name or ID"), max_length=255, required=False)
    procedure = forms.TypedChoiceField(label=_("Procedure"), required=False, coerce=int, empty_value=None)
    status = forms.TypedChoiceField(label=_("Status"), required=False, coerce=int, empty_value=None)
    # As dossier_search_query reads them: a draft or an application refused at reception has no reception day.
    received_from = DayFirstDateField(
        label=_("Received or submitted from"),
        required=False,
        validators=[calendar_year_check],
        help_text=_(
            "The day the dossier was received; for one never received, the day it was submitted online or opened "
            "at the counter."
        ),
    )
    received_to = DayFirstDateField(
        label=_("Received or submitted to"), required=False, validators=[calendar_year_check]
    )

    def __init__(self, *args: Any, procedures: Any = (), statuses: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self.fields["procedure"]
        status = self.fields["status"]
        assert isinstance(procedure, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        assert isinstance(status, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        procedure.choices = [("", _("Any procedure")), *((str(p.pk), f"{p.code} {p.name[:90]}") for p in procedures)]
        status.choices = [("", _("Any status")), *((str(v), label) for v, label in statuses)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        received_from, received_to = cleaned.get("received_from"), cleaned.get("received_to")
        if received_from and received_to and received_from > received_to:
            # Else the search silently finds nothing.
            self.add_error(
                "received_to",
                _("Choose a “Received or submitted to” date on or after the “Received or submitted from” date."),
            )
        return cleaned


class RegisterForm(OfficeForm):
    """The period and the agency of a tracking register: one of ``agencies``, chosen when there are several."""

    date_from = DayFirstDateField(label=_("From"), validators=[calendar_year_check])
    date_to = DayFirstDateField(label=_("To"), validators=[calendar_year_check])
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your agencies: you may print only their registers.")},
    )

    agencies: list[Agency]

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With one agency there is nothing to choose: its register is printed.
        field = _agency_field_set(self, agencies)
        field.required = len(self.agencies) > 1

    @property
    def agency_choice_needed(self) -> bool:
        return len(self.agencies) > 1

    def clean_agency(self) -> Agency:
        agency = self.cleaned_data["agency"]
        if agency is None and not self.agencies:
            raise forms.ValidationError(_("You hold no role in an agency, so there is no register to print."))
        return agency if agency is not None else self.agencies[0]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Choose a “To” date on or after the “From” date."))
        elif date_from and date_to and (date_to - date_from).days >= REGISTER_MAX_DAYS:
            # The register is one book a year; a longer period would also be a very long PDF to typeset.
            self.add_error("date_to", _("Choose a period of at most %(days)d days.") % {"days": REGISTER_MAX_DAYS})
        return cleaned


class LetterForm(VersionedForm):
    """Approve or send one apology letter of the dossier."""

    letter: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Apology letter"), queryset=ApologyLetter.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, letters: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"].queryset = letters  # type: ignore[attr-defined]


class LetterReasonForm(LetterForm):
    """Withdraw one apology letter of the dossier, saying why."""

    reason = TextBoxField(label=_("Reason"), max_length=EVENT_TEXT_MAX, rows=3)


class PostalSendForm(VersionedForm):
    """The result sent by post: the receiver (pre-filled from the applicant) and the amount to collect."""

    receiver_name = forms.CharField(label=_("Receiver"), max_length=255)
    receiver_phone = forms.CharField(
        label=_("Receiver's phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )
    receiver_address = forms.CharField(
        label=_("Address"), max_length=255, help_text=_("House number, street, village or hamlet.")
    )
    receiver_division_code = forms.CharField(
        label=_("Commune code"),
        max_length=5,
        help_text=_("The 5-digit code of the commune or ward (2025 divisions)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    cod_amount = forms.IntegerField(
        label=_("Amount collected on delivery (VND)"),
        min_value=0,
        initial=0,
        help_text=_("Fees the postal service collects from the receiver for the agency; 0 if none."),
    )
