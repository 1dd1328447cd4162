"""Error pages speak the page's language: 403, 404, 500, a refused CSRF token, Django's NUL message."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.office.helpers import login, office_make

pytestmark = pytest.mark.django_db


def test_a_page_not_found_is_vietnamese(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="vi")

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in body
    assert "Not Found" not in body


def test_an_officer_without_the_role_gets_a_vietnamese_403(client):
    office = office_make()
    login(client, office.specialist)

    response = client.get(reverse("office:reception"), HTTP_ACCEPT_LANGUAGE="vi")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Bạn không có quyền mở trang này</h1>" in body
    assert "Forbidden" not in body


def test_a_form_without_its_csrf_token_is_explained_in_vietnamese():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/tai-khoan/dang-nhap/", {"login": "x"}, HTTP_ACCEPT_LANGUAGE="vi")

    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Trang đã hết hạn</h1>" in body
    assert "CSRF verification failed" not in body


def test_the_server_error_page_is_vietnamese_and_stands_alone():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("vi"):
        html = render_to_string("500.html")

    assert '<html lang="vi">' in html
    assert "<h1>Đã xảy ra lỗi</h1>" in html


def test_a_nul_in_a_form_is_refused_in_vietnamese(client):
    response = client.post(
        reverse("portal:petition_file"), {"subject": "a\x00b", "content": "x"}, HTTP_ACCEPT_LANGUAGE="vi"
    )

    body = response.content.decode()
    assert "Không được chứa ký tự rỗng (NUL)." in body
    assert "Null characters are not allowed." not in body
