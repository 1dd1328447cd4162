"""A double-clicked "Sign up": two POSTs of the same form at once, from one browser (one session)."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from chinhquyen.identity.models import LocalAccount
from chinhquyen.identity.services import local

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite locks the whole database: the two POSTs cannot overlap"
    ),
]

FORM = {
    "name": "Phạm Thị Hoa",
    "personal_id": "037199001111",
    "birth_date": "1999-01-02",
    "login": "hoa@example.vn",
    "password": "Hoa-sen-2026-ninh-binh",
    "password_again": "Hoa-sen-2026-ninh-binh",
}


def _race(monkeypatch, second_form):
    """POST the form from one browser, then ``second_form`` while the first is still being handled."""
    first_created = threading.Event()
    original = local.codes_carry_over

    def slow_carry_over(**kwargs):
        if threading.current_thread().name == "first":
            first_created.set()
            time.sleep(1.5)  # the first POST holds its new account uncommitted while the second one arrives
        return original(**kwargs)

    monkeypatch.setattr(local, "codes_carry_over", slow_carry_over)
    browser = Client(raise_request_exception=False)
    browser.get("/tai-khoan/dang-ky/")
    answers = {}

    def post(name, form):
        try:
            response = browser.post("/tai-khoan/dang-ky/", form)
            answers[name] = (response.status_code, response.get("Location"))
        finally:
            connection.close()

    first = threading.Thread(target=post, args=("first", FORM), name="first")
    second = threading.Thread(target=post, args=("second", second_form), name="second")
    first.start()
    assert first_created.wait(10)
    second.start()
    first.join(20)
    second.join(20)
    return browser, answers


def test_a_double_clicked_sign_up_answers_both_clicks_with_the_code_page(monkeypatch):
    browser, answers = _race(monkeypatch, FORM)

    assert answers == {
        "first": (302, "/tai-khoan/dang-ky/xac-minh/"),
        "second": (302, "/tai-khoan/dang-ky/xac-minh/"),
    }
    account = LocalAccount.objects.get(login="hoa@example.vn")
    assert browser.session["identity_signup_pending"]["account"] == account.pk


def test_another_sign_up_racing_on_the_same_login_is_told_to_wait(monkeypatch):
    other = {**FORM, "password": "Sen-hong-2026-thanh-hoa", "password_again": "Sen-hong-2026-thanh-hoa"}

    _browser, answers = _race(monkeypatch, other)

    assert answers == {"first": (302, "/tai-khoan/dang-ky/xac-minh/"), "second": (400, None)}
    assert LocalAccount.objects.get(login="hoa@example.vn").user.check_password(FORM["password"])
