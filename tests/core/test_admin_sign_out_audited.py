"""Signing out of the admin is an audit entry, as the office's sign-out is."""

import pytest

from chinhquyen.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _sign_outs(user) -> int:
    return AuditEntry.objects.filter(target=f"user:{user.pk}", action="office.sign_out").count()


def test_signing_out_of_the_admin_is_audited(admin_client, admin_user):
    response = admin_client.post("/admin/logout/")

    assert response.status_code == 200
    assert "_auth_user_id" not in admin_client.session
    assert _sign_outs(admin_user) == 1


def test_a_get_signs_nobody_out(admin_client, admin_user):
    response = admin_client.get("/admin/logout/")

    assert response.status_code == 405
    assert "_auth_user_id" in admin_client.session
    assert _sign_outs(admin_user) == 0
