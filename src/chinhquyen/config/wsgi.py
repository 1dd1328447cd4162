"""WSGI entry point; production by default."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
os.environ.setdefault("DJANGO_ENV", "production")

application = get_wsgi_application()
