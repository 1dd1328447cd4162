"""Mounted at /api/v1/: the ninja API, then a JSON 404 for any other path under it."""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyen.core.access import access

from .errors import error_response
from .main import api

# ninja's own views, the schema and its page, answer any method: like the operations, GET only (a 405
# in the API's error shape from the middleware otherwise, which runs a HEAD as a GET).
NINJA_VIEWS = frozenset({"openapi-json", "openapi-view"})


@access(public=True, description="JSON 404 for unknown API paths")
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, "not_found", _("There is no such API operation; see /api/v1/docs."))


def _ninja_urls() -> tuple[list[URLResolver | URLPattern], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        view = pattern.callback if isinstance(pattern, URLPattern) and pattern.name in NINJA_VIEWS else None
        if isinstance(view, partial):  # partial(view, api=api): still one, bound to this API
            pattern.callback = partial(require_GET(view.func), *view.args, **view.keywords)
    return patterns, app_name, namespace


urlpatterns = [
    # Before ninja's own root view, which raises an HTML 404.
    path("", not_found),
    path("", _ninja_urls()),
    re_path(r"^(?P<rest>(?s:.*))$", not_found),  # (?s): a path holding an encoded line break too
]
