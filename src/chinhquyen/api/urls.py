"""Mounted at /api/v1/: the ninja API, then a JSON 404 for any other path under it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from chinhquyen.core.access import access

from .errors import error_response
from .main import api


@access(public=True, description="JSON 404 for unknown API paths")
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, "not_found", _("There is no such API operation; see /api/v1/docs."))


urlpatterns = [
    # Before ninja's own root view, which raises an HTML 404.
    path("", not_found),
    path("", api.urls),
    re_path(r"^(?P<rest>(?s:.*))$", not_found),  # (?s): a path holding an encoded line break too
]
