import pytest


@pytest.fixture(autouse=True)
def _portal_address(settings):
    # A real-looking public address, so SMS lengths are those of production.
    settings.PUBLIC_BASE_URL = "https://dichvucong.ninhbinh.gov.vn/"
    settings.SMS_BACKEND = "simulator"
    settings.SMS_API_KEY = ""


@pytest.fixture(autouse=True)
def _only_the_notifications_hook(monkeypatch):
    # Other apps' dossier hooks (webhooks, syncs) are theirs to test: run ours alone.
    from chinhquyen.dossiers.services import dispatch
    from chinhquyen.notifications.hooks import dossier_event_notify

    monkeypatch.setattr(dispatch.OUTBOX, "hooks", [dossier_event_notify])
