"""Who counts as an applicant on the portal, and how their pages find their dossiers."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from chinhquyen.core.access import access
from chinhquyen.core.errors import DomainError
from chinhquyen.core.text import whole_number
from chinhquyen.directory.models import Applicant
from chinhquyen.dossiers import selectors
from chinhquyen.dossiers.errors import DossierNotFound
from chinhquyen.dossiers.models import Dossier
from chinhquyen.identity.selectors import applicant_for_user

# The portal's sign-in page (national identity or local account).
APPLICANT_LOGIN_URL = "portal:login"
# Refusals saying the dossier has moved on (another step was taken, or the applicant's turn is over).
PASSED_BY = frozenset({"transition_not_allowed", "role_required"})


def is_applicant(user: Any) -> bool:
    """A signed-in account tied to a citizen or organisation record; an official's session never counts."""
    return applicant_for_user(user=user) is not None


def applicant_access(description: str, *, no_store: bool = False) -> Any:
    """Pages of one signed-in applicant; others are sent to the portal's sign-in page.

    ``no_store`` for pages only ever fetched by GET (the list, a dossier): a shared computer's browser keeps
    no copy of them on disk. Not for pages a POST renders (the e-form saved as a draft): Back would then
    show the browser's "resubmit the form?" error instead of the page that puts the typed input back.
    """
    return access(signed_in=is_applicant, login_url=APPLICANT_LOGIN_URL, description=description, no_store=no_store)


def applicant_of(request: HttpRequest) -> Applicant:
    return Applicant.objects.get(user=request.user)  # type: ignore[misc]


def own_dossier(request: HttpRequest, pk: int) -> Dossier:
    """The signed-in applicant's dossier ``pk``, else 404 (another's dossier is "not found", not "forbidden")."""
    try:
        return selectors.dossier_get_for_applicant(user=request.user, pk=pk)  # type: ignore[arg-type]
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc


def refusal_text(exc: DomainError) -> str:
    """What a page shown again after a refusal says. The services' "reload it and try again" is for API
    clients: a page that shows the dossier as it is now, keeping what was typed, asks to check and send again."""
    if exc.code == "stale_version":
        return _(
            "This dossier changed while this page was open. The page now shows it as it is: check it, then send again."
        )
    if exc.code in PASSED_BY:
        return passed_by_text()
    return exc.message


def passed_by_text() -> str:
    """What a page says when the dossier no longer waits for what was sent (another step was taken, or the
    applicant's turn is over). The state machine's words name its actions and roles: the applicant is told what
    it means for them."""
    return _("This dossier is no longer waiting for this: the page now shows it as it is.")


def form_version(request: HttpRequest, name: str = "version") -> int | None:
    """The dossier version a form was shown at: None if it sent none, -1 (never current, so refused as changed
    in the meantime) if what it sent is no version."""
    value = request.POST.get(name, "")
    if not value:
        return None
    number = whole_number(value)
    return -1 if number is None else number
