from datetime import date

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.directory import selectors, services
from chinhquyen.directory.models import Agency, Applicant, Role, StaffRole
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_agency_cannot_be_placed_under_its_own_descendant():
    root = AgencyFactory(code="000.00.00.H37")
    child = AgencyFactory(code="000.01.00.H37", parent=root)
    grandchild = AgencyFactory(code="000.01.01.H37", parent=child)

    root.parent = grandchild
    with pytest.raises(ValidationError) as exc:
        services.agency_save(agency=root)

    assert exc.value.message_dict == {
        "parent": ["Một cơ quan không thể đặt dưới chính nó hoặc đơn vị cấp dưới của nó."]
    }
    root.refresh_from_db()
    assert root.parent is None


def test_agency_refuses_an_unknown_division_code():
    agency = Agency(code="000.02.00.H37", name="Sở Tư pháp", kind="department", division_code="99")
    with pytest.raises(ValidationError) as exc:
        services.agency_save(agency=agency)
    assert list(exc.value.message_dict) == ["division_code"]
    assert Agency.objects.count() == 0


def test_agency_accepts_a_2025_commune_code():
    agency = services.agency_save(
        agency=Agency(code="000.00.01.H37", name="UBND xã Gia Viễn", kind="commune_committee", division_code="14464")
    )
    assert Agency.objects.get(pk=agency.pk).division_code == "14464"


CSV_OK = """code,name,name_en,kind,parent_code,division_code,address,phone,email
000.01.00.H37,Sở Tư pháp,Department of Justice,department,000.00.00.H37,37,,,
000.00.00.H37,UBND tỉnh Ninh Bình,Provincial People's Committee,province_committee,,37,,,
"""


def test_agencies_import_csv_links_parents_defined_later():
    result = services.agencies_import_csv(data=CSV_OK)

    assert result.errors == []
    assert (result.created, result.updated) == (2, 0)
    assert Agency.objects.get(code="000.01.00.H37").parent.code == "000.00.00.H37"


def test_agencies_import_csv_updates_on_second_run():
    services.agencies_import_csv(data=CSV_OK)
    result = services.agencies_import_csv(data=CSV_OK.replace("Sở Tư pháp", "Sở Tư pháp tỉnh"))
    assert (result.created, result.updated) == (0, 2)
    assert Agency.objects.get(code="000.01.00.H37").name == "Sở Tư pháp tỉnh"


def test_agencies_import_csv_refuses_the_whole_file_with_each_bad_line():
    data = CSV_OK + (
        "000.02.00.H37,Sở Xây dựng,,department,000.09.00.H37,37,,,\n"
        "bad-code,Sở Tài chính,,department,,37,,,\n"
        "000.03.00.H37,,,department,,37,,,\n"
    )
    result = services.agencies_import_csv(data=data)

    assert result.errors[0].startswith("Dòng 5: code:")
    assert result.errors[1].startswith("Dòng 6: name:")
    assert result.errors[2] == "Dòng 4: cơ quan cấp trên 000.09.00.H37 không tồn tại."
    assert len(result.errors) == 3
    assert (result.created, result.updated) == (0, 0)
    assert Agency.objects.count() == 0


def test_agencies_import_csv_refuses_a_file_without_required_columns():
    result = services.agencies_import_csv(data="code,name\n000.01.00.H37,Sở Tư pháp\n")
    assert result.errors == ["Tệp thiếu (các) cột: kind."]
    assert Agency.objects.count() == 0


def test_agencies_import_csv_refuses_a_cycle():
    services.agencies_import_csv(data=CSV_OK)
    cyclic = CSV_OK.replace("province_committee,,37", "province_committee,000.01.00.H37,37")
    result = services.agencies_import_csv(data=cyclic)
    assert result.errors == ["Dòng 3: parent: Một cơ quan không thể đặt dưới chính nó hoặc đơn vị cấp dưới của nó."]
    assert Agency.objects.get(code="000.00.00.H37").parent is None


def test_staff_role_grant_is_idempotent_and_makes_the_user_staff():
    user = UserFactory(username="chuyenvien")
    agency = AgencyFactory()

    services.staff_role_grant(user=user, agency=agency, role=Role.SPECIALIST)
    services.staff_role_grant(user=user, agency=agency, role=Role.SPECIALIST)

    assert StaffRole.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.is_staff is True
    assert selectors.user_has_role(user=user, role=Role.SPECIALIST, agency=agency) is True
    assert selectors.user_has_role(user=user, role=Role.LEADER) is False


def test_citizen_create_validates_the_personal_id():
    with pytest.raises(ValidationError) as exc:
        services.citizen_create(name="Lê Văn C", personal_id="12345", birth_date=date(1990, 1, 1))
    assert list(exc.value.message_dict) == ["personal_id"]
    assert Applicant.objects.count() == 0

    citizen = services.citizen_create(name="Lê Văn C", personal_id="037090001234", birth_date=date(1990, 1, 1))
    assert selectors.applicant_find(identifier="037090001234") == citizen


def test_citizen_personal_id_is_unique():
    services.citizen_create(name="Lê Văn C", personal_id="037090001234")
    with pytest.raises(ValidationError):
        services.citizen_create(name="Lê Văn D", personal_id="037090001234")


def test_organisation_create_validates_the_tax_code():
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(name="Công ty X", tax_code="0300588568")
    assert list(exc.value.message_dict) == ["tax_code"]
    org = services.organisation_create(name="Công ty Y", tax_code="0300588569")
    assert selectors.applicant_find(identifier="0300588569") == org


def test_agency_subtree_ids():
    root = AgencyFactory()
    child = AgencyFactory(parent=root)
    grandchild = AgencyFactory(parent=child)
    AgencyFactory()
    assert selectors.agency_subtree_ids(agency=root) == {root.pk, child.pk, grandchild.pk}
