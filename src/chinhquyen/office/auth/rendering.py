"""Render this package's templates, which live beside the code in ``office/auth/templates``.

``office.auth`` is a package of the office app, not an installed app, so the app-directories loader
does not see its templates; this backend adds the folder in front of the project's own template
settings (same context processors, same ``office/base.html``).
"""

import functools
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.backends.django import DjangoTemplates

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@functools.cache
def _backend() -> DjangoTemplates:
    project: dict[str, Any] = next(t for t in settings.TEMPLATES if str(t["BACKEND"]).endswith("DjangoTemplates"))
    return DjangoTemplates(
        {
            "NAME": "office-auth",
            "DIRS": [TEMPLATE_DIR, *project.get("DIRS", [])],
            "APP_DIRS": project.get("APP_DIRS", False),
            "OPTIONS": dict(project.get("OPTIONS", {})),
        }
    )


def render(request: HttpRequest, template_name: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    content = _backend().get_template(template_name).render(context, request)
    return HttpResponse(content, status=status)
