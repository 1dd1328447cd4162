import pytest
import requests

from chinhquyen.identity import sms

from .helpers import point_at_simulator
from .transport import DjangoClientAdapter

ISSUER = "http://testserver/idp-sim"


@pytest.fixture(scope="session")
def _idp_key_file(tmp_path_factory):
    # One simulator key for the whole run, never the repository's var/.
    return tmp_path_factory.mktemp("idp-sim") / "key.pem"


@pytest.fixture(autouse=True)
def _identity_settings(settings, _idp_key_file):
    point_at_simulator(settings, ISSUER)
    settings.IDP_SIMULATOR_KEY_FILE = _idp_key_file
    settings.OIDC_RP_CLIENT_ID = "chinhquyen-portal"
    settings.OIDC_RP_CLIENT_SECRET = "test-client-secret-of-32-characters"
    settings.LOCAL_ACCOUNTS_ENABLED = True
    settings.IDENTITY_SMS_BACKEND = "chinhquyen.identity.sms.MemorySMSBackend"
    sms.outbox.clear()


@pytest.fixture
def idp_transport(monkeypatch):
    """Route the relying party's HTTP calls to the simulator through the Django test client."""
    adapter = DjangoClientAdapter()
    original = requests.Session.get_adapter

    def get_adapter(self, url):
        if url.startswith(f"{ISSUER}/"):
            return adapter
        return original(self, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter
