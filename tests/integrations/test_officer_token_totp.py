"""An officer token needs a confirmed TOTP device: none is issued without one (the service and the admin), and
an existing token stops working while its official has none, and works again once they have one."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.errors import InvalidInput
from chinhquyen.core.models import AuditEntry
from chinhquyen.integrations.models import OfficerToken
from chinhquyen.integrations.selectors import officer_token_find
from chinhquyen.integrations.services import officer_token_issue
from tests.api.helpers import admin_user, api_client, place_make
from tests.office.auth_helpers import officer_login, totp_device_for

pytestmark = pytest.mark.django_db

REFUSED = (
    "This official has no confirmed authenticator app (TOTP), so no API token can be issued to them: they set one "
    "up at their next sign-in to the office."
)
# The service speaks the site's language (Vietnamese); the admin client below asks for English.
REFUSED_VI = (
    "Cán bộ này chưa có ứng dụng xác thực (TOTP) đã được xác nhận nên không thể cấp token API: cán bộ sẽ thiết lập "
    "ứng dụng này ở lần đăng nhập trang cán bộ tiếp theo."
)
INVALID = "The API key or token is not valid, has expired or was revoked."


def _refusals() -> list[tuple[str, str, dict]]:
    rows = AuditEntry.objects.filter(action="integrations.officer_token_refuse").order_by("sequence")
    return list(rows.values_list("actor_name", "target", "data"))


@pytest.fixture
def admin(client):
    officer_login(client, admin_user())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_service_refuses_a_token_to_an_official_whose_device_is_not_confirmed():
    place = place_make()
    TOTPDevice.objects.create(user=place.specialist, name="office", confirmed=False)

    with pytest.raises(InvalidInput) as refused:
        officer_token_issue(by=admin_user(), user=place.specialist, name="script")

    assert (refused.value.code, refused.value.field, refused.value.message) == ("totp_required", "user", REFUSED_VI)
    assert not OfficerToken.objects.exists()
    assert _refusals() == [("province.admin", f"user:{place.specialist.pk}", {"reason": "totp_required"})]


def test_an_account_without_a_role_is_refused_for_its_role_first():
    place = place_make()
    place.specialist.staff_roles.all().delete()

    with pytest.raises(InvalidInput) as refused:
        officer_token_issue(by=admin_user(), user=place.specialist, name="script")

    assert refused.value.code == "not_an_officer"
    assert _refusals() == []


def test_the_admin_shows_the_refusal_as_a_form_error_and_issues_nothing(admin):
    place = place_make()

    response = admin.post("/admin/integrations/officertoken/add/", {"user": place.specialist.pk, "name": "script"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [REFUSED]
    assert not OfficerToken.objects.exists()
    assert _refusals() == [("province.admin", f"user:{place.specialist.pk}", {"reason": "totp_required"})]


def test_the_admin_issues_a_token_to_an_official_with_a_confirmed_device(admin):
    place = place_make()
    totp_device_for(place.specialist)

    response = admin.post("/admin/integrations/officertoken/add/", {"user": place.specialist.pk, "name": "script"})

    assert response.status_code == 302
    assert list(OfficerToken.objects.values_list("user__username", "name")) == [("a.specialist", "script")]
    assert _refusals() == []


def test_a_token_stops_working_while_its_official_has_no_confirmed_device_and_works_again_after():
    place = place_make()
    device = totp_device_for(place.specialist)
    secret = officer_token_issue(by=place.specialist, user=place.specialist, name="laptop").secret
    client = api_client(secret)

    before = client.get("/api/v1/dossiers")
    device.delete()
    without = client.get("/api/v1/dossiers")
    TOTPDevice.objects.create(user=place.specialist, name="new phone", confirmed=False)
    unconfirmed = client.get("/api/v1/dossiers")
    totp_device_for(place.specialist)
    again = client.get("/api/v1/dossiers")

    assert (before.status_code, again.status_code) == (200, 200)
    for refused in (without, unconfirmed):
        assert (refused.status_code, refused.json()["code"], refused.json()["message"]) == (
            401,
            "invalid_credentials",
            INVALID,
        )
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="chinhquyen", error="invalid_token"'
    assert OfficerToken.objects.get().revoked_at is None


def test_a_token_without_a_device_is_401_not_403_where_officers_may_not_call():
    place = place_make()
    device = totp_device_for(place.specialist)
    secret = officer_token_issue(by=place.specialist, user=place.specialist, name="laptop").secret
    client = api_client(secret)
    systems_only = "/api/v1/webhooks"

    with_device = client.get(systems_only)
    device.delete()
    without = client.get(systems_only)

    assert (with_device.status_code, with_device.json()["code"]) == (403, "caller_not_allowed")
    assert (without.status_code, without.json()["code"]) == (401, "invalid_credentials")


def test_finding_a_token_checks_the_device_in_the_same_single_query(django_assert_num_queries):
    place = place_make()
    device = totp_device_for(place.specialist)
    secret = officer_token_issue(by=place.specialist, user=place.specialist, name="laptop").secret

    with django_assert_num_queries(1):
        found = officer_token_find(secret=secret)
    device.confirmed = False
    device.save()
    with django_assert_num_queries(1):
        refused = officer_token_find(secret=secret)

    assert (found is not None, refused) == (True, None)
