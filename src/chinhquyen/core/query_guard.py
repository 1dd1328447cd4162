"""Refuse a page address whose query string holds a NUL character, before any view reads it.

PostgreSQL cannot hold NUL in text: a filter value with one (``?kind=%00`` on an admin list, say) reaches the
database and fails there as a 500. No form or filter has a use for it, so the request is answered 400 at the
door. The API is left to answer in its own error shape (it refuses control characters field by field).
"""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class NulQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the query string.")
        return self.get_response(request)
