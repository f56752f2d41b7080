"""The request page's one read of a request: the request with everything its page shows.

PostgreSQL plans a query by trying orders of its joins, and the page's query once joined
eighteen tables: planning took several times as long as running it, and longer again under
`get()`'s LIMIT (a plan for a fast start is sought as well). So the request is read by primary
key without a LIMIT, joined to its position, facility, agency, incumbent, titles and appeal,
and the seven people it names are read in one query of their own (docs/benchmarks.md).
"""

from __future__ import annotations

from django.db.models import Prefetch

from candidates.models import Credential, ExperienceSpell
from facilities.models import User

from ..models import Attachment, DutyLine, ReclassificationEvent, ReclassificationRequest
from .requests import reclassifications_visible_to, with_request_page_facts, with_turnaround

# The people the page names: who created the request, the analyst, who recommended and
# decided and for whom (delegations), and who answered for the agency on an employee's request.
PEOPLE = (
    "created_by",
    "assigned_to",
    "recommended_by",
    "recommended_for",
    "decided_by",
    "decided_for",
    "agency_commented_by",
)


def request_for_page(user: User, pk: int, *, people: bool = True) -> ReclassificationRequest | None:
    """Request `pk` as `user` may see it (None if they may not: a draft is not in DCC staff's
    selector), annotated with its turnaround and its facility's facts
    (`with_request_page_facts`), with its duties, files, events, email and incumbent's
    credentials and experience loaded, and (unless `people` is false) the people it names."""
    qs = (
        with_request_page_facts(with_turnaround(reclassifications_visible_to(user)))
        .select_related(None)
        .select_related(
            "position__facility__agency",
            "position__incumbent",
            "current_title",
            "proposed_title",
            "recommended_title",
            "warranted_title",
            "appeal",
        )
        .prefetch_related(
            # Each in its own order within the one request (or person), without joining the
            # request (or person) to sort by it as the models' default orders do.
            Prefetch("duties", queryset=DutyLine.objects.order_by("order", "pk")),
            # The incumbent's evaluation against the proposed title reads these.
            Prefetch(
                "position__incumbent__credentials", queryset=Credential.objects.order_by("kind")
            ),
            Prefetch(
                "position__incumbent__spells", queryset=ExperienceSpell.objects.order_by("-start")
            ),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("uploaded_by").order_by("uploaded_at"),
            ),
            Prefetch(
                "events",
                queryset=ReclassificationEvent.objects.select_related(
                    "actor", "delegated_act__acted_for"
                ).order_by("at", "pk"),
            ),
            "emails",
        )
        .filter(pk=pk)
        .order_by()  # one row: the requests' default order would only cost compiling it
    )
    r = next(iter(qs), None)
    if r is not None and people:
        _load_people(r)
    return r


def _load_people(r: ReclassificationRequest) -> None:
    ids = {getattr(r, f"{name}_id") for name in PEOPLE} - {None}
    people = User.objects.in_bulk(ids)
    for name in PEOPLE:
        person = people.get(getattr(r, f"{name}_id"))
        if person is not None:
            setattr(r, name, person)
