"""The REST API v1 (django-ninja): one router per domain, one error shape, limits per caller."""

from ninja import NinjaAPI

from . import errors
from .json_body import ObjectParser
from .limits import CallerThrottle
from .routers import catalog, directory, dossier_actions, dossiers, feedback, meta, webhooks
from .schemas.common import ResponseRenderer

DESCRIPTION = """
The API of the province's public services: the procedure catalog, the directory of agencies,
dossiers (submit, follow, act on), and webhooks. See `docs/api.md` for keys, authentication, safe
retries with `Idempotency-Key` and verifying webhook signatures.

Every error has the shape `{"code", "message", "field", "errors"}`: `code` is stable, `message` is
in the language of `Accept-Language` (vi by default, or en). Each operation lists the callers it
accepts in `x-callers` (system key scope, officer token, signed-in applicant, anyone).
"""


api = NinjaAPI(
    title="chinhquyen API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    throttle=[CallerThrottle()],
    parser=ObjectParser(),
    renderer=ResponseRenderer(),
)
errors.install(api)
api.add_router("/meta", meta.router)
api.add_router("/catalog", catalog.router)
api.add_router("/directory", directory.router)
api.add_router("/dossiers", dossiers.router)
api.add_router("/dossiers", dossier_actions.router)
api.add_router("/dossiers", feedback.ratings)
api.add_router("/petitions", feedback.petitions)
api.add_router("/webhooks", webhooks.router)
