"""How many requests each agency has in each status, by days to decision, kept by the database
(docs/decisions/0024-request-tally.md): the dashboard's charts by agency and status and by
days to decision read these few hundred rows instead of counting every request.

Triggers on the request table keep it exact whatever writes a request (the services, the
admin's moves that change a request's agency, the bulk seeder's COPY, SQL by hand): each
insert, update and delete moves one request from its old row to its new one in the same
transaction. `tests/ops/invariants.py` checks it against a count of the requests."""

import pgtrigger
from django.db import models

from .records import StatusSpell
from .requests import ReclassificationRequest


class RequestTally(models.Model):
    """`requests` requests of `agency` in `status` whose days to close are `days_to_close`
    (NULL until a request is closed, or when it closed before it was submitted)."""

    agency = models.ForeignKey("facilities.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    days_to_close = models.IntegerField(null=True)
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "status", "days_to_close"],
                nulls_distinct=False,
                name="request_tally_key",
            ),
            models.CheckConstraint(condition=models.Q(requests__gte=0), name="request_tally_n"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.status} {self.days_to_close}: {self.requests}"


# The old row is left before the new one is entered, or the other way round, always in the
# order of their keys: two transactions moving requests in opposite directions between the
# same two rows then lock them in the same order (no deadlock).
_LEAVE = """
        UPDATE classification_requesttally SET requests = requests - 1
        WHERE agency_id = OLD.agency_id AND status = OLD.status
          AND days_to_close IS NOT DISTINCT FROM OLD.days_to_close;"""
_ENTER = """
        INSERT INTO classification_requesttally (agency_id, status, days_to_close, requests)
        VALUES (NEW.agency_id, NEW.status, NEW.days_to_close, 1)
        ON CONFLICT (agency_id, status, days_to_close)
        DO UPDATE SET requests = classification_requesttally.requests + 1;"""

pgtrigger.register(
    pgtrigger.Trigger(
        name="request_tally",
        when=pgtrigger.After,
        operation=(
            pgtrigger.Insert
            | pgtrigger.UpdateOf("agency_id", "status", "days_to_close")
            | pgtrigger.Delete
        ),
        func=f"""
    IF TG_OP = 'INSERT' THEN {_ENTER}
    ELSIF TG_OP = 'DELETE' THEN {_LEAVE}
    ELSIF (OLD.agency_id, OLD.status, OLD.days_to_close)
          IS DISTINCT FROM (NEW.agency_id, NEW.status, NEW.days_to_close) THEN
        IF (OLD.agency_id, OLD.status, COALESCE(OLD.days_to_close, -2147483648))
           < (NEW.agency_id, NEW.status, COALESCE(NEW.days_to_close, -2147483648)) THEN
            {_LEAVE} {_ENTER}
        ELSE
            {_ENTER} {_LEAVE}
        END IF;
    END IF;
    RETURN NULL;""",
    ),
    # TRUNCATE fires no row trigger: emptying the requests empties the tally.
    pgtrigger.Trigger(
        name="request_tally_truncate",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Truncate,
        func="DELETE FROM classification_requesttally; RETURN NULL;",
    ),
)(ReclassificationRequest)


class SpellTally(models.Model):
    """`spells` status spells in `status` that started on `started_on` (a New York date), and
    the length of those of them that have ended, in microseconds (`ended_us`): what "time in
    each status" sums, kept by triggers on the spell table (docs/decisions/0027-spell-tally.md).
    A spell still open has no length yet: the report adds `now` less its start itself."""

    status = models.CharField(max_length=20)
    started_on = models.DateField()
    spells = models.IntegerField(default=0)
    ended_us = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["started_on", "status"], name="spell_tally_key"),
            models.CheckConstraint(
                condition=models.Q(spells__gte=0, ended_us__gte=0), name="spell_tally_n"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started_on} {self.status}: {self.spells}"


# A spell's row of the tally is its status and the New York date it started on (the day the
# report's `since` counts in; settings.TIME_ZONE); its length, once ended, is exact in
# microseconds (EXTRACT of a timestamp gives a numeric).
_SPELL_LEAVE = """
        UPDATE classification_spelltally
        SET spells = spells - 1,
            ended_us = ended_us - COALESCE(((EXTRACT(EPOCH FROM OLD.ended_at)
                                   - EXTRACT(EPOCH FROM OLD.started_at)) * 1000000)::bigint, 0)
        WHERE started_on = (OLD.started_at AT TIME ZONE 'America/New_York')::date
          AND status = OLD.status;"""
_SPELL_ENTER = """
        INSERT INTO classification_spelltally (started_on, status, spells, ended_us)
        VALUES ((NEW.started_at AT TIME ZONE 'America/New_York')::date, NEW.status, 1,
                COALESCE(((EXTRACT(EPOCH FROM NEW.ended_at)
                                   - EXTRACT(EPOCH FROM NEW.started_at)) * 1000000)::bigint, 0))
        ON CONFLICT (started_on, status) DO UPDATE
        SET spells = classification_spelltally.spells + 1,
            ended_us = classification_spelltally.ended_us + EXCLUDED.ended_us;"""
_SPELL_ENDS = """
        UPDATE classification_spelltally
        SET ended_us = ended_us - COALESCE(((EXTRACT(EPOCH FROM OLD.ended_at)
                                   - EXTRACT(EPOCH FROM OLD.started_at)) * 1000000)::bigint, 0)
                                + COALESCE(((EXTRACT(EPOCH FROM NEW.ended_at)
                                   - EXTRACT(EPOCH FROM NEW.started_at)) * 1000000)::bigint, 0)
        WHERE started_on = (NEW.started_at AT TIME ZONE 'America/New_York')::date
          AND status = NEW.status;"""
_OLD_ROW = "((OLD.started_at AT TIME ZONE 'America/New_York')::date, OLD.status)"
_NEW_ROW = "((NEW.started_at AT TIME ZONE 'America/New_York')::date, NEW.status)"

# A spell ending (the usual update) changes its row's length alone. Spells are written under
# the event table's lock (common.audit), one transaction at a time; a spell moved to another
# row (SQL by hand) leaves and enters in the order of the rows' keys all the same.
pgtrigger.register(
    pgtrigger.Trigger(
        name="spell_tally",
        when=pgtrigger.After,
        operation=(
            pgtrigger.Insert
            | pgtrigger.UpdateOf("status", "started_at", "ended_at")
            | pgtrigger.Delete
        ),
        func=f"""
    IF TG_OP = 'INSERT' THEN {_SPELL_ENTER}
    ELSIF TG_OP = 'DELETE' THEN {_SPELL_LEAVE}
    ELSIF {_OLD_ROW} = {_NEW_ROW} THEN {_SPELL_ENDS}
    ELSIF {_OLD_ROW} < {_NEW_ROW} THEN
        {_SPELL_LEAVE} {_SPELL_ENTER}
    ELSE
        {_SPELL_ENTER} {_SPELL_LEAVE}
    END IF;
    RETURN NULL;""",
    ),
    pgtrigger.Trigger(
        name="spell_tally_truncate",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Truncate,
        func="DELETE FROM classification_spelltally; RETURN NULL;",
    ),
)(StatusSpell)
