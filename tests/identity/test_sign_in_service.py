"""Claims -> account and applicant: create, link, update without blanks, never an official."""

from datetime import date

import pytest

from chinhquyen.core.errors import NotAllowed
from chinhquyen.core.models import AuditEntry
from chinhquyen.directory.models import Applicant, ApplicantKind, User
from chinhquyen.identity.claims import claims_parse
from chinhquyen.identity.models import LocalAccount, VerifiedIdentity
from chinhquyen.identity.services import applicant_contact_update, identity_sign_in
from tests.factories import StaffRoleFactory, UserFactory

from .helpers import AN, KHOA, claims_of, demo_citizen

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver/idp-sim"


def sign_in(person=AN, **changes) -> User:
    return identity_sign_in(claims=claims_parse(claims_of(person, **changes), issuer=ISSUER))


def actions() -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith="identity.").values_list("action", flat=True))


def test_first_sign_in_of_an_unknown_citizen_creates_account_and_applicant():
    user = sign_in()

    applicant = Applicant.objects.get(user=user)
    assert applicant.kind == ApplicantKind.CITIZEN
    assert (applicant.name, applicant.personal_id, applicant.birth_date) == (
        "Nguyễn Văn An",
        "037090001234",
        date(1990, 3, 15),
    )
    assert (applicant.phone, applicant.email, applicant.address) == (
        "0912345678",
        "congdan@example.vn",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    )
    assert (user.first_name, user.last_name, user.email, user.phone) == (
        "An",
        "Nguyễn Văn",
        "congdan@example.vn",
        "0912345678",
    )
    assert user.username.startswith("vneid-")
    assert AN.personal_id not in user.username
    assert not user.has_usable_password()
    assert VerifiedIdentity.objects.get(user=user).claims["personal_id"] == "037090001234"
    assert actions() == ["identity.account_create"]


def test_an_applicant_made_at_the_counter_is_linked_not_duplicated():
    counter = demo_citizen(AN, phone="0911111111")

    user = sign_in()

    counter.refresh_from_db()
    assert counter.user == user
    assert Applicant.objects.count() == 1
    # Filled from the identity the first time: the counter's phone is replaced by the provider's.
    assert counter.phone == "0912345678"
    entry = AuditEntry.objects.get(action="identity.applicant_link")
    assert (entry.target, entry.data) == (f"applicant:{counter.pk}", {"user": user.pk, "issuer": ISSUER})


def test_the_next_sign_in_lands_on_the_same_account():
    first = sign_in()
    second = sign_in()

    assert first == second
    assert User.objects.count() == 1
    assert actions() == ["identity.account_create"]


def test_a_demo_account_with_a_password_signs_in_as_itself():
    demo_user = UserFactory(username="congdan")
    demo_citizen(AN, user=demo_user)

    assert sign_in() == demo_user
    demo_user.refresh_from_db()
    assert demo_user.has_usable_password()


def test_later_sign_ins_update_from_claims_but_never_with_blanks():
    user = sign_in()

    sign_in(name="Nguyễn Văn Anh", phone_number="", email="", address=None)

    applicant = Applicant.objects.get(user=user)
    assert applicant.name == "Nguyễn Văn Anh"
    assert (applicant.phone, applicant.email, applicant.address) == (
        "0912345678",
        "congdan@example.vn",
        "Phường Hoa Lư, tỉnh Ninh Bình",
    )
    entry = AuditEntry.objects.get(action="identity.profile_sync")
    assert entry.data == {"fields": ["name"]}


def test_contact_details_changed_on_the_portal_are_kept_at_the_next_sign_in():
    user = sign_in()
    applicant_contact_update(user=user, phone="0987000111", email="", address="Số 1 Tràng An")

    sign_in(phone_number="0912345678", email="moi@example.vn")

    applicant = Applicant.objects.get(user=user)
    # Changed here: kept. Cleared here, then a new provider value: filled again. Address unchanged there: kept.
    assert (applicant.phone, applicant.email, applicant.address) == ("0987000111", "moi@example.vn", "Số 1 Tràng An")


def test_the_provider_changing_a_contact_detail_updates_it():
    user = sign_in()

    sign_in(phone_number="0977123456")

    assert Applicant.objects.get(user=user).phone == "0977123456"


def test_an_organisation_signs_in_through_its_representative():
    user = sign_in(KHOA)

    applicant = Applicant.objects.get(user=user)
    assert (applicant.kind, applicant.name, applicant.tax_code, applicant.representative) == (
        ApplicantKind.ORGANISATION,
        "Công ty TNHH Tràng An Xanh",
        "2700123459",
        "Lê Minh Khoa",
    )
    assert applicant.personal_id == ""
    assert user.get_full_name() == "Công ty TNHH Tràng An Xanh"
    # The person's own citizen record is not the organisation's account.
    assert not Applicant.objects.filter(personal_id=KHOA.personal_id).exists()


def test_an_existing_organisation_gets_its_representative_from_the_claims():
    demo_user = UserFactory(username="doanhnghiep")
    from chinhquyen.directory import services as directory_services

    org = directory_services.organisation_create(
        name="Công ty TNHH Tràng An Xanh", tax_code="2700123459", user=demo_user, representative="Người cũ"
    )

    assert sign_in(KHOA) == demo_user
    org.refresh_from_db()
    assert org.representative == "Lê Minh Khoa"


@pytest.mark.parametrize("how", ["staff-flag", "agency-role"])
def test_an_officials_account_never_signs_in_through_the_national_identity(how):
    official = UserFactory(is_staff=True) if how == "staff-flag" else StaffRoleFactory().user
    if how == "agency-role":
        User.objects.filter(pk=official.pk).update(is_staff=False)
    demo_citizen(AN, user=official)

    with pytest.raises(NotAllowed) as exc:
        sign_in()

    assert exc.value.code == "identity_official"
    assert not VerifiedIdentity.objects.exists()


def test_a_locked_account_does_not_sign_in():
    locked = UserFactory(is_active=False)
    demo_citizen(AN, user=locked)

    with pytest.raises(NotAllowed) as exc:
        sign_in()

    assert exc.value.code == "identity_inactive"


def _local_account_for(person, login: str) -> User:
    user = UserFactory()
    demo_citizen(person, user=user)
    LocalAccount.objects.create(user=user, login=login, channel="email")
    return user


def test_a_stranger_who_typed_someones_id_in_a_local_account_loses_the_password():
    squatter = _local_account_for(AN, "stranger@example.vn")

    user = sign_in()

    assert user == squatter
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert "identity.local_password_revoke" in actions()


def test_a_local_account_on_the_persons_own_address_keeps_its_password():
    own = _local_account_for(AN, "congdan@example.vn")

    sign_in()

    own.refresh_from_db()
    assert own.has_usable_password()
    assert "identity.local_password_revoke" not in actions()
