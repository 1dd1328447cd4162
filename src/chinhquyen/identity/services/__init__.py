"""Writes for citizens' sign-in: national identity, local accounts, the applicant's contact details."""

from .bearer import bearer_sign_in
from .codes import CodeCheck, code_check, code_issue, code_resend_wait
from .local import (
    SIGNUP_GONE,
    local_code_resend,
    local_sign_in,
    local_signup_attempt,
    local_signup_start,
    local_signup_verify,
    login_parse,
)
from .oidc import identity_sign_in
from .profile import applicant_contact_update
from .sweep import SweepResult, identity_sweep

__all__ = [
    "SIGNUP_GONE",
    "CodeCheck",
    "SweepResult",
    "applicant_contact_update",
    "bearer_sign_in",
    "code_check",
    "code_issue",
    "code_resend_wait",
    "identity_sign_in",
    "identity_sweep",
    "local_code_resend",
    "local_sign_in",
    "local_signup_attempt",
    "local_signup_start",
    "local_signup_verify",
    "login_parse",
]
