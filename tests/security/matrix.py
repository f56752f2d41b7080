"""The access table: every named URL → what each role gets from it, GET and (for actions) POST.

Keyed by URL name (`app:name`, or the bare name at the root). `test_access_matrix.py` compares
the keys with the URL configuration, so a URL added without an entry fails the build with its
name. To add one, write a `Case`: how to build its arguments from one agency's objects
(`tests/security/scene.py`), and the answer each role gets on GET and, for URLs that change
something, on POST.

Roles are relative to the object: `hr` is HR of the object's agency, `hr_other` HR of another
agency; `employee` an employee (form CC-2E) with a request of their own for a position of their
own, none of the scene's agency objects (their own objects are in
tests/classification/test_url_access.py); `admin` is a superuser with no group (the Django
admin is theirs, the site is not).
Answers: a status code, LOGIN (a redirect to the sign-in page), or `wrote(302)` for a POST that
must change the data; every other POST must leave every table exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.classification.factories import PDF
from tests.facilities.helpers import csv_bytes

LOGIN = "login"
ROLES = ("anonymous", "hr", "hr_other", "employee", "analyst", "supervisor", "admin")


def wrote(status: int) -> str:
    """The answer of a POST that changes data (the matrix checks that it did)."""
    return f"{status} wrote"


def by(
    *,
    hr: Any,
    hr_other: Any = None,
    dcc: Any = None,
    analyst: Any = None,
    supervisor: Any = None,
    admin: Any,
    anonymous: Any = LOGIN,
    employee: Any = None,
) -> dict[str, Any]:
    """Answers per role; `dcc` sets analyst and supervisor at once, `hr_other` defaults to 404
    (another agency's object must look like no object at all), and so does `employee`'s, which
    otherwise follows `hr_other` (a page anyone signed in may open)."""
    hr_other = 404 if hr_other is None else hr_other
    return {
        "anonymous": anonymous,
        "hr": hr,
        "hr_other": hr_other,
        "employee": hr_other if employee is None else employee,
        "analyst": dcc if analyst is None else analyst,
        "supervisor": dcc if supervisor is None else supervisor,
        "admin": admin,
    }


def every(status: Any) -> dict[str, Any]:
    """The same answer for every signed-in role; anonymous users are sent to sign in."""
    return by(hr=status, hr_other=status, dcc=status, admin=status)


def no_args(objects) -> list:
    """The arguments of a URL that takes none."""
    return []


OWN = by(hr=200, dcc=200, admin=404)  # an object page: own agency and DCC see it
# The Delegations pages: supervisors (in their own right) and administrators.
DELEGATIONS = by(hr=403, hr_other=403, analyst=403, supervisor=200, admin=200)


def _user_pk(username: str) -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username).pk


def _days_from_today(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _scene_delegation() -> int:
    """The scene's one delegation (scene.build_scene): the supervisor's future acting one."""
    from facilities.models import Delegation

    return Delegation.objects.get().pk


@dataclass(frozen=True)
class Case:
    """One way of calling a URL: its arguments, and what each role gets."""

    get: dict[str, Any]
    args: Callable[[Any], list] = no_args  # given one agency's objects (scene.AgencyObjects)
    post: dict[str, Any] | None = None
    data: Callable[[Any], dict] = lambda o: {}
    label: str = ""


def _csv_upload(o) -> dict:
    return {
        "file": SimpleUploadedFile(
            "counts.csv", csv_bytes([[o.facility.code, 2022, 2300, 180_000, "estimate"]])
        )
    }


def _transition(action: str, state: str) -> Callable[[Any], list]:
    return lambda o: [getattr(o, state).pk, action]


ACCESS: dict[str, list[Case]] = {
    # --- the root ------------------------------------------------------------------------
    # The Administrator lands on the Django admin (DOMAIN.md: the admin is their work).
    "dashboard": [Case(get=by(hr=200, hr_other=200, dcc=200, admin=302))],
    "healthz": [Case(get=by(hr=200, hr_other=200, dcc=200, admin=200, anonymous=200))],
    "ping": [Case(get=every(200))],
    "login": [
        Case(
            get=by(hr=302, hr_other=302, dcc=302, admin=302, anonymous=200),
            # A wrong password: the form again, nobody signed in, nothing else written.
            post=by(hr=302, hr_other=302, dcc=302, admin=302, anonymous=200),
            data=lambda o: {"username": o.hr.username, "password": "wrong"},
        )
    ],
    "logout": [
        Case(
            get=by(hr=405, hr_other=405, dcc=405, admin=405),
            post=by(hr=302, hr_other=302, dcc=302, admin=302),
        )
    ],
    # The page for people signed in with no role (tests/facilities/test_sign_in_policy.py):
    # everyone in this table has one, or is an administrator, and is sent on to the dashboard.
    "no_access": [Case(get=every(302))],
    # Sign-in with NY.gov ID is off in the tests' settings (tests/oidc turns it on).
    "oidc_authentication_init": [
        Case(get=by(hr=404, hr_other=404, dcc=404, admin=404, anonymous=404))
    ],
    "oidc_authentication_callback": [
        Case(get=by(hr=404, hr_other=404, dcc=404, admin=404, anonymous=404))
    ],
    # --- facilities ----------------------------------------------------------------------
    "facilities:facility_list": [Case(get=every(200))],
    "facilities:facility_detail": [Case(args=lambda o: [o.facility.pk], get=OWN)],
    "facilities:counts_new": [
        Case(
            args=lambda o: [o.facility.pk],
            get=OWN,
            post=by(hr=wrote(302), dcc=wrote(302), admin=404),
            data=lambda o: {
                "fiscal_year": 2023,
                "individuals_served": 10,
                "records_activities": 10,
                "methodology": "count",
            },
        )
    ],
    "facilities:counts_edit": [
        Case(
            args=lambda o: [o.facility.pk, o.counts.fiscal_year],
            get=OWN,
            post=by(hr=wrote(302), dcc=wrote(302), admin=404),
            data=lambda o: {
                "fiscal_year": o.counts.fiscal_year,
                "individuals_served": 11,
                "records_activities": 11,
                "methodology": "recount",
                "note": "recounted",
                "version": o.counts.version,
            },
        )
    ],
    "facilities:counts_review": [
        Case(
            args=lambda o: [o.facility.pk, o.counts.fiscal_year],
            get=every(405),
            post=by(hr=403, dcc=wrote(302), admin=404),
            data=lambda o: {"action": "accept", "version": o.counts.version, "note": ""},
        )
    ],
    "facilities:import": [
        Case(
            get=by(hr=200, hr_other=200, dcc=200, admin=403, employee=403),
            post=by(hr=wrote(302), hr_other=wrote(302), dcc=wrote(302), admin=403, employee=403),
            data=_csv_upload,
        )
    ],
    "facilities:import_preview": [
        Case(
            args=lambda o: [o.count_import.token],
            get=by(hr=200, dcc=404, admin=403, employee=403),
            post=by(hr=wrote(302), dcc=404, admin=403, employee=403),
            data=lambda o: {"file_sha256": o.count_import.file_sha256},
        )
    ],
    # --- classification ------------------------------------------------------------------
    "classification:standard": [Case(get=every(200))],
    "classification:simulator": [Case(get=every(200))],
    "classification:reclassification_list": [Case(get=every(200))],
    "classification:reclassification_create": [
        Case(
            get=by(hr=200, hr_other=200, dcc=403, admin=403),
            post=by(hr=400, hr_other=400, dcc=403, admin=403),
        )
    ],
    "classification:warranted_fragment": [Case(get=every(200))],
    # The new-request form's position picker: HR's own positions only.
    # HR's picker on the new-request form; an employee picks among their own positions.
    "classification:position_search": [
        Case(get=by(hr=200, hr_other=200, dcc=403, admin=403, employee=403))
    ],
    "classification:reclassification_detail": [
        Case(args=lambda o: [o.decided.pk], get=OWN, label="decided"),
        # A draft is the agency's own business until it is submitted.
        Case(args=lambda o: [o.draft.pk], get=by(hr=200, dcc=404, admin=404), label="draft"),
    ],
    # Every URL of a draft answers DCC staff 404, as another agency's objects do (DRAFT_ONLY).
    "classification:reclassification_update": [
        Case(
            args=lambda o: [o.draft.pk],
            get=by(hr=200, dcc=404, admin=404),
            post=by(hr=400, dcc=404, admin=404),
            label="draft",
        ),
        Case(
            args=lambda o: [o.submitted.pk],
            get=by(hr=403, dcc=403, admin=404),
            post=by(hr=403, dcc=403, admin=404),
            label="submitted",
        ),
    ],
    "classification:attachment_create": [
        Case(
            args=lambda o: [o.submitted.pk],
            get=every(405),
            post=by(hr=wrote(302), dcc=302, admin=404),
            data=lambda o: {"kind": "other", "file": SimpleUploadedFile("more.pdf", PDF)},
        ),
        Case(
            args=lambda o: [o.draft.pk],
            get=every(405),
            post=by(hr=wrote(302), dcc=404, admin=404),
            data=lambda o: {"kind": "other", "file": SimpleUploadedFile("more.pdf", PDF)},
            label="draft",
        ),
    ],
    "classification:attachment_download": [
        Case(args=lambda o: [o.decided.pk, o.decided.attachments.first().pk], get=OWN),
        Case(
            args=lambda o: [o.draft.pk, o.draft.attachments.first().pk],
            get=by(hr=200, dcc=404, admin=404),
            label="draft",
        ),
    ],
    "classification:decision_letter": [
        Case(args=lambda o: [o.decided.pk], get=OWN),
        # A draft has no letter: nobody gets one, and DCC staff cannot tell it exists.
        Case(args=lambda o: [o.draft.pk], get=by(hr=404, dcc=404, admin=404), label="draft"),
    ],
    "classification:reclassification_transition": [
        Case(
            label="take",
            args=_transition("take", "submitted"),
            get=by(hr=302, dcc=200, admin=404),
            post=by(hr=302, dcc=wrote(302), admin=404),
            data=lambda o: {"version": o.submitted.version},
        ),
        Case(
            label="withdraw",
            args=_transition("withdraw", "submitted"),
            get=by(hr=200, dcc=302, admin=404),
            post=by(hr=wrote(302), dcc=302, admin=404),
            data=lambda o: {"version": o.submitted.version, "message": "No longer needed."},
        ),
        Case(
            label="approve a decided request",
            args=_transition("approve", "decided"),
            get=by(hr=302, dcc=302, admin=404),
            post=by(hr=302, dcc=302, admin=404),
            # A date the form accepts (decision 0014), so what refuses it is the request's state.
            data=lambda o: {
                "version": o.decided.version,
                "effective_date": timezone.localdate().isoformat(),
            },
        ),
        Case(
            label="submit a draft",
            args=_transition("submit", "draft"),
            get=by(hr=200, dcc=404, admin=404),
            post=by(hr=wrote(302), dcc=404, admin=404),
            data=lambda o: {"version": o.draft.version},
        ),
        Case(
            label="take a draft",
            args=_transition("take", "draft"),
            get=by(hr=302, dcc=404, admin=404),
            post=by(hr=302, dcc=404, admin=404),
            data=lambda o: {"version": o.draft.version},
        ),
        Case(
            label="withdraw a draft",
            args=_transition("withdraw", "draft"),
            get=by(hr=200, dcc=404, admin=404),
            post=by(hr=wrote(302), dcc=404, admin=404),
            data=lambda o: {"version": o.draft.version, "message": "Started by mistake."},
        ),
        Case(
            label="no such action",
            args=_transition("obliterate", "submitted"),
            get=by(hr=404, dcc=404, admin=404),
            post=by(hr=404, dcc=404, admin=404),
        ),
    ],
    # --- appeals (decision 0021-appeals) ---------------------------------------------------
    "classification:appeal_create": [
        Case(
            args=lambda o: [o.decided.pk],
            get=by(hr=200, dcc=403, admin=404),
            post=by(hr=wrote(302), dcc=403, admin=404),
            data=lambda o: {"grounds": "The duties fit the proposed title."},
        ),
        Case(
            label="already appealed",
            args=lambda o: [o.appeal.reclassification_id],
            get=by(hr=302, dcc=403, admin=404),
            post=by(hr=400, dcc=403, admin=404),
            data=lambda o: {"grounds": "Again."},
        ),
    ],
    "classification:appeal_list": [Case(get=by(hr=403, hr_other=403, dcc=200, admin=403))],
    "classification:appeal_packet": [
        Case(args=lambda o: [o.appeal.pk], get=by(hr=404, dcc=200, admin=404))
    ],
    "classification:appeal_attachment": [
        Case(args=lambda o: [o.appeal.pk, o.appeal.attachments.first().pk], get=OWN)
    ],
    "classification:appeal_transition": [
        Case(
            label="decide",
            args=lambda o: [o.appeal.pk, "decide"],
            get=by(hr=302, dcc=200, admin=404),
            post=by(hr=302, dcc=wrote(302), admin=404),
            data=lambda o: {
                "version": o.appeal.version,
                "outcome": "upheld",
                "decided_on": date.today().isoformat(),
                "message": "The determination stands.",
            },
        ),
        Case(
            label="close before the decision",
            args=lambda o: [o.appeal.pk, "close"],
            get=by(hr=302, dcc=302, admin=404),
            post=by(hr=302, dcc=302, admin=404),
            data=lambda o: {"version": o.appeal.version},
        ),
        Case(
            label="no such action",
            args=lambda o: [o.appeal.pk, "obliterate"],
            get=by(hr=404, dcc=404, admin=404),
            post=by(hr=404, dcc=404, admin=404),
        ),
    ],
    "classification:position_list": [Case(get=every(200))],
    "classification:position_detail": [Case(args=lambda o: [o.position.pk], get=OWN)],
    # --- reports and saved filters (their POSTs are tested in tests/classification) -------
    "classification:drift_report": [
        Case(get=by(hr=200, hr_other=200, dcc=200, admin=403, employee=403))
    ],
    "classification:turnaround_report": [Case(get=by(hr=403, hr_other=403, dcc=200, admin=403))],
    "classification:reassignment": [
        Case(get=by(hr=403, hr_other=403, analyst=403, supervisor=200, admin=403))
    ],
    "classification:return_analyst_requests": [
        Case(
            args=lambda o: [o.hr.pk],
            get=by(hr=405, hr_other=405, dcc=405, admin=405),
            # A supervisor naming someone with nothing assigned: told so, nothing written.
            post=by(hr=403, hr_other=403, analyst=403, supervisor=302, admin=403),
        )
    ],
    "classification:saved_filter_create": [Case(get=by(hr=405, hr_other=405, dcc=405, admin=405))],
    "classification:saved_filter_delete": [
        Case(args=lambda o: [o.draft.pk], get=by(hr=405, hr_other=405, dcc=405, admin=405))
    ],
    # --- delegations: supervisors and administrators ------------------------------------
    "delegations:delegation_list": [Case(get=DELEGATIONS)],
    "delegations:delegation_create": [
        Case(
            get=DELEGATIONS,
            post=by(hr=403, hr_other=403, analyst=403, supervisor=wrote(302), admin=wrote(302)),
            data=lambda o: {
                "kind": "analyst_cover",
                "delegator": _user_pk("analyst-m"),
                "delegate": _user_pk("supervisor-m"),
                "starts_on": _days_from_today(20),
                "ends_on": _days_from_today(21),
            },
        )
    ],
    "delegations:delegation_update": [
        Case(
            args=lambda o: [_scene_delegation()],
            get=DELEGATIONS,
            post=by(hr=403, hr_other=403, analyst=403, supervisor=wrote(302), admin=wrote(302)),
            data=lambda o: {
                "starts_on": _days_from_today(10),
                "ends_on": _days_from_today(14),
                "version": 1,
            },
        )
    ],
    "delegations:delegation_end": [
        Case(
            args=lambda o: [_scene_delegation()],
            get=by(hr=403, hr_other=403, analyst=403, supervisor=405, admin=405),
            post=by(hr=403, hr_other=403, analyst=403, supervisor=wrote(302), admin=wrote(302)),
            data=lambda o: {"version": 1},
        )
    ],
    # --- candidates ----------------------------------------------------------------------
    "candidates:person_list": [Case(get=every(200))],
    "candidates:person_create": [
        Case(
            get=by(hr=200, hr_other=200, dcc=200, admin=403, employee=403),
            post=by(hr=200, hr_other=200, dcc=200, admin=403, employee=403),
        )
    ],
    "candidates:reverification": [
        Case(
            get=by(hr=403, hr_other=403, dcc=200, admin=403),
            post=by(hr=403, hr_other=403, dcc=wrote(302), admin=403),
            data=lambda o: {"selected": [o.credential.pk]},
        )
    ],
    "candidates:person_detail": [Case(args=lambda o: [o.person.pk], get=OWN)],
    "candidates:person_print": [Case(args=lambda o: [o.person.pk], get=OWN)],
    "candidates:person_update": [
        Case(args=lambda o: [o.person.pk], get=OWN, post=by(hr=200, dcc=200, admin=404))
    ],
    "candidates:credential_create": [
        Case(args=lambda o: [o.person.pk], get=OWN, post=by(hr=200, dcc=200, admin=404))
    ],
    "candidates:credential_update": [
        Case(args=lambda o: [o.credential.pk], get=OWN, post=by(hr=200, dcc=200, admin=404))
    ],
    "candidates:spell_create": [
        Case(args=lambda o: [o.person.pk], get=OWN, post=by(hr=200, dcc=200, admin=404))
    ],
    "candidates:spell_update": [
        Case(args=lambda o: [o.spell.pk], get=OWN, post=by(hr=200, dcc=200, admin=404))
    ],
    "candidates:spell_delete": [
        Case(
            args=lambda o: [o.spell.pk],
            get=OWN,
            post=by(hr=wrote(302), dcc=wrote(302), admin=404),
            data=lambda o: {"version": o.spell.version},
        )
    ],
    "candidates:verification_create": [
        Case(
            args=lambda o: [o.credential.pk],
            get=by(hr=403, dcc=200, admin=404),
            post=by(hr=403, dcc=200, admin=404),
        )
    ],
    "candidates:verification_evidence": [Case(args=lambda o: [o.verification.pk], get=OWN)],
}
