import os
import shutil

import pytest
from django.db import connections
from django.utils import translation
from playwright.sync_api import sync_playwright

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
def _empty_cache():
    # Rate limits, sign-in lockouts and throttles count in the process-wide cache: none leaks between tests.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


# --- Real Chromium (Debian's package) driven by Playwright, shared by every browser test ---------
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        # Playwright's loop leaves the main thread's connection behind; close it before the test database goes.
        connections.close_all()
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
