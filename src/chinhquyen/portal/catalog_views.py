"""Find a procedure: search the catalog and read one procedure in plain language."""

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.catalog.models import ONLINE_LEVELS, OnlineLevel, Procedure
from chinhquyen.core.access import access
from chinhquyen.core.text import code_plausible
from chinhquyen.directory.models import Agency

TEMPLATE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
}
PAGE_SIZE = 20
# Page links shown past the current page; the search loads just enough rows to know they exist.
PAGES_AHEAD = 4
MAX_PAGE = 100
QUERY_MAX_LENGTH = 200
SEARCH_KEYS = ("q", "field", "agency", "level", "online")

LEVEL_CHOICES = [("", _("All levels")), ("province", _("Province")), ("commune", _("Commune"))]
ONLINE_CHOICES = [("", _("Any")), (OnlineLevel.FULL, _("Fully online")), (OnlineLevel.PARTIAL, _("Partly online"))]


def time_limit_display(procedure: Procedure) -> str:
    """The time limit in the reader's language ("5 working days"), else as published, else empty."""
    return catalog_selectors.TimeLimit.of(procedure).in_words()


class ProcedureSearchForm(forms.Form):
    """The search box and its filters; every value is checked before it reaches the catalog."""

    q = forms.CharField(
        label=_("Procedure name, words or code"),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        help_text=_("Diacritics are optional: “dang ky khai sinh” finds “Đăng ký khai sinh”."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "max_length": _("Please use at most %(limit_value)d characters (you typed %(show_value)d)."),
        },
    )
    field = forms.ChoiceField(label=pgettext_lazy("procedure", "Field"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(label=_("Level of government"), required=False, choices=LEVEL_CHOICES)
    online = forms.ChoiceField(label=_("Online"), required=False, choices=ONLINE_CHOICES)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The page number is not valid.")},
    )

    def __init__(self, *args: Any, fields: list[Any], agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_ids = {field.code: field.pk for field in fields}
        self.agency_ids = {agency.code: agency.pk for agency in agencies}
        self.fields["field"].choices = [("", _("All fields"))] + [  # type: ignore[attr-defined]
            (field.code, field.name) for field in fields
        ]
        self.fields["agency"].choices = [("", _("All agencies"))] + [  # type: ignore[attr-defined]
            (agency.code, catalog_selectors.name_in_language(agency)) for agency in agencies
        ]
        for name in ("field", "agency", "level", "online"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "“%(value)s” is not one of the choices. Please pick one from the list."
            )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields and name != "page":
                field_id = self[name].auto_id
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{field_id}_errors"}
                )


@dataclass(frozen=True)
class ResultPage:
    """One page of results, with as many page links as the rows loaded can prove."""

    number: int
    items: list[Procedure]
    known: int  # rows loaded: every match when ``more`` is False
    more: bool  # matches exist beyond the rows loaded

    @property
    def last_known_page(self) -> int:
        return max(1, -(-self.known // PAGE_SIZE))

    @property
    def page_numbers(self) -> list[int]:
        return list(range(1, min(self.last_known_page, MAX_PAGE) + 1))

    @property
    def has_next(self) -> bool:
        return self.number < MAX_PAGE and (self.more or self.number < self.last_known_page)

    @property
    def beyond_last_page(self) -> bool:
        """Whether matches are known past the last page a search may show (``MAX_PAGE``)."""
        return (self.more and self.known >= MAX_PAGE * PAGE_SIZE) or self.last_known_page > MAX_PAGE

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1


def _search(form: ProcedureSearchForm) -> ResultPage:
    data = form.cleaned_data
    number = data["page"] or 1
    limit = (number + PAGES_AHEAD) * PAGE_SIZE
    rows = catalog_selectors.procedure_search(
        query=data["q"],
        field_id=form.field_ids.get(data["field"]),
        agency_id=form.agency_ids.get(data["agency"]),
        level=data["level"] or None,
        online_level=data["online"] or None,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    start = (number - 1) * PAGE_SIZE
    items = rows[start : start + PAGE_SIZE]
    for procedure in items:
        procedure.time_limit_display = time_limit_display(procedure)  # type: ignore[attr-defined]
    return ResultPage(number=number, items=items, known=len(rows), more=more)


def _page_query(form: ProcedureSearchForm) -> str:
    """The query string of the current search without the page number, for page links."""
    return urlencode([(key, form.data[key]) for key in SEARCH_KEYS if form.data.get(key)])


@access(public=True, description="Search the procedure catalog")
@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    fields = [field for field in catalog_selectors.field_list() if field.procedure_count]  # type: ignore[attr-defined]
    form = ProcedureSearchForm(request.GET, fields=fields, agencies=catalog_selectors.agencies_implementing())
    valid = form.is_valid()
    context = {
        "form": form,
        "results": _search(form) if valid else None,
        "page_query": _page_query(form),
        "searched": any(request.GET.get(key) for key in SEARCH_KEYS),
    }
    status = 200 if valid else 400
    return render(request, "portal/catalog/search.html", context, status=status)


@access(public=True, description="A procedure of the catalog in plain language")
@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not code_plausible(code):
        raise Http404
    procedure = catalog_selectors.procedure_get(code=code)
    if procedure is None or not procedure.is_active:
        raise Http404
    context = {
        "procedure": procedure,
        "name": catalog_selectors.name_in_language(procedure),
        "time_limit": time_limit_display(procedure),
        "documents": list(procedure.documents.all()),
        "agencies": [agency for agency in procedure.agencies.all() if agency.is_active],
        "online": procedure.online_level in ONLINE_LEVELS,
    }
    return render(request, "portal/catalog/detail.html", context)


@access(public=True, description="The blank form template of a required document")
@require_GET
def procedure_template(request: HttpRequest, code: str, pk: int) -> FileResponse:
    if not code_plausible(code):
        raise Http404(_("This procedure has no such form template."))
    document = catalog_selectors.required_document_template(procedure_code=code, pk=pk)
    if document is None:
        raise Http404(_("This procedure has no such form template."))
    extension = PurePosixPath(document.template_file.name).suffix.lower()
    response = FileResponse(
        document.template_file.open("rb"),
        as_attachment=True,
        filename=f"{code}-{document.position + 1}{extension}",
        content_type=TEMPLATE_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
