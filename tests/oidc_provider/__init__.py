"""A small, real OpenID Connect provider for the tests (django-oauth-toolkit), run by
`tests/oidc/conftest.py` in a subprocess on a free port with its own PostgreSQL database.

It stands in for the State's NY.gov ID: a sign-in page, authorization code flow with PKCE, ID
tokens signed RS256 with a key published at its JWKS endpoint, user info, and end-session
(RP-initiated logout). Two test clients make it misbehave on purpose (provider_validator.py).
"""
