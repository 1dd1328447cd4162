"""The petition workflow: one table of every allowed move (received → being handled → answered → published,
and back to answered when a published answer is withdrawn from public view).

Each row names the source statuses, the action, the target status (``None``: unchanged), the roles
that may act and where those roles count (``Scope``), and an optional guard. :func:`transition_find`
is the only door: every petition service calls it before changing anything.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyen.directory.models import Role, StaffRole, User
from chinhquyen.directory.selectors import Roles

from .errors import PetitionRefused
from .models import Petition, PetitionStatus

P = PetitionStatus
SENDER = "sender"  # the account that filed the petition while signed in


class Scope(Enum):
    """Where a role counts."""

    RESPONSIBLE = "responsible"  # in the agency responsible for the petition
    PROVINCE = "province"  # anywhere: the role is province-wide (province administrators)


Guard = Callable[[Petition, User], PetitionRefused | None]


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[str]
    scope: Scope
    guard: Guard | None = None


def _not_rated(petition: Petition, user: User) -> PetitionRefused | None:
    if petition.answered_at is None:  # closed without an answer: nothing to rate
        return PetitionRefused(_("The petition was closed without an answer."), code="not_answered")
    if petition.sender_satisfied is not None:
        return PetitionRefused(_("You have already said whether the answer satisfied you."), code="already_rated")
    return None


def _s(*statuses: str) -> frozenset[str]:
    return frozenset(statuses)


HANDLERS = frozenset({Role.FRONT_DESK, Role.SPECIALIST, Role.LEADER})
DISPATCHERS = frozenset({Role.FRONT_DESK, Role.LEADER, Role.AGENCY_ADMIN})
LEADER = frozenset({Role.LEADER})
PROVINCE = frozenset({Role.PROVINCE_ADMIN})
OPEN = _s(P.RECEIVED, P.ASSIGNED, P.ANSWERED)
ANY = _s(*P.values)

TRANSITIONS: tuple[Transition, ...] = (
    # Province administrators route any petition; an agency's dispatchers accept or pass on their own.
    Transition("assign", _s(P.RECEIVED, P.ASSIGNED), P.ASSIGNED, PROVINCE, Scope.PROVINCE),
    Transition("assign", _s(P.RECEIVED, P.ASSIGNED), P.ASSIGNED, DISPATCHERS, Scope.RESPONSIBLE),
    Transition("answer", _s(P.ASSIGNED), P.ANSWERED, HANDLERS, Scope.RESPONSIBLE),
    Transition("publish", _s(P.ANSWERED), P.PUBLISHED, LEADER, Scope.RESPONSIBLE),
    # A published text found wrong (a mistake, personal data left in) is withdrawn; republishing is a new publish.
    Transition("unpublish", _s(P.PUBLISHED), P.ANSWERED, LEADER, Scope.RESPONSIBLE),
    Transition("unpublish", _s(P.PUBLISHED), P.ANSWERED, PROVINCE, Scope.PROVINCE),
    Transition("close", OPEN, P.CLOSED, LEADER, Scope.RESPONSIBLE),
    Transition("close", OPEN, P.CLOSED, PROVINCE, Scope.PROVINCE),
    Transition("note", ANY, None, HANDLERS | DISPATCHERS, Scope.RESPONSIBLE),
    Transition("note", ANY, None, PROVINCE, Scope.PROVINCE),
    # A petition closed after its answer (not published) is still the sender's to rate.
    Transition(
        "rate_answer", _s(P.ANSWERED, P.PUBLISHED, P.CLOSED), None, frozenset({SENDER}), Scope.RESPONSIBLE, _not_rated
    ),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(row.action for row in TRANSITIONS))
# The actions in words, for refusals that name one.
PETITION_ACTION_NAMES: dict[str, Promise] = {
    "assign": gettext_lazy("assign the petition"),
    "answer": gettext_lazy("answer the petition"),
    "publish": gettext_lazy("publish the answer"),
    "unpublish": gettext_lazy("withdraw the published answer"),
    "close": gettext_lazy("close the petition"),
    "note": gettext_lazy("add an internal note"),
    "rate_answer": gettext_lazy("rate the answer"),
}
# Actions officials take in the office (the sender's own action is taken on the portal).
OFFICE_ACTIONS: tuple[str, ...] = tuple(a for a in ACTIONS if a != "rate_answer")


def user_roles_load(*, user: User) -> Roles:
    """The (agency id, role) pairs ``user`` holds in force (none in an inactive agency), in one query."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(StaffRole.objects.in_force().filter(user=user).values_list("agency_id", "role"))


def _allowed(row: Transition, petition: Petition, user: User, roles: Roles) -> bool:
    for role in row.roles:
        if role == SENDER:
            if user.is_authenticated and petition.sender_user_id == user.pk:
                return True
        elif row.scope is Scope.PROVINCE:
            if any(held == role for _agency, held in roles):
                return True
        elif petition.agency_id is not None and (petition.agency_id, role) in roles:
            return True
    return False


def transition_find(*, petition: Petition, action: str, user: User, roles: Roles | None = None) -> Transition:
    """Return the row allowing ``user`` to take ``action`` on ``petition`` now, or raise PetitionRefused."""
    if roles is None:
        roles = user_roles_load(user=user)
    rows = [row for row in TRANSITIONS if row.action == action]
    if not rows:
        raise PetitionRefused(_("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action")
    permitted = [row for row in rows if _allowed(row, petition, user, roles)]
    if not permitted:
        raise PetitionRefused(
            _("You do not hold a role that may take the action “%(action)s” on this petition.")
            % {"action": str(PETITION_ACTION_NAMES.get(action, action))},
            code="role_required",
        )
    in_state = [row for row in permitted if petition.status in row.sources]
    if not in_state:
        raise PetitionRefused(
            _("The action “%(action)s” is not allowed while the petition is “%(status)s”.")
            % {
                "action": str(PETITION_ACTION_NAMES.get(action, action)),
                "status": PetitionStatus(petition.status).label,
            },
            code="transition_not_allowed",
        )
    refusal: PetitionRefused | None = None
    for row in in_state:
        refusal = row.guard(petition, user) if row.guard is not None else None
        if refusal is None:
            return row
    assert refusal is not None  # noqa: S101 - in_state is not empty, so a guard refused
    raise refusal


def transition_actions(*, petition: Petition, user: User, roles: Roles | None = None) -> list[str]:
    """The office actions ``user`` may take on ``petition`` now, in table order."""
    if roles is None:
        roles = user_roles_load(user=user)
    allowed = []
    for action in OFFICE_ACTIONS:
        try:
            transition_find(petition=petition, action=action, user=user, roles=roles)
        except PetitionRefused:
            continue
        allowed.append(action)
    return allowed
