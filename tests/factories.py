"""factory_boy factories shared by the test suite."""

from datetime import datetime

import factory

from chinhquyen.directory.models import Agency, AgencyKind, Applicant, ApplicantKind, StaffRole, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn A"
    last_name = "Nguyễn"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    password = factory.django.Password("pw-test-123")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    # H99: never the demo province's H37 codes that tests write out by hand.
    code = factory.Sequence(lambda n: f"9{n // 10000 % 100:02d}.{n % 100:02d}.{n // 100 % 100:02d}.H99")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT
    address = "Số 2 đường Lê Hồng Phong"
    address_division_code = "14329"  # Phường Hoa Lư: the post office needs the commune of the address
    phone = "02293871234"


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory, is_staff=True)
    agency = factory.SubFactory(AgencyFactory)
    role = "specialist"


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant
        skip_postgeneration_save = True

    kind = ApplicantKind.CITIZEN
    name = "Trần Thị Bình"
    personal_id = factory.Sequence(lambda n: f"0371900{n:05d}")

    @factory.post_generation
    def verified(applicant, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the instance
        """An account owning the record has been verified by the national identity, unless ``verified=False``
        (a local account whose ID number was only typed in)."""
        if create and applicant.user_id is not None and extracted is not False:
            identity_verify(applicant.user)


def identity_verify(user) -> None:
    from django.utils import timezone

    from chinhquyen.identity.models import VerifiedIdentity

    now = timezone.now()
    VerifiedIdentity.objects.get_or_create(
        user=user,
        defaults={
            "issuer": "https://vneid.test",
            "subject": f"sub-{user.pk}",
            "first_verified_at": now,
            "last_verified_at": now,
        },
    )


def working_days_later(at: datetime, days: int) -> datetime:
    """``days`` working days after ``at``, in Vietnam time: within working hours, as a letter's new date must be."""
    from chinhquyen.workcal.engine import TZ
    from chinhquyen.workcal.selectors import deadline_add_working_hours

    return deadline_add_working_hours(start=at, hours=8 * days).astimezone(TZ)
