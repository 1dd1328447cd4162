"""Rate a returned dossier (đánh giá) and petitions (phản ánh, kiến nghị): file one, read the published ones.

Filing is public, so it is guarded against robots twice: a field people never see (a robot that fills
it is refused) and a limit of petitions per client address per hour, counted in the default cache like
the public lookup.
"""

import uuid
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.catalog import selectors as catalog_selectors
from chinhquyen.core.access import access
from chinhquyen.core.errors import DomainError
from chinhquyen.core.forms import AccessibleForm, TextBoxField
from chinhquyen.core.text import code_plausible
from chinhquyen.directory.models import Agency, Applicant
from chinhquyen.dossiers import selectors as dossier_selectors
from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.feedback import selectors, services
from chinhquyen.feedback.criteria import (
    AGENCY_TIME,
    ASKED,
    CRITERIA,
    TOTAL_TIME,
    WORKED_OUT,
    Overall,
    criterion,
    total_time_fact,
    total_time_points,
)
from chinhquyen.feedback.errors import PetitionNotFound
from chinhquyen.feedback.limits import petition_quota_use, petition_quota_wait

from .applicant import APPLICANT_LOGIN_URL, is_applicant
from .lookup_views import _client

PAGE_SIZE = 20
MAX_PAGE = 50
SESSION_FILED = "feedback_petition_filed"
HONEYPOT = "website"


# --- Rating a dossier -----------------------------------------------------------------------------


class RatingForm(AccessibleForm):
    """One radio group per criterion of the Circular asked, the overall rating and an optional comment.

    The first two criteria (total time, each agency's time) are the dossier's record, shown and not asked
    (``feedback.criteria``).
    """

    overall = forms.ChoiceField(
        label=_("Overall, how satisfied are you with the handling of this dossier?"),
        choices=Overall.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your overall rating.")},
    )
    comment = TextBoxField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        rows=4,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in ASKED:
            self.fields[c.key] = forms.TypedChoiceField(
                label=c.label,
                choices=[(points, words) for points, words in c.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for this question.")},
            )
        self.order_fields([*(c.key for c in ASKED), "overall", "comment"])

    def numbered_fields(self) -> list[tuple[int, forms.BoundField]]:
        """The questions with their numbers in the Circular (the first two are stated, not asked)."""
        return [(CRITERIA.index(c) + 1, self[c.key]) for c in ASKED]


def _stated(key: str, *, points: int, fact: Any, anchor: str, late: Any = ()) -> dict[str, Any]:
    """What the rating page states for a criterion worked out from the record: number, question, answer, why."""
    c = criterion(key)
    return {
        "number": CRITERIA.index(c) + 1,
        "label": c.label,
        "answer": dict(c.options)[points],
        "fact": fact,
        "id": anchor,
        "late": late,
    }


def _stated_facts(dossier: Any) -> list[dict[str, Any]]:
    """The first two criteria as the dossier's record gives them (its outcome, its steps' outcomes)."""
    agency_time = selectors.dossier_agency_time(dossier=dossier)
    return [
        _stated(
            TOTAL_TIME,
            points=total_time_points(dossier.outcome),
            fact=total_time_fact(dossier.outcome),
            anchor="total-time-question",
        ),
        _stated(
            AGENCY_TIME,
            points=agency_time.points,
            fact=agency_time.fact,
            anchor="agency-time-question",
            late=agency_time.late,
        ),
    ]


def _own_dossier(request: HttpRequest, pk: int) -> Any:
    try:
        return dossier_selectors.dossier_get_for_applicant(user=request.user, pk=pk)  # type: ignore[arg-type]
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc


@access(test=is_applicant, login_url=APPLICANT_LOGIN_URL, description="The applicant rates their own returned dossier")
@require_http_methods(["GET", "POST"])
@never_cache
def dossier_rate(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_dossier(request, pk)
    rating = selectors.rating_for_dossier(dossier=dossier)
    form = RatingForm(request.POST) if request.method == "POST" else RatingForm()
    status, error = 200, ""
    if request.method == "POST" and rating is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rating_submit(
                    dossier=dossier,
                    by=request.user,  # type: ignore[arg-type]
                    scores={c.key: data[c.key] for c in ASKED},
                    overall=data["overall"],
                    comment=data["comment"],
                )
            except DomainError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
                status = 400 if exc.field else 409
            else:
                return redirect("portal:dossier_rate", pk=dossier.pk)
        else:
            status = 400
    elif request.method == "POST":
        status = 409
    is_open = rating is None and services.dossier_rateable(dossier)
    context = {
        "dossier": dossier,
        "rating": rating,
        "rating_rows": _rating_rows(rating) if rating else [],
        "form": form,
        "stated": _stated_facts(dossier) if is_open else [],
        "error": error,
        "open": is_open,
    }
    return render(request, "portal/feedback/rate.html", context, status=status)


def _rating_rows(rating: Any) -> list[dict[str, Any]]:
    """The thank-you page's rows: number, question, answer, and whether the dossier's record gave the answer
    (the first two criteria) rather than the applicant."""
    return [
        {
            "number": number,
            "label": c.label,
            "answer": dict(c.options)[getattr(rating, c.key)],
            "from_record": c.key in WORKED_OUT,
        }
        for number, c in enumerate(CRITERIA, start=1)
    ]


# --- Petitions --------------------------------------------------------------------------------------


class PetitionForm(AccessibleForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = TextBoxField(
        label=_("Your report or proposal"),
        max_length=5000,
        rows=8,
        help_text=_("Say what happened, where and when, and what you propose. Do not write ID numbers here."),
    )
    procedure = forms.CharField(
        label=_("Procedure code (optional)"),
        required=False,
        max_length=40,
        help_text=_("For example 1.001193; shown on every procedure page."),
    )
    about_agency = forms.ChoiceField(label=_("Agency concerned (optional)"), required=False)
    sender_name = forms.CharField(label=_("Your full name"), max_length=150)
    sender_address = forms.CharField(label=_("Address"), required=False, max_length=255)
    sender_phone = forms.CharField(
        label=_("Phone"), required=False, max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    sender_email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    # Never shown to people (hidden by the style sheet); robots filling every field fill it too.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    # New each time the form is opened: the same form sent twice files one petition (petition_file_once).
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {a.code: a for a in agencies}
        self.fields["about_agency"].choices = [("", _("— Not about one agency —"))] + [  # type: ignore[attr-defined]
            (a.code, catalog_selectors.name_in_language(a)) for a in agencies
        ]
        self.fields["sender_name"].widget.attrs["autocomplete"] = "name"
        self.fields["sender_address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["sender_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["sender_email"].widget.attrs["autocomplete"] = "email"
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.procedure_obj: Any = None

    def clean_procedure(self) -> str:
        code = self.cleaned_data["procedure"].strip()
        if code:
            procedure = catalog_selectors.procedure_get(code=code)
            if procedure is None or not procedure.is_active:
                raise forms.ValidationError(_("No published procedure has this code."))
            self.procedure_obj = procedure
        return code


def _agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_active=True).order_by("name").only("code", "name", "name_en"))


def _over_limit(request: HttpRequest) -> bool:
    return petition_quota_wait(client=_client(request)) > 0


def _count(request: HttpRequest) -> None:
    petition_quota_use(client=_client(request))


def _prefill(request: HttpRequest) -> dict[str, str]:
    initial = {"procedure": request.GET.get("thu-tuc", "")[:40]}
    user = request.user
    if not user.is_authenticated:
        return initial
    applicant = Applicant.objects.filter(user_id=user.pk).first()
    initial.update(
        {
            "sender_name": applicant.name if applicant else user.get_full_name(),
            "sender_address": applicant.address if applicant else "",
            "sender_phone": (applicant.phone if applicant else "") or getattr(user, "phone", ""),
            "sender_email": (applicant.email if applicant else "") or user.email,
        }
    )
    return initial


@access(public=True, description="Anyone files a petition (phản ánh, kiến nghị)")
@require_http_methods(["GET", "POST"])
@never_cache
def petition_file(request: HttpRequest) -> HttpResponse:
    agencies = _agencies()
    if request.method == "GET":
        form = PetitionForm(initial={**_prefill(request), "key": uuid.uuid4().hex}, agencies=agencies)
        return render(request, "portal/feedback/petition_form.html", {"form": form})
    form = PetitionForm(request.POST, agencies=agencies)
    limited = _over_limit(request)
    # Over the limit, only a form already sent (its repeat) is answered: a form without a key cannot be one.
    if limited and not request.POST.get("key"):
        return _limited(request, form)
    if not form.is_valid():
        if limited:
            return _limited(request, form)
        return render(request, "portal/feedback/petition_form.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data[HONEYPOT]:
        _count(request)
        return render(request, "portal/feedback/petition_form.html", {"form": form, "refused": True}, status=400)
    try:
        petition, new = services.petition_file_once(
            client_key=data["key"],
            subject=data["subject"],
            content=data["content"],
            sender_name=data["sender_name"],
            sender_address=data["sender_address"],
            sender_phone=data["sender_phone"],
            sender_email=data["sender_email"],
            procedure=form.procedure_obj,
            about_agency=form.agencies.get(data["about_agency"]),
            sender_user=request.user if request.user.is_authenticated else None,
            new_allowed=not limited,
        )
    except DomainError as exc:
        if exc.code == "over_limit":
            return _limited(request, form)
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        form.mark_invalid()
        return render(request, "portal/feedback/petition_form.html", {"form": form}, status=400)
    if new:
        _count(request)
    request.session[SESSION_FILED] = petition.code
    return redirect("portal:petition_filed")


def _limited(request: HttpRequest, form: PetitionForm) -> HttpResponse:
    return render(request, "portal/feedback/petition_form.html", {"form": form, "limited": True}, status=429)


@access(public=True, description="Confirmation with the reference code of the petition just filed")
@require_GET
@never_cache
def petition_filed(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_FILED)
    if not code:
        return redirect("portal:petition_file")
    return render(
        request, "portal/feedback/petition_filed.html", {"code": code, "answer_days": services.ANSWER_WORKING_DAYS}
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the published petitions"),
        required=False,
        max_length=selectors.QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)


@access(public=True, description="Published petitions and their answers, personal data hidden")
@require_GET
def petition_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if valid else ""
    number = (form.cleaned_data.get("page") if valid else None) or 1
    rows = selectors.petitions_published(query=query, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1)
    context = {
        "form": form,
        "petitions": rows[:PAGE_SIZE],
        "query": query,
        "page": number,
        "has_next": len(rows) > PAGE_SIZE and number < MAX_PAGE,
    }
    return render(request, "portal/feedback/petition_list.html", context, status=200 if valid else 400)


class AnswerRatingForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Did the answer satisfy you?"),
        choices=[("1", _("Yes, I am satisfied")), ("0", _("No, I am not satisfied"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )


def _petition_page(request: HttpRequest, code: str, form: AnswerRatingForm | None = None, status: int = 200) -> Any:
    if not code_plausible(code):
        raise Http404
    own = selectors.petition_of_sender(user=request.user, code=code)  # type: ignore[arg-type]
    if own is not None:
        can_rate = own.answered_at is not None and own.sender_satisfied is None
        context = {"petition": own, "own": True, "form": form or AnswerRatingForm(), "can_rate": can_rate}
    else:
        try:
            petition = selectors.petition_published_get(code=code)
        except PetitionNotFound as exc:
            raise Http404(exc.message) from exc
        context = {"petition": petition, "own": False}
    # Shown after a refused rating too, whose address takes POST only: a change of language reloads this.
    context["language_next"] = reverse("portal:petition_detail", args=[code])
    response = render(request, "portal/feedback/petition_detail.html", context, status=status)
    if own is not None:
        response["Cache-Control"] = "private, no-store"
    return response


@access(public=True, description="One published petition and its answer (or the sender's own petition)")
@require_GET
def petition_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _petition_page(request, code)


@access(login_url=APPLICANT_LOGIN_URL, description="The signed-in sender says whether the answer satisfied them")
@require_POST
def petition_rate_answer(request: HttpRequest, code: str) -> HttpResponse:
    if not code_plausible(code):
        raise Http404
    petition = selectors.petition_of_sender(user=request.user, code=code)  # type: ignore[arg-type]
    if petition is None:
        raise Http404
    form = AnswerRatingForm(request.POST)
    if not form.is_valid():
        return _petition_page(request, code, form=form, status=400)
    try:
        services.petition_answer_rate(
            petition=petition,
            by=request.user,  # type: ignore[arg-type]
            satisfied=form.cleaned_data["satisfied"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _petition_page(request, code, form=form, status=409)
    return redirect("portal:petition_detail", code=petition.code)
