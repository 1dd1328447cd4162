"""Reads for the directory."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat
from django_otp.plugins.otp_totp.models import TOTPDevice

from chinhquyen.core.compiled import Call, compiled
from chinhquyen.core.text import clean

from .models import Agency, Applicant, Role, StaffRole, User
from .validators import identifier_normalise

Roles = frozenset[tuple[int, str]]  # (agency id, role) pairs a user holds
_BRANCH_TAX_CODE_TYPED = re.compile(r"[0-9]{13}")  # a branch's tax code without its hyphen


class _JoinedText(Aggregate):
    """The group's texts joined with commas (string_agg on PostgreSQL, group_concat elsewhere)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def roles_subquery(user_ref: str) -> Subquery:
    """The roles in force of the user whose id is the outer query's ``user_ref``, as one text for :func:`roles_parse`.

    Annotated on the query that finds a credential or a dossier, it spares the role query of a request.
    """
    pair = Concat(Cast("agency_id", CharField()), Value(":"), "role", output_field=TextField())
    joined = (
        StaffRole.objects.in_force()
        .filter(user_id=OuterRef(user_ref))
        .order_by()
        .values("user_id")
        .annotate(pairs=_JoinedText(pair))
        .values("pairs")
    )
    return Subquery(joined, output_field=TextField())


def roles_in_force_sql(*, select: str, quote: Callable[[str], str]) -> str:
    """:meth:`StaffRoleQuerySet.in_force` for one user in raw SQL, for the role reads written by hand on hot paths.

    ``SELECT select`` over the user's roles (alias ``r``) joined to their active agencies (alias ``a``); the
    user's id is the one parameter. ``quote`` is the connection's ``ops.quote_name``.
    """
    role, agency = quote(StaffRole._meta.db_table), quote(Agency._meta.db_table)
    return (
        f"SELECT {select} FROM {role} r INNER JOIN {agency} a ON a.{quote('id')} = r.{quote('agency_id')} "  # noqa: S608
        f"WHERE r.{quote('user_id')} = %s AND a.{quote('is_active')}"
    )


def roles_parse(text: str | None) -> Roles:
    """The (agency id, role) pairs of "12:leader,12:specialist" as :func:`roles_subquery` gives them."""
    if not text:
        return frozenset()
    return frozenset((int(agency), role) for agency, _, role in (pair.partition(":") for pair in text.split(",")))


def agency_subtree_ids(*, agency: Agency) -> set[int]:
    """Return the ids of ``agency`` and every agency below it."""
    return agencies_subtree_ids(agency_ids=[agency.pk])


def agencies_subtree_ids(*, agency_ids: Iterable[int]) -> set[int]:
    """Return ``agency_ids`` and the ids of every agency below any of them, in one query however deep the tree.

    A recursive query (PostgreSQL and SQLite alike); UNION, not UNION ALL, so a loop in the parents ends.
    """
    roots = sorted(set(agency_ids))
    if not roots:
        return set()
    table = connection.ops.quote_name(Agency._meta.db_table)
    marks = ", ".join(["%s"] * len(roots))
    sql = (
        f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id IN ({marks})"  # noqa: S608 - names only
        f" UNION SELECT a.id FROM {table} a JOIN subtree s ON a.parent_id = s.id) SELECT id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, roots)
        return {row[0] for row in cursor.fetchall()}


def roles_agency_ids(*, roles: Roles) -> set[int]:
    """The agencies whose dossiers, petitions and ratings the holder of ``roles`` may read.

    Each agency where a role is held; a supervisor (giám sát) also oversees every agency below its own
    (a province's supervisor, the whole province), read-only: no transition lists the role. No query
    unless a supervisor role is among ``roles``.
    """
    own = {agency_id for agency_id, _role in roles}
    supervised = [agency_id for agency_id, role in roles if role == Role.SUPERVISOR]
    return own | agencies_subtree_ids(agency_ids=supervised) if supervised else own


def user_roles(*, user: User) -> QuerySet[StaffRole]:
    """The roles in force ``user`` holds (none in an inactive agency), with their agencies."""
    return StaffRole.objects.in_force().filter(user=user).select_related("agency")


def user_has_role(*, user: User, role: Role | str, agency: Agency | None = None) -> bool:
    """True if ``user`` holds ``role`` in force (in ``agency`` when given)."""
    if not user.is_authenticated:
        return False
    roles = StaffRole.objects.in_force().filter(user=user, role=role)
    if agency is not None:
        roles = roles.filter(agency=agency)
    return roles.exists()


def identifier_normal(identifier: str) -> str:
    """An ID number or tax code as stored: without the spaces people type in groups ("037 090 001 234"),
    full-width digits typed with an input method made ASCII, and a branch's 13-digit tax code with the hyphen
    before its branch number ("0101248141001" -> "0101248141-001"), the only form the tax code takes."""
    identifier = "".join(identifier_normalise(identifier).split())
    if _BRANCH_TAX_CODE_TYPED.fullmatch(identifier):
        return f"{identifier[:10]}-{identifier[10:]}"
    return identifier


def applicant_find(*, identifier: str) -> Applicant | None:
    """Find an applicant by personal identification number or tax code (compiled once: every dossier
    submitted through the API names its applicant)."""
    identifier = identifier_normal(identifier)
    return next(iter(_applicant_by_personal_id(value=identifier)), None) or next(
        iter(_applicant_by_tax_code(value=identifier)), None
    )


def applicant_registered_as(*, identifier: str, name: str) -> Applicant | None:
    """The applicant already registered with ``identifier`` under ``name`` (case and spacing aside), else None:
    the registration was sent twice (a double click), not a second person claiming the number."""
    applicant = applicant_find(identifier=identifier) if identifier.strip() else None
    if applicant is None or clean(applicant.name).casefold() != clean(name).casefold():
        return None
    return applicant


def applicant_find_calls(*, identifier: str) -> tuple[Call, Call]:
    """:func:`applicant_find` to run with other reads in one round trip (``compiled_together``): both
    lookups at once; :func:`applicant_found` picks from their results."""
    identifier = identifier_normal(identifier)
    return (_applicant_by_personal_id, {"value": identifier}), (_applicant_by_tax_code, {"value": identifier})


def applicant_found(by_personal_id: list[Applicant], by_tax_code: list[Applicant]) -> Applicant | None:
    """The applicant :func:`applicant_find` returns, from the results of :func:`applicant_find_calls`."""
    return next(iter(by_personal_id or by_tax_code), None)


@compiled(value=str)
def _applicant_by_personal_id(value: str) -> QuerySet[Applicant]:
    return Applicant.objects.filter(personal_id=value).order_by("pk")[:1]


@compiled(value=str)
def _applicant_by_tax_code(value: str) -> QuerySet[Applicant]:
    return Applicant.objects.filter(tax_code=value).order_by("pk")[:1]


def agency_list() -> list[Agency]:
    """Active agencies by code, with their parent's code (the directory the API publishes)."""
    return list(Agency.objects.filter(is_active=True).select_related("parent").order_by("code"))


@compiled(code=str)
def _active_agency(code: str) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True, code=code).select_related("parent").order_by("pk")[:1]


def agency_by_code(*, code: str) -> Agency | None:
    """The active agency with ``code``, with its parent (compiled once)."""
    return next(iter(_active_agency(code=code)), None)


def agency_by_code_any_state(*, code: str) -> Agency | None:
    """The agency with ``code``, active or not: for a service that refuses an inactive one with its own word."""
    return Agency.objects.filter(code=code).first()


def agency_by_code_call(*, code: str) -> Call:
    """:func:`agency_by_code` to run with other reads in one round trip (``compiled_together``)."""
    return (_active_agency, {"code": code})


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def is_province_admin(user: Any) -> bool:
    """A superuser or a holder of the province administrator role in force: issues and revokes credentials,
    hands an agency's work over to its successor."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or StaffRole.objects.in_force().filter(user=user, role=Role.PROVINCE_ADMIN).exists()


def totp_confirmed(*, user: Any) -> bool:
    """Whether ``user`` has a confirmed TOTP device: the office's second factor, also needed to hold a token."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
