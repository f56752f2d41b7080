"""Two requests at once: each test changes a row right after one query of a request has run
(what another request commits at that moment), through `connection.execute_wrapper`, and
checks what the person then gets: a form error or a message, never a 500, and nothing written
that the rules forbid."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Credential, ExperienceSpell, Person
from classification.models import ReclassificationRequest, SavedFilter
from common.errors import Refused
from facilities.models import AnnualActivity, CountImport, Facility, User
from tests.candidates.factories import ExperienceSpellFactory, PersonFactory
from tests.classification.factories import reclassification_in
from tests.factories import FacilityFactory, analyst_user, hr_user, supervisor_user
from tests.locks import another_session_waits_on_a_lock

pytestmark = pytest.mark.django_db


@contextmanager
def after_query(matches, change, *, before: bool = False):
    """Run `change()` once, right after (or `before`) the first query `matches(sql)` holds of."""
    done: list[str] = []

    def wrapper(execute, sql, params, many, context):
        hit = not done and matches(sql)
        if hit:
            done.append(sql)
            if before:
                change()
        result = execute(sql, params, many, context)
        if hit and not before:
            change()
        return result

    with connection.execute_wrapper(wrapper):
        yield done
    assert done, "the query to change the row after never ran"


class AnotherConnection:
    """`fn` run by another request: in a thread, on its own connection, committing by itself
    (a change on the test's connection would be rolled back with the request's transaction)."""

    def __init__(self, fn) -> None:
        self.failure: list[BaseException] = []

        def run():
            try:
                fn()
            except BaseException as exc:  # the test looks at it
                self.failure.append(exc)
            finally:
                connection.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def join(self) -> AnotherConnection:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        return self

    def done_or_waiting_for_a_lock(self) -> None:
        """Until it has finished, or PostgreSQL shows it waiting on a lock this request holds."""
        for _ in range(200):
            if not self.thread.is_alive():
                return
            if another_session_waits_on_a_lock():
                return
            time.sleep(0.05)
        raise AssertionError("the other request neither finished nor waited")


def committed_elsewhere(fn) -> None:
    other = AnotherConnection(fn).join()
    assert not other.failure, other.failure


def client_for(user) -> Client:
    c = Client(raise_request_exception=False)  # a 500 is a response, as the user sees it
    c.force_login(user)
    return c


# 1. Removing an experience spell twice (double click), or editing one another user removes.
@pytest.mark.parametrize("page", ["delete", "edit"])
def test_spell_removed_by_another_request_meanwhile(page):
    hr = hr_user("OMH", username="hr-race-spell")
    spell = ExperienceSpellFactory(person=PersonFactory(agency=hr.agency))
    c = client_for(hr)
    if page == "delete":
        url = reverse("candidates:spell_delete", args=[spell.pk])
        data = {"version": spell.version}
    else:
        url = reverse("candidates:spell_update", args=[spell.pk])
        data = {
            "version": spell.version,
            "employer": "Elsewhere",
            "title": "HIM Technician 1",
            "start": "2020-02-01",
            "end": "",
            "hours_per_week": "37.5",
            "him": "on",
            "note": "",
        }
    # The first click's POST commits its delete just after this one read the spell (dispatch).
    with after_query(
        lambda sql: 'FROM "candidates_experiencespell"' in sql and "FOR UPDATE" not in sql,
        lambda: ExperienceSpell.objects.filter(pk=spell.pk).delete(),
    ):
        response = c.post(url, data)
    assert response.status_code != 500  # today: ExperienceSpell.DoesNotExist, a 500


# 2. "Add credential" posted twice at once: the second passes full_clean, then its INSERT fails.
@pytest.mark.django_db(transaction=True)
def test_credential_added_twice_at_once():
    hr = hr_user("OMH", username="hr-race-cred")
    person = PersonFactory(agency=hr.agency)
    c = client_for(hr)
    with after_query(
        lambda sql: 'AS "a" FROM "candidates_credential"' in sql,
        lambda: committed_elsewhere(
            lambda: Credential.objects.create(
                person=person, kind="RHIT", awarded_on="2020-01-15", status="active"
            )
        ),
    ):
        response = c.post(
            reverse("candidates:credential_create", args=[person.pk]),
            {"kind": "RHIT", "ahima_id": "", "awarded_on": "2020-01-15", "status": "active"},
        )
    assert response.status_code == 200  # the form again, with the duplicate's message
    assert "already has a credential of this kind" in response.content.decode()
    assert Credential.objects.filter(person=person).count() == 1


# 3. "Add person" posted twice at once (same employee id in one agency).
@pytest.mark.django_db(transaction=True)
def test_person_added_twice_at_once():
    hr = hr_user("OMH", username="hr-race-person")
    c = client_for(hr)
    with after_query(
        lambda sql: 'AS "_check"' in sql and '"candidates_person"' in sql,
        lambda: committed_elsewhere(
            lambda: Person.objects.create(
                agency=hr.agency, given_name="Casey", family_name="Twice", employee_id="E77777"
            )
        ),
    ):
        response = c.post(
            reverse("candidates:person_create"),
            {
                "given_name": "Casey",
                "family_name": "Twice",
                "employee_id": "E77777",
                "email": "",
                "degree": "",
                "degree_date": "",
            },
        )
    assert response.status_code == 200  # the form again, with the duplicate's message
    assert "already has this employee id" in response.content.decode()
    assert Person.objects.filter(agency=hr.agency, employee_id="E77777").count() == 1


# 4. "Save filter" posted twice at once under a new name.
@pytest.mark.django_db(transaction=True)
def test_saved_filter_saved_twice_at_once():
    analyst = analyst_user(username="analyst-race-filter")
    c = client_for(analyst)
    with after_query(
        # Both found no filter of that name; the other's insert commits just before this one's.
        lambda sql: sql.startswith('INSERT INTO "classification_savedfilter"'),
        lambda: committed_elsewhere(
            lambda: SavedFilter.objects.create(user=analyst, name="Overdue", query="tab=all")
        ),
        before=True,
    ):
        response = c.post(
            reverse("classification:saved_filter_create"), {"name": "Overdue", "query": "tab=all"}
        )
    assert response.status_code == 302  # saved: under the same name, the one filter is replaced
    assert SavedFilter.objects.filter(user=analyst, name="Overdue").count() == 1


# 5. Confirming a day-old import while another upload's discard_stale_imports deletes it.
def test_import_confirmed_while_it_is_discarded():
    hr = hr_user("OMH", username="hr-race-import")
    count_import = CountImport.objects.create(
        created_by=hr, file_name="counts.csv", file_sha256="a" * 64, rows=[], file_errors=[]
    )
    CountImport.objects.filter(pk=count_import.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    c = client_for(hr)
    with after_query(
        lambda sql: 'FROM "facilities_countimport"' in sql and "FOR UPDATE" not in sql,
        # What preview_count_import -> discard_stale_imports() does for anyone's next upload.
        lambda: CountImport.objects.filter(
            applied_at__isnull=True, created_at__lt=timezone.now() - timedelta(hours=24)
        ).delete(),
    ):
        response = c.post(
            reverse("facilities:import_preview", args=[count_import.token]),
            {"file_sha256": "a" * 64},
        )
    assert response.status_code != 500  # today: CountImport.DoesNotExist, a 500


# 6. Counts reported for a facility an administrator closes at that moment.
def test_counts_reported_for_a_facility_closed_meanwhile():
    hr = hr_user("OMH", username="hr-race-counts")
    facility = FacilityFactory(agency=hr.agency, facility_type="ddsoo")
    c = client_for(hr)
    year = timezone.localdate().year - 2
    with after_query(
        lambda sql: 'FROM "facilities_facility"' in sql and "FOR UPDATE" not in sql,
        lambda: Facility.objects.filter(pk=facility.pk).update(active=False),
    ):
        c.post(
            reverse("facilities:counts_new", args=[facility.pk]),
            {
                "fiscal_year": year,
                "individuals_served": 100,
                "records_activities": 1000,
                "methodology": "",
                "note": "",
                "version": "",
            },
        )
    # The rule (report_counts, and the import, which checks it under the lock): a closed
    # facility takes no counts. Today the stale instance's `active` is checked before the lock.
    assert not AnnualActivity.objects.filter(facility=facility, fiscal_year=year).exists()


# 7. A supervisor assigns a request to an analyst whom an administrator deactivates meanwhile.
def test_assigned_to_an_analyst_deactivated_meanwhile():
    hr = hr_user("OMH", username="hr-race-assign")
    supervisor = supervisor_user(username="sup-race-assign")
    leaving = analyst_user(username="analyst-race-leaving")
    r = reclassification_in("submitted", hr=hr)
    c = client_for(supervisor)
    with after_query(
        # The form's ModelChoiceField reads the chosen analyst (active, DCC role).
        lambda sql: sql.startswith('SELECT DISTINCT "facilities_user"'),
        lambda: User.objects.filter(pk=leaving.pk).update(is_active=False),
    ):
        c.post(
            reverse("classification:reclassification_transition", args=[r.pk, "assign"]),
            {"version": r.version, "analyst": leaving.pk, "message": ""},
        )
    r.refresh_from_db()
    # assign_reclassification refuses an inactive analyst, but checks the form's stale copy.
    assert r.assigned_to_id != leaving.pk


def _work_list(response, key: str) -> list[ReclassificationRequest]:
    return next(w for w in response.context["board"].work if w.key == key).rows


def test_dashboard_leaves_out_a_request_taken_meanwhile():
    hr = hr_user("OMH", username="hr-race-dash")
    me = analyst_user(username="analyst-race-dash")
    other = analyst_user(username="analyst-race-dash-2")
    taken, waiting = (reclassification_in("submitted", hr=hr) for _ in range(2))
    c = client_for(me)
    with after_query(
        # The dashboard chooses each work list's ids first, then reads those rows.
        lambda sql: '"list_name"' in sql,
        lambda: ReclassificationRequest.objects.filter(pk=taken.pk).update(
            status="in_review", assigned_to=other
        ),
    ):
        response = c.get(reverse("dashboard"))
    assert [r.pk for r in _work_list(response, "unassigned")] == [waiting.pk]
    assert _work_list(response, "mine") == []


# 8. "Return all to queue" while the analyst recommends one of their requests.
@pytest.mark.django_db(transaction=True)
def test_return_analyst_requests_while_one_is_recommended():
    from classification import services

    hr = hr_user("OMH", username="hr-race-return")
    supervisor = supervisor_user(username="sup-race-return")
    analyst = analyst_user(username="analyst-race-return")
    first = reclassification_in("in_review", hr=hr, assigned=analyst)
    second = reclassification_in("in_review", hr=hr, assigned=analyst)
    c = client_for(supervisor)
    recommending = []

    def recommend_meanwhile():
        recommending.append(
            AnotherConnection(
                lambda: services.recommend_reclassification(
                    actor=analyst,
                    reclassification_id=first.pk,
                    expected_version=None,
                    recommendation="approve",
                    rationale="Fits.",
                )
            )
        )
        recommending[0].done_or_waiting_for_a_lock()

    with after_query(
        # The service's read of the ids the analyst holds in review.
        lambda sql: (
            'FROM "classification_reclassificationrequest"' in sql
            and '"assigned_to_id" =' in sql
            and "FOR UPDATE" in sql
        ),
        recommend_meanwhile,
    ):
        response = c.post(
            reverse("classification:return_analyst_requests", args=[analyst.pk]), {"message": ""}
        )
    assert response.status_code == 302
    # The recommendation waited for the return, then found the request back in the queue (or,
    # on a loaded machine, gave up waiting after lock_timeout): either way it changed nothing.
    other = recommending[0].join()
    assert other.failure
    assert isinstance(other.failure[0], Refused | ValidationError | OperationalError)
    for r in (first, second):
        r.refresh_from_db()
        assert (r.status, r.assigned_to_id) == ("submitted", None)


# Sanity: without a concurrent change, the same posts succeed (so the failures are the races).
def test_controls_without_the_race():
    hr = hr_user("OMH", username="hr-race-control")
    person = PersonFactory(agency=hr.agency)
    c = client_for(hr)
    response = c.post(
        reverse("candidates:credential_create", args=[person.pk]),
        {"kind": "RHIT", "ahima_id": "", "awarded_on": "2020-01-15", "status": "active"},
    )
    assert response.status_code == 302
    spell = ExperienceSpellFactory(person=person)
    response = c.post(reverse("candidates:spell_delete", args=[spell.pk]), {"version": 1})
    assert response.status_code == 302
    assert not ExperienceSpell.objects.filter(pk=spell.pk).exists()
    assert ReclassificationRequest.objects.count() == 0
