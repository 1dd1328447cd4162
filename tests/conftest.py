import os

import pytest
from django.utils import translation

# Playwright's sync API runs an event loop in the main thread; the ORM must still work beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def _pki_dir(tmp_path_factory):
    # One development CA for the whole run, never the repository's var/pki.
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, _pki_dir):
    settings.SIGNING_PKI_DIR = _pki_dir
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


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English leaves English active in the thread; every test starts in the default.
    yield
    translation.deactivate()


@pytest.fixture
def admin_client(admin_client, admin_user):
    """pytest-django's admin client, verified by a second factor as the OTP admin requires."""
    from tests.office.auth_helpers import officer_login

    officer_login(admin_client, admin_user)
    return admin_client
