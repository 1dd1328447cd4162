"""A local stand-in for the national identity provider (VNeID), for development and tests.

It speaks OpenID Connect's authorisation-code flow (discovery, authorise, token, userinfo, JWKS) and
issues real RS256-signed ID tokens from a key generated once under ``VAR_DIR``. The authorise page lists
the demo people instead of asking for a password. Mounted at ``/idp-sim/`` only when ``IDP_SIMULATOR``
is on, which production refuses.
"""
