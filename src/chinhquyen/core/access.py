"""Deny-by-default access control.

Every view must declare who may use it with :func:`access`. The middleware refuses any view that
declares nothing, so a forgotten declaration fails closed (403), never open.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

UserTest = Callable[[Any], bool]
V = TypeVar("V", bound=Callable[..., Any])

# Views that are guarded by their own framework: the admin checks is_staff on every view itself;
# every operation of the REST API declares its callers with ninja's auth (chinhquyen.api.auth.declare;
# tests/api/test_declared_access.py fails on any operation that does not); static serving carries no data.
# (The language switch is the portal's own view, which declares its policy.)
TRUSTED_NAMESPACES = frozenset({"admin", "api-v1"})
TRUSTED_VIEW_MODULES = ("django.views.static", "django.contrib.staticfiles.views")


@dataclass(frozen=True)
class AccessPolicy:
    """Who may use a view: everyone, any signed-in user, or users passing ``test``.

    ``signed_in`` tightens what counts as signed in (e.g. a second factor verified): users failing it
    are sent to log in again, like anonymous users, rather than refused. ``login_url`` (a URL or URL
    name) replaces ``settings.LOGIN_URL`` for that redirect.
    """

    public: bool = False
    test: UserTest | None = None
    description: str = ""
    signed_in: UserTest | None = None
    login_url: str | None = None
    # Sent "private, no-store": kept by no browser cache or proxy (an official's pages on a shared counter PC).
    no_store: bool = False

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if self.public:
            return None
        user = request.user
        if not user.is_authenticated or (self.signed_in is not None and not self.signed_in(user)):
            return _to_login(request, self.login_url or settings.LOGIN_URL)
        if self.test is not None and not self.test(user):
            raise PermissionDenied
        return None


def _to_login(request: HttpRequest, login_url: str) -> HttpResponse:
    """Send the browser to sign in, then back to where it was.

    An htmx request would follow a redirect inside its XMLHttpRequest and swap the whole sign-in page into a
    fragment of the page: htmx is told to load the sign-in page instead (``HX-Redirect``), coming back to the
    page shown (``HX-Current-URL``, when of this site) rather than to the fragment asked for.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return redirect_to_login(request.get_full_path(), login_url)
    back = htmx.current_url_abs_path or request.get_full_path()
    return HttpResponseClientRedirect(redirect_to_login(back, login_url).url)


def access(
    *,
    public: bool = False,
    test: UserTest | None = None,
    description: str = "",
    signed_in: UserTest | None = None,
    login_url: str | None = None,
    no_store: bool = False,
) -> Callable[[V], V]:
    """Declare who may use a view (function or class)."""
    policy = AccessPolicy(
        public=public,
        test=test,
        description=description,
        signed_in=signed_in,
        login_url=login_url,
        no_store=no_store,
    )

    def decorate(view: V) -> V:
        view.access_policy = policy  # type: ignore[attr-defined]
        return view

    return decorate


def policy_for(view_func: Callable[..., Any]) -> AccessPolicy | None:
    """Return the policy a view declared, looking through class-based views."""
    policy = getattr(view_func, "access_policy", None)
    if policy is None:
        view_class = getattr(view_func, "view_class", None)
        policy = getattr(view_class, "access_policy", None)
    return policy


def is_trusted(view_func: Callable[..., Any], namespace: str) -> bool:
    if namespace.split(":", 1)[0] in TRUSTED_NAMESPACES:
        return True
    return getattr(view_func, "__module__", "").startswith(TRUSTED_VIEW_MODULES)


class DenyByDefaultMiddleware:
    """Refuse any view that does not declare an :class:`AccessPolicy`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_no_store", False) and not response.has_header("Cache-Control"):
            # An official's page or file (an inbox, a dossier, an ID card's scan) is kept by no browser cache or
            # proxy: a counter's shared computer shows nothing of the last person served.
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if is_trusted(view_func, match.namespace if match else ""):
            return None
        policy = policy_for(view_func)
        if policy is None:
            raise PermissionDenied("This view declares no access policy.")
        request._no_store = policy.no_store  # type: ignore[attr-defined]
        return policy.check(request)
