"""An applicant registered twice: a clear message at the number, and a double click lands on the record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.directory import selectors, services
from chinhquyen.directory.models import Applicant
from tests.factories import CitizenFactory
from tests.office.helpers import login, office_make

pytestmark = pytest.mark.django_db

# In Vietnamese, the site's language, as the services raise them.
DUPLICATE_ID = "Người có số định danh này đã được đăng ký: hãy tìm kiếm người đó."
DUPLICATE_TAX_CODE = "Tổ chức có mã số thuế này đã được đăng ký: hãy tìm kiếm tổ chức đó."
PHONE_INVALID = "Nhập số điện thoại Việt Nam, ví dụ 0912345678 hoặc 02438251234."
# The same on the office's pages, which these tests ask for in English.
DUPLICATE_ID_EN = "An applicant with this ID number is already registered: search for them."
DUPLICATE_TAX_CODE_EN = "An organisation with this tax code is already registered: search for it."
PHONE_INVALID_EN = "Enter a Vietnamese phone number such as 0912345678 or 02438251234."


def _refusal(call) -> dict[str, list[tuple[str, str]]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return {field: [(e.code, e.messages[0]) for e in errors] for field, errors in refused.value.error_dict.items()}


# --- The directory's services ----------------------------------------------------------------------


def test_a_second_citizen_with_the_same_id_number_is_refused_at_the_number():
    services.citizen_create(name="Lê Văn C", personal_id="037090001234")

    errors = _refusal(lambda: services.citizen_create(name="Lê Văn D", personal_id="037090001234"))

    assert errors == {"personal_id": [("unique", DUPLICATE_ID)]}
    assert Applicant.objects.count() == 1


def test_a_second_organisation_with_the_same_tax_code_is_refused_at_the_tax_code():
    services.organisation_create(name="Công ty Y", tax_code="0300588569")

    errors = _refusal(lambda: services.organisation_create(name="Công ty Z", tax_code="0300588569"))

    assert errors == {"tax_code": [("unique", DUPLICATE_TAX_CODE)]}


def test_the_same_number_saved_by_two_requests_at_once_is_refused_with_the_same_message(monkeypatch):
    services.citizen_create(name="Lê Văn C", personal_id="037090001234")
    # The other request's row was not there yet when this one checked.
    monkeypatch.setattr(Applicant, "validate_constraints", lambda self, exclude=None: None)

    errors = _refusal(lambda: services.citizen_create(name="Lê Văn C", personal_id="037090001234"))

    assert errors == {"personal_id": [("unique", DUPLICATE_ID)]}
    assert Applicant.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("0912345678", "0912345678", id="mobile"),
        pytest.param("+84 912.345.678", "0912345678", id="international-with-dots"),
        pytest.param("024 3825 1234", "02438251234", id="landline"),
        pytest.param("", "", id="none"),
    ],
)
def test_the_phone_is_kept_in_the_national_format(typed, stored):
    applicant = services.citizen_create(name="Lê Văn C", personal_id="037090001234", phone=typed)

    assert Applicant.objects.get(pk=applicant.pk).phone == stored


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("091234567", id="a-digit-short"),
        pytest.param("abc-khong-phai-so", id="letters"),
        pytest.param("912345678", id="no-leading-zero"),
    ],
)
def test_a_phone_that_is_not_a_vietnamese_number_is_refused(typed):
    errors = _refusal(lambda: services.citizen_create(name="Lê Văn C", personal_id="037090001234", phone=typed))

    assert errors == {"phone": [("phone_invalid", PHONE_INVALID)]}
    assert Applicant.objects.count() == 0


def test_the_registration_sent_again_is_recognised_by_number_and_name():
    applicant = CitizenFactory(name="Lê Văn Cường", personal_id="037090001234")

    assert selectors.applicant_registered_as(identifier="037090001234", name=" lê văn  cường ") == applicant
    assert selectors.applicant_registered_as(identifier="037090001234", name="Lê Văn Dũng") is None
    assert selectors.applicant_registered_as(identifier="", name="Lê Văn Cường") is None


# --- At the counter --------------------------------------------------------------------------------


@pytest.fixture
def front_desk(client):
    office = office_make(prefix="d")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, office.front_desk)
    return client


CITIZEN = {"kind": "citizen", "citizen-name": "Lê Văn Cường", "citizen-personal_id": "037090001234"}


def test_register_citizen_clicked_twice_lands_on_the_applicant_registered_by_the_first_click(front_desk):
    first = front_desk.post(reverse("office:applicant_create"), CITIZEN)
    second = front_desk.post(reverse("office:applicant_create"), CITIZEN, follow=True)

    applicant = Applicant.objects.get()
    assert first.status_code == 302
    assert second.redirect_chain[0][0].startswith(reverse("office:reception") + "?applicant=")
    assert second.context["applicant"] == applicant
    assert [str(m) for m in second.context["messages"]] == [
        "Applicant Lê Văn Cường registered.",  # the first click's, shown on the page the second one lands on
        "Lê Văn Cường is registered already.",
    ]


def test_a_number_registered_under_another_name_is_refused_with_a_clear_message(front_desk):
    CitizenFactory(name="Trần Thị Bình", personal_id="037090001234")

    response = front_desk.post(reverse("office:applicant_create"), CITIZEN)
    body = response.content.decode()

    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_citizen-personal_id_errors"><li>{DUPLICATE_ID_EN}</li></ul>' in body
    assert "Constraint" not in body
    assert Applicant.objects.count() == 1


def test_an_organisation_registered_twice_under_another_name_is_refused_at_the_tax_code(front_desk):
    services.organisation_create(name="Công ty Y", tax_code="0300588569")

    response = front_desk.post(
        reverse("office:applicant_create"),
        {"kind": "organisation", "org-name": "Công ty Z", "org-tax_code": "0300588569"},
    )

    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_org-tax_code_errors"><li>{DUPLICATE_TAX_CODE_EN}</li></ul>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(("kind", "prefix"), [("citizen", "citizen"), ("organisation", "org")])
def test_the_counter_refuses_a_phone_that_is_not_a_number_at_the_phone(front_desk, kind, prefix):
    data = {
        "kind": kind,
        f"{prefix}-name": "Lê Văn Cường",
        f"{prefix}-personal_id": "037090001234",
        f"{prefix}-tax_code": "0300588569",
        f"{prefix}-phone": "abc-khong-phai-so",
    }

    response = front_desk.post(reverse("office:applicant_create"), data)

    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_{prefix}-phone_errors"><li>{PHONE_INVALID_EN}</li></ul>' in (
        response.content.decode()
    )
    assert Applicant.objects.count() == 0


def test_the_counter_stores_the_phone_typed_with_spaces_in_the_national_format(front_desk):
    response = front_desk.post(reverse("office:applicant_create"), {**CITIZEN, "citizen-phone": "0912 345 678"})

    assert response.status_code == 302
    assert Applicant.objects.get().phone == "0912345678"
