"""The access matrix: every named URL × every role × objects of two agencies, GET and POST.

The table lives in `matrix.py`; a URL added to the site without an entry there fails
`test_every_url_has_an_entry` with its name. Refused POSTs must leave every table as it was;
POSTs the table marks `wrote(...)` must change something. The Django admin is outside the table
(its URLs are generated) and checked on its own: staff only.
"""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection, transaction
from django.urls import get_resolver, reverse

from .matrix import ACCESS, LOGIN, ROLES, Case
from .rows import table_counts
from .scene import AGENCIES, user_for

EXCLUDED_NAMESPACES = {"admin"}


def url_names(urlconf: str | None = None) -> set[str]:
    """Every reversible URL name, namespaced (`app:name`), the admin's excepted."""
    names: set[str] = set()

    def walk(resolver, prefix: str) -> None:
        names.update(f"{prefix}{n}" for n in resolver.reverse_dict if isinstance(n, str))
        for namespace, (_pattern, sub) in resolver.namespace_dict.items():
            if namespace not in EXCLUDED_NAMESPACES:
                walk(sub, f"{prefix}{namespace}:")

    walk(get_resolver(urlconf), "")
    return names


def test_every_url_has_an_entry():
    missing = sorted(url_names() - set(ACCESS))
    assert not missing, (
        "URL(s) with no entry in tests/security/matrix.py ACCESS: "
        + ", ".join(missing)
        + ". Add a Case saying what each role gets on GET (and POST for actions)."
    )


def test_a_new_url_without_an_entry_is_named():
    """The check above can fail: a URL configuration with one more page names it."""
    missing = url_names("tests.security.extra_urls") - set(ACCESS)
    assert missing == {"classification:unlisted_report"}


def test_every_entry_is_a_url():
    stale = sorted(set(ACCESS) - url_names())
    assert not stale, f"ACCESS entries for URLs that no longer exist: {', '.join(stale)}"


def test_every_case_names_every_role():
    for name, cases in ACCESS.items():
        for case in cases:
            for answers in filter(None, (case.get, case.post)):
                assert set(answers) == set(ROLES), f"{name} [{case.label}]"


def _fingerprint() -> dict[str, str]:
    """Each table's rows, hashed: any insert, update or delete changes it."""
    digests = {}
    with connection.cursor() as cursor:
        for table in table_counts():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def _answer(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login") + "?"):
        return LOGIN
    return response.status_code


def _post(client, url: str, case: Case, objects) -> str | int:
    """POST inside a savepoint rolled back afterwards, so each POST meets the same scene."""
    with transaction.atomic():
        before = _fingerprint()
        answer = _answer(client.post(url, case.data(objects)))
        changed = sorted(t for t, d in _fingerprint().items() if before.get(t) != d)
        transaction.set_rollback(True)
    if changed:
        return f"{answer} wrote"
    return answer


def matrix_size() -> tuple[int, int, int]:
    """(URL names, cases × roles × agencies, requests including POSTs) the matrix makes."""
    cases = sum(len(c) for c in ACCESS.values())
    requests = (
        sum((1 + (case.post is not None)) for cs in ACCESS.values() for case in cs)
        * len(ROLES)
        * len(AGENCIES)
    )
    return len(ACCESS), cases * len(ROLES) * len(AGENCIES), requests


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(client, scene, role, agency):
    user = user_for(scene, role, agency)
    if user is not None:
        client.force_login(user)
    objects = scene.agencies[agency]
    got, expected = {}, {}
    for name, cases in ACCESS.items():
        for case in cases:
            key = f"{name}{f' [{case.label}]' if case.label else ''}"
            url = reverse(name, args=case.args(objects))
            expected[f"GET {key}"] = case.get[role]
            got[f"GET {key}"] = _answer(client.get(url))
            if case.post is not None:
                expected[f"POST {key}"] = case.post[role]
                got[f"POST {key}"] = _post(client, url, case, objects)
                if user is not None:
                    client.force_login(user)  # a sign-out POST ended the session
    wrong = {k: f"got {got[k]}, table says {expected[k]}" for k in got if got[k] != expected[k]}
    assert not wrong, "\n".join(f"{k}: {v}" for k, v in wrong.items())


ADMIN_PATHS = ["/admin/", "/admin/classification/reclassificationevent/", "/admin/facilities/user/"]


@pytest.mark.parametrize("path", ADMIN_PATHS)
@pytest.mark.parametrize(
    ("role", "answer"),
    [
        ("anonymous", LOGIN),
        ("hr", 403),
        ("analyst", 403),
        ("supervisor", 403),
        ("admin", 200),
    ],
)
def test_the_admin_is_for_staff_only(client, scene, role, answer, path):
    user = user_for(scene, role, "OMH")
    if user is not None:
        client.force_login(user)
    response = client.get(path, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else path
    if answer == LOGIN:
        assert final.startswith(reverse("login") + "?next=")
        assert response.status_code == 200
    else:
        assert response.status_code == answer, final
