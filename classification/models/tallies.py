"""How many requests each agency has in each status, by days to decision, kept by the database
(docs/decisions/0024-request-tally.md): the dashboard's charts by agency and status and by
days to decision read these few hundred rows instead of counting every request.

Triggers on the request table keep it exact whatever writes a request (the services, the
admin's moves that change a request's agency, the bulk seeder's COPY, SQL by hand): each
insert, update and delete moves one request from its old row to its new one in the same
transaction. `tests/ops/invariants.py` checks it against a count of the requests."""

import pgtrigger
from django.db import models

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
