"""The site's language switch: Django's own, which a signed-in applicant's notifications follow."""

from django.http import HttpRequest, HttpResponse
from django.views import i18n

from chinhquyen.core.access import access
from chinhquyen.notifications.services.manage import notification_language_follow

from .applicant import is_applicant


@access(public=True, description="Anyone switches the site's language; a signed-in applicant's notifications follow")
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (its redirect, cookie and CSRF check unchanged); an applicant who switches by
    POST also gets their notifications in that language from now on. An official's switch is the office
    screen's only: officials get no notifications as applicants."""
    response = i18n.set_language(request)
    if request.method == "POST" and is_applicant(request.user):
        language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
        notification_language_follow(user=request.user, language=language)  # type: ignore[arg-type]
    return response
