"""Refusals of the feedback domain, each with a stable code."""

from chinhquyen.core.errors import DomainError


class RatingRefused(DomainError):
    """A rating that may not be given: not the applicant's dossier, not returned yet, or rated already."""

    code = "rating_refused"


class PetitionRefused(DomainError):
    """A petition action the transitions table, the actor's roles or a guard does not allow."""

    code = "transition_not_allowed"


class PetitionNotFound(DomainError):
    """No petition, or one the caller may not see (the two are not told apart)."""

    code = "petition_not_found"
