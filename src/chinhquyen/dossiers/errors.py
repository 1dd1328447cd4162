"""Refusals of the dossier domain, each with a stable code."""

from chinhquyen.core.errors import DomainError


class TransitionRefused(DomainError):
    """A transition the state machine, the actor's roles or a guard does not allow."""

    code = "transition_not_allowed"


class DossierNotFound(DomainError):
    """No dossier, or one the officer's agencies may not see (the two are not told apart)."""

    code = "dossier_not_found"


class SigningUnavailable(DomainError):
    """The agency cannot sign now: no key or certificate installed, or none usable (the cause is logged)."""

    code = "signing_unavailable"
