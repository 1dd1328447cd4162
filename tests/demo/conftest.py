from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

DEMO_PASSWORD = "demo-pass"


@dataclass(frozen=True)
class LoadedDemo:
    printed: str  # what `demo_province` printed
    media_root: Path  # where its files (form templates, sample scans) were written


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory, _pki_dir):
    """The demo province, loaded once per test module inside a transaction rolled back after its last test.

    Loading takes seconds (1,586 procedures); each test still runs in its own savepoint inside it, so what a
    test changes is undone before the next one (pytest-django keeps no class-level transaction that would
    close the connection in between). A test of the module that needs an empty database belongs elsewhere.
    """
    media_root = tmp_path_factory.mktemp("demo-media")
    loading = override_settings(
        DEMO_PASSWORD=DEMO_PASSWORD,
        SIGNING_PKI_DIR=_pki_dir,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media_root,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    outer = transaction.atomic()
    with django_db_blocker.unblock(), loading:
        outer.__enter__()
        out = StringIO()
        call_command("demo_province", stdout=out)
    yield LoadedDemo(printed=out.getvalue(), media_root=media_root)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_loaded, db, settings):
    """What the loader printed; the demo's rows, files and password in place for this test."""
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.MEDIA_ROOT = demo_loaded.media_root
    return demo_loaded.printed
