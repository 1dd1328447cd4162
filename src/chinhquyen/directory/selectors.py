"""Reads for the directory."""

from django.db.models import QuerySet

from .models import Agency, Applicant, Role, StaffRole, User


def agency_subtree_ids(*, agency: Agency) -> set[int]:
    """Return the ids of ``agency`` and every agency below it."""
    ids = {agency.pk}
    frontier = [agency.pk]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(frontier)
    return ids


def user_roles(*, user: User) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(user=user).select_related("agency")


def user_has_role(*, user: User, role: Role | str, agency: Agency | None = None) -> bool:
    """True if ``user`` holds ``role`` (in ``agency`` when given)."""
    if not user.is_authenticated:
        return False
    roles = StaffRole.objects.filter(user=user, role=role)
    if agency is not None:
        roles = roles.filter(agency=agency)
    return roles.exists()


def applicant_find(*, identifier: str) -> Applicant | None:
    """Find an applicant by personal identification number or tax code."""
    identifier = identifier.strip()
    return (
        Applicant.objects.filter(personal_id=identifier).first()
        or Applicant.objects.filter(tax_code=identifier).first()
    )


def agency_list() -> list[Agency]:
    """Active agencies by code, with their parent's code (the directory the API publishes)."""
    return list(Agency.objects.filter(is_active=True).select_related("parent").order_by("code"))


def agency_by_code(*, code: str) -> Agency | None:
    return Agency.objects.filter(is_active=True, code=code).select_related("parent").first()


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()
