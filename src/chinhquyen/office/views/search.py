"""Search the dossiers of the officer's agencies."""

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.directory.selectors import roles_agency_ids
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.documents.data import lookup_url_code
from chinhquyen.dossiers.models import DossierStatus

from .. import forms
from ..permissions import ANY_OFFICER, officer_access
from .common import OfficerRequest

PAGE_SIZE = 25


@officer_access(*ANY_OFFICER)
@require_GET
def search(request: OfficerRequest) -> HttpResponse:
    roles = selectors.officer_roles(officer=request.user)
    agency_ids = roles_agency_ids(roles=roles)  # a supervisor's: its whole subtree
    # Every procedure of the agencies' dossiers can be chosen, one withdrawn from the catalog since too.
    procedures = selectors.dossier_search_procedures(officer=request.user, roles=roles)
    given = _scan_read(request.GET)
    form = forms.SearchForm(given or None, procedures=procedures, statuses=DossierStatus.choices)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = selectors.dossier_search_query(
            officer=request.user,
            code=data["code"],
            applicant=data["applicant"],
            procedure_id=data["procedure"],
            status=data["status"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            roles=roles,
        )
        # Counted and sliced in the database: every result is reachable, and the count is the true one.
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    query = given.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        # Results of several agencies say which one received each dossier.
        "several_agencies": len(agency_ids) > 1,
        "nav": "search",
    }
    # htmx swaps in the results, and the fields out of band; restoring a page from history needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    if partial and form.is_bound and not form.is_valid():
        # Fields in error are marked in the form, not in the results: the whole main part is swapped, and
        # office.js takes the keyboard to the first of them, as on a full page.
        response = render(request, "office/search.html", context)
        response["HX-Retarget"], response["HX-Reswap"], response["HX-Reselect"] = "#main", "outerHTML", "#main"
        return response
    # The fields come back too: those of a search refused before would keep its errors and aria-invalid. The
    # keyboard stays where it was (htmx gives the focus back to a replaced field by its id).
    template = "office/includes/search_answer.html" if partial else "office/search.html"
    return render(request, template, context)


def _scan_read(query: QueryDict) -> QueryDict:
    """``query`` with a receipt's QR code scanned into the code field read as the dossier code it carries.

    The QR code of every slip is the public lookup address (``…?ma=<code>&k=<secret>``), which a scanner types
    whole into the field: the code is searched, and the address with the receipt's secret is not shown again.
    """
    code = lookup_url_code(query.get("code", ""))
    if not code:
        return query
    read = query.copy()
    read["code"] = code
    return read
