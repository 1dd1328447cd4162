"""The officer's inbox: what is theirs to act on, most urgent first."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.dossiers import selectors
from chinhquyen.postal.selectors import postal_pickups_latest

from ..permissions import ANY_OFFICER, officer_access
from .common import OfficerRequest, officer_agency_ids


@officer_access(*ANY_OFFICER)
@require_GET
def inbox(request: OfficerRequest) -> HttpResponse:
    rows = selectors.dossier_inbox(officer=request.user)
    collecting: list[Any] = [row.dossier for row in rows if row.post_collecting]
    if collecting:
        # The state of the pickup each waits on (ordered, picked up): one query, only when the post collects any.
        pickups = postal_pickups_latest(dossier_ids=[d.pk for d in collecting])
        for dossier in collecting:
            dossier.pickup = pickups.get(dossier.pk)
    # An officer of several agencies (e.g. two counters) sees which agency each dossier waits in.
    several = len(officer_agency_ids(request.user)) > 1
    return render(request, "office/inbox.html", {"rows": rows, "several_agencies": several, "nav": "inbox"})
