"""A NUL in a page's query string is answered 400 with a page in the reader's language, never a 500 from the
database (PostgreSQL holds no NUL in text); the API keeps its own error shape."""

import pytest
from django.utils.translation import gettext, override

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "/admin/directory/agency/?kind=%00",
        "/thu-tuc/?q=a%00b",
        "/phan-anh-kien-nghi/?q=%00",
        "/tra-cuu-ho-so/?code=%00",
        "/thu-tuc/?%00=1",
    ],
)
def test_a_nul_in_the_query_string_is_a_400_page(admin_client, address):
    response = admin_client.get(address, headers={"accept-language": "vi"})

    assert response.status_code == 400
    with override("vi"):
        assert gettext("The address cannot be read") in response.content.decode()


def test_the_api_is_left_to_answer_in_its_own_shape(client):
    # The catalog search reads a NUL as nothing: no page of HTML in place of its JSON.
    response = client.get("/api/v1/catalog/procedures", {"q": "a\x00b"})

    assert (response.status_code, response["Content-Type"]) == (200, "application/json; charset=utf-8")


def test_an_ordinary_query_is_untouched(client):
    assert client.get("/thu-tuc/", {"q": "khai sinh"}).status_code == 200
