"""Deny by default: every URL but sign-in, static files and /healthz needs a signed-in user."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PUBLIC = {"/accounts/login/", "/healthz"}
# Sign-in with NY.gov ID is the way in, so it asks no one to sign in first; with the provider
# not configured (as here) it is not there at all (facilities/oidc.py).
SIGN_IN_FLOW = {"/oidc/authenticate/", "/oidc/callback/"}
SAMPLE = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _concrete(pattern) -> str:
    """A concrete path that the pattern matches, with sample values for its parameters."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
    regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    regex = re.sub(r"\(\?P<app_label>[^)]*\)", "auth", regex)
    regex = re.sub(r"\(\?P<\w+>[^)]*\)", "1", regex)
    return regex.replace("\\", "")


def all_paths(patterns=None, prefix: str = "/") -> list[str]:
    paths = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            paths += all_paths(entry.url_patterns, prefix + _concrete(entry.pattern))
        elif isinstance(entry, URLPattern):
            paths.append(prefix + _concrete(entry.pattern))
    return sorted(set(paths))


def test_the_sweep_finds_the_site():
    paths = all_paths()
    assert "/" in paths and "/admin/" in paths and "/healthz" in paths


@pytest.mark.django_db
@pytest.mark.parametrize("path", all_paths())
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path, follow=True)
    if path in PUBLIC:
        assert response.status_code == 200
        assert response.redirect_chain == []
    elif path in SIGN_IN_FLOW:
        assert response.status_code == 404 and response.redirect_chain == []
    else:
        assert response.redirect_chain, f"{path} answered an anonymous user without a redirect"
        assert response.redirect_chain[-1][0].startswith("/accounts/login/?next="), path


def test_static_files_are_public(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
