import os

import pytest

# Playwright's sync API runs an event loop in the main thread; the ORM must still work beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Test transactions roll back without signals: a cached working calendar could outlive its rows.
    from chinhquyen.workcal.selectors import calendar_reset

    calendar_reset()
    yield
    calendar_reset()
