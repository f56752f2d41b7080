"""HR never sees another agency's objects: not on a list, not in a filter's choices, not in
an export, not in a count.

Both agencies get objects with distinctive names (tests/security/scene.py). Each list page and
export is fetched as HR of one agency; its own names must be there (so the check can fail) and
the other agency's must not. Every page the matrix lets HR open without arguments is either in
LISTS or in NOT_LISTS, so a new list or report page (drift, turnaround, saved filters...) fails
`test_every_hr_page_is_checked_for_leaks` until someone adds it here.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .matrix import ACCESS, no_args
from .scene import AGENCIES

# URL name → (query string, export parameter name or None, the context key of its table).
LISTS: dict[str, tuple[str, str | None, str | None]] = {
    "facilities:facility_list": ("", "export", "table"),
    "classification:reclassification_list": ("tab=all", "_export", "table"),
    "classification:position_list": ("", "_export", "table"),
    "candidates:person_list": ("", "export", "table"),
    "classification:drift_report": ("", "export", None),
    "dashboard": ("", None, None),
    "facilities:import": ("", None, None),
    "classification:reclassification_create": ("", None, None),
    # The picker lists matching positions: "ITEM" is in both agencies' item numbers.
    "classification:position_search": ("position_q=ITEM", None, None),
    "candidates:person_create": ("", None, None),
}
# Pages HR may open that hold no agency's objects at all.
NOT_LISTS = {
    "healthz",
    "ping",
    "login",
    "logout",
    "classification:standard",
    "classification:simulator",
    "classification:warranted_fragment",
}
HR_OWN_COUNTS = {
    # How many rows of its own agency each list must count (the scene's objects).
    "facilities:facility_list": 1,
    # Draft, submitted, decided (approved) and the appealed denial, each on its own position.
    "classification:reclassification_list": 4,
    "classification:position_list": 4,
    "candidates:person_list": 1,
    # The scene's facility has no counts for the last completed fiscal year.
    "classification:drift_report": 1,
}


def _hr_pages_without_arguments() -> set[str]:
    return {
        name
        for name, cases in ACCESS.items()
        for case in cases
        if case.get["hr"] == 200 and case.args is no_args
    }


def test_every_hr_page_is_checked_for_leaks():
    unchecked = _hr_pages_without_arguments() - set(LISTS) - NOT_LISTS
    assert not unchecked, (
        "Pages HR can open with no entry in tests/security/test_no_leaks.py LISTS or NOT_LISTS: "
        + ", ".join(sorted(unchecked))
    )


def _other(agency: str) -> str:
    return next(code for code in AGENCIES if code != agency)


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("name", sorted(LISTS))
def test_hr_pages_show_only_their_own_agency(client, scene, agency, name):
    own, other = scene.agencies[agency], scene.agencies[_other(agency)]
    client.force_login(own.hr)
    query, _export, table_key = LISTS[name]
    response = client.get(f"{reverse(name)}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    leaked = [mark for mark in other.marks if mark in page]
    assert not leaked, f"{name} shows {_other(agency)}'s {leaked} to {agency} HR"
    if table_key:
        assert any(mark in page for mark in own.marks), f"{name} shows none of its own rows"
        table = response.context[table_key]
        assert table.paginator.count == HR_OWN_COUNTS[name], f"{name} counts other rows"


def _export_rows(response, fmt: str) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("name", sorted(n for n, (_q, export, _t) in LISTS.items() if export))
def test_hr_exports_hold_only_their_own_rows(client, scene, agency, name, fmt):
    own, other = scene.agencies[agency], scene.agencies[_other(agency)]
    client.force_login(own.hr)
    query, export, _table = LISTS[name]
    response = client.get(f"{reverse(name)}?{query}&{export}={fmt}")
    assert response.status_code == 200
    rows = _export_rows(response, fmt)
    body = "\n".join("\t".join(row) for row in rows)
    assert not [mark for mark in other.marks if mark in body], name
    assert len(rows) - 1 == HR_OWN_COUNTS[name], f"{name} exports {len(rows) - 1} rows"
    assert any(mark in body for mark in own.marks)


@pytest.mark.parametrize("agency", AGENCIES)
def test_hr_own_object_pages_never_name_the_other_agency(client, scene, agency):
    """The detail pages of one's own objects (history, reports-to, people) stay inside it."""
    own, other = scene.agencies[agency], scene.agencies[_other(agency)]
    client.force_login(own.hr)
    for url in [
        own.facility.get_absolute_url(),
        reverse("classification:position_detail", args=[own.position.pk]),
        reverse("classification:reclassification_detail", args=[own.decided.pk]),
        reverse("candidates:person_detail", args=[own.person.pk]),
    ]:
        page = client.get(url).content.decode()
        assert not [mark for mark in other.marks if mark in page], url


@pytest.mark.parametrize("name", ["classification:reclassification_list"])
def test_hr_sees_no_queue_counts(client, scene, name):
    """The queue's tab counts are DCC's: HR's page carries none (they count every agency)."""
    client.force_login(scene.agencies["OMH"].hr)
    response = client.get(reverse(name))
    assert not response.context["tab_counts"]
    assert not response.context["tabs"]


ONE_OBJECT = {
    "facilities:facility_detail": lambda o: o.facility.pk,
    "classification:position_detail": lambda o: o.position.pk,
    "classification:reclassification_detail": lambda o: o.decided.pk,
    "classification:decision_letter": lambda o: o.decided.pk,
    "candidates:person_detail": lambda o: o.person.pk,
    "candidates:credential_update": lambda o: o.credential.pk,
    "candidates:spell_update": lambda o: o.spell.pk,
    "candidates:verification_evidence": lambda o: o.verification.pk,
}


@pytest.mark.parametrize("name", sorted(ONE_OBJECT))
def test_another_agencys_object_looks_like_no_object(client, scene, name):
    """The 404 for DOCCS's object is word for word the 404 for an id that does not exist."""
    client.force_login(scene.agencies["OMH"].hr)
    theirs = client.get(reverse(name, args=[ONE_OBJECT[name](scene.agencies["DOCCS"])]))
    nobodys = client.get(reverse(name, args=[987654]))
    assert theirs.status_code == nobodys.status_code == 404
    # Word for word but the sign-out form's CSRF token, which is masked afresh on every page.
    assert without_csrf_token(theirs.content) == without_csrf_token(nobodys.content)


def without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
