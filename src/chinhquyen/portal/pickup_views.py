"""Have the post office collect the paper documents (thu gom hồ sơ qua bưu chính) of an online application.

Offered on the review page before submitting and on "My dossiers" while the application waits to be
received; the address is pre-filled from the applicant's profile. The postal service brings the documents
to the receiving agency, whose front desk receives the application when they arrive. Until the postman has
collected them, the applicant may call the collection off (a confirmation page, then a POST).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chinhquyen.catalog.selectors import name_in_language
from chinhquyen.core.errors import DomainError
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.models import Dossier, DossierStatus
from chinhquyen.postal.pickups import postal_pickup_cancel, postal_pickup_order
from chinhquyen.postal.selectors import postal_available, postal_pickup_communes, postal_pickup_latest

from .applicant import applicant_access, applicant_of, form_version, own_dossier, refusal_text


class PickupForm(forms.Form):
    pickup_name = forms.CharField(
        label=gettext_lazy("Who hands the documents to the postman"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    pickup_phone = forms.CharField(
        label=gettext_lazy("Phone number for the postman"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    pickup_address = forms.CharField(
        label=gettext_lazy("Address to collect from"),
        max_length=255,
        help_text=gettext_lazy("House number, street, village or hamlet."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    pickup_division_code = forms.ChoiceField(label=gettext_lazy("Commune or ward"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pickup_division_code"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("Choose the commune or ward")), *postal_pickup_communes(settings.PROVINCE_CODE)]


PICKUP_ACTIONS = frozenset({"pickup_request", "pickup_cancel"})


def pickup_actions_open(*, request: HttpRequest, dossier: Dossier) -> frozenset[str]:
    """Which of ordering and calling off a collection by post the applicant may do now (the table decides)."""
    if not postal_available() or dossier.status != DossierStatus.SUBMITTED:
        return frozenset()  # spares the question to the table for every other dossier the applicant opens
    return PICKUP_ACTIONS.intersection(selectors.dossier_actions_for(dossier=dossier, user=request.user))  # type: ignore[arg-type]


def _initial(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    applicant = applicant_of(request)
    return {
        "pickup_name": applicant.name,
        "pickup_phone": applicant.phone,
        "pickup_address": applicant.address,
        "pickup_division_code": applicant.division_code if len(applicant.division_code) == 5 else "",
        "version": dossier.version,
    }


def _render(request: HttpRequest, dossier: Dossier, form: PickupForm, status: int = 200) -> HttpResponse:
    context = {"dossier": dossier, "procedure": dossier.procedure, "form": form}
    return render(request, "portal/mine/pickup.html", context, status=status)


@applicant_access("An applicant has the post office collect the paper documents of their online application")
@require_http_methods(["GET", "POST"])
def pickup_request(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if "pickup_request" not in pickup_actions_open(request=request, dossier=dossier):
        messages.error(request, _("The post office cannot collect the documents of this dossier now."))
        return redirect("portal:my_dossier", pk=dossier.pk)
    if request.method == "GET":
        return _render(request, dossier, PickupForm(initial=_initial(request, dossier)))
    form = PickupForm(request.POST)
    if not form.is_valid():
        return _render(request, dossier, form, status=400)
    data = form.cleaned_data
    try:
        shipment = postal_pickup_order(
            by=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            pickup_name=data["pickup_name"],
            pickup_phone=data["pickup_phone"],
            pickup_address=data["pickup_address"],
            pickup_division_code=data["pickup_division_code"],
            expected_version=data["version"],
        )
    except DomainError as exc:
        if exc.code == "stale_version":
            # Shown again with what was typed, at the dossier's current version: sending again acts on it.
            dossier = own_dossier(request, pk)
            fresh = request.POST.copy()
            fresh["version"] = str(dossier.version)
            form = PickupForm(fresh)
            form.is_valid()
        form.add_error(exc.field if exc.field in form.fields else None, refusal_text(exc))
        return _render(request, dossier, form, status=400 if exc.field in form.fields else 409)
    messages.success(
        request,
        _("The post office will collect your paper documents and bring them to %(agency)s: item %(item)s.")
        % {"agency": name_in_language(dossier.receiving_agency), "item": shipment.item_code},
    )
    return redirect("portal:my_dossier", pk=dossier.pk)


@applicant_access("An applicant calls off the collection of their paper documents by post")
@require_http_methods(["GET", "POST"])
def pickup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = own_dossier(request, pk)
    if "pickup_cancel" not in pickup_actions_open(request=request, dossier=dossier):
        messages.error(request, _("No collection by post can be called off for this dossier now."))
        return redirect("portal:my_dossier", pk=dossier.pk)
    if request.method == "GET":
        context = {"dossier": dossier, "procedure": dossier.procedure, "pickup": postal_pickup_latest(dossier=dossier)}
        return render(request, "portal/mine/pickup_cancel.html", context)
    try:
        postal_pickup_cancel(
            by=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            expected_version=form_version(request),
        )
    except DomainError as exc:
        messages.error(request, refusal_text(exc))
        return redirect("portal:my_dossier", pk=dossier.pk)
    messages.success(
        request,
        _("The collection is called off: bring the paper documents to %(agency)s, or ask the post office again.")
        % {"agency": name_in_language(dossier.receiving_agency)},
    )
    return redirect("portal:my_dossier", pk=dossier.pk)
