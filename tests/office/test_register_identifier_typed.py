"""An ID number or tax code typed in groups or with full-width digits is stored as ASCII digits, and found."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.directory import services
from chinhquyen.directory.models import Applicant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["037 090 001 234", "０３７０９０００１２３４", " 037090001234 "])
def test_a_citizen_registered_at_the_counter_gets_the_number_in_ascii(as_user, office, typed):
    response = as_user(office.front_desk).post(
        reverse("office:applicant_create"),
        {"kind": "citizen", "citizen-name": "Lê Văn Cường", "citizen-personal_id": typed},
    )

    assert response.status_code == 302
    assert Applicant.objects.get().personal_id == "037090001234"


def test_the_same_number_typed_in_full_width_is_a_duplicate():
    services.citizen_create(name="Lê Văn C", personal_id="037090001234")

    with pytest.raises(ValidationError) as refused:
        services.citizen_create(name="Lê Văn D", personal_id="０３７０９０００１２３４")

    assert list(refused.value.message_dict) == ["personal_id"]
    assert Applicant.objects.count() == 1


def test_an_organisation_tax_code_in_groups_is_stored_whole():
    organisation = services.organisation_create(name="Công ty TNHH A", tax_code="0300 588 569")

    assert organisation.tax_code == "0300588569"
