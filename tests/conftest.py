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


# Rows that only migrations write (content types and permissions, from the models): a flush keeps them.
_FLUSH_KEEPS = frozenset({"django_content_type", "auth_permission"})


def _flush_sql(style, connection, reset_sequences=True, allow_cascade=False):
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if table not in _FLUSH_KEEPS
    ]
    if connection.vendor == "postgresql" and not reset_sequences and not allow_cascade:
        # Every foreign key is deferred to the commit, which the flush's transaction reaches with all rows gone.
        return [f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables]  # noqa: S608 - table names
    return connection.ops.sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """After each transactional test (the browser's, the concurrent ones) Django empties every table: with
    TRUNCATE, which takes about a second on PostgreSQL for our hundred small tables (DELETE: 50 ms), then puts
    back the content types and permissions it emptied with them (post_migrate, 0.4 s). A few hundred such tests
    made that minutes of the suite. Both tables are kept instead, so post_migrate has nothing to put back."""
    from django.core.management.commands import flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", _flush_sql)
        patch.setattr(flush, "emit_post_migrate_signal", lambda *args, **kwargs: None)
        yield


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
