"""An appeal of a decided request to the Civil Service Commission, as one table (decision
0021-appeals). Pure Python: dates in, the window and who may move an appeal where out. The
services (on the locked rows), the buttons on the request page and the tests read it.

Civil Service Law §120: an appeal reaches the Commission within 60 days of the written notice.
The window counts from the decision letter's date (a New York date): day 60 is the last day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from facilities.permissions import is_signed_in

from .effective_dates import long_date
from .workflow.table import Transition  # the requests' step, with the same fields

if TYPE_CHECKING:
    from facilities.permissions import Viewer

APPEAL_DAYS = 60

NEW = "new"  # before an appeal exists (only `file` starts there)
FILED = "filed"
TRANSMITTED = "transmitted"
DECIDED = "decided"
CLOSED = "closed"

STATUS_LABELS = {
    FILED: _("Appeal filed"),
    TRANSMITTED: _("Sent to the Civil Service Commission"),
    DECIDED: _("Decided by the Commission"),
    CLOSED: _("Appeal closed"),
}
STATUSES = tuple(STATUS_LABELS)
OPEN_STATUSES = (FILED, TRANSMITTED, DECIDED)

UPHELD = "upheld"
MODIFIED = "modified"
REVERSED = "reversed"
OUTCOME_LABELS = {
    UPHELD: _("Upheld (the decision stands)"),
    MODIFIED: _("Modified (another title)"),
    REVERSED: _("Reversed"),
}
# Outcomes that change the position's title (through the effective-dated title history).
TITLE_CHANGING = (MODIFIED, REVERSED)

# Who may act on one appeal.
APPELLANT = "appellant"  # the request's agency HR, or the employee who filed the request
DCC = "dcc"  # a DCC analyst or supervisor

WHO_LABELS = {APPELLANT: _("agency or the employee"), DCC: _("DCC analyst or supervisor")}


APPEAL_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "file",
        (NEW,),
        FILED,
        (APPELLANT,),
        _("Record an appeal"),
        message_label=_("Grounds for the appeal"),
        message_required=True,
    ),
    Transition(
        "transmit",
        (FILED,),
        TRANSMITTED,
        (DCC,),
        _("Send the record to the Commission"),
        message_label=_("Note (optional)"),
    ),
    Transition(
        "decide",
        (TRANSMITTED,),
        DECIDED,
        (DCC,),
        _("Record the Commission's decision"),
        message_label=_("What the Commission wrote"),
        message_required=True,
    ),
    Transition(
        "close",
        (DECIDED,),
        CLOSED,
        (DCC,),
        _("Close the appeal"),
        message_label=_("Note (optional)"),
        style="secondary",
    ),
)
APPEAL_TRANSITIONS_BY_ACTION = {t.action: t for t in APPEAL_TRANSITIONS}
APPEAL_ACTIONS = tuple(APPEAL_TRANSITIONS_BY_ACTION)


class AppealNotAllowed(Exception):
    """The user may not take this action on the appeal now (the message says why)."""


def appeal_last_day(letter_date: date) -> date:
    """The last day an appeal may be recorded: the 60th day after the letter's date."""
    return letter_date + timedelta(days=APPEAL_DAYS)


def window_open(letter_date: date, today: date) -> bool:
    return today <= appeal_last_day(letter_date)


def window_closed_message(letter_date: date) -> str:
    return str(
        _("The appeal period ended on %(date)s.")
        % {"date": long_date(appeal_last_day(letter_date))}
    )


def window_open_message(letter_date: date) -> str:
    return str(
        _("An appeal is possible until %(date)s.")
        % {"date": long_date(appeal_last_day(letter_date))}
    )


def appeal_roles(user: Viewer, *, agency_id: int | None, employee_id: int | None) -> frozenset[str]:
    """The appeal roles `user` holds towards one decided request: the agency's HR (on any of
    its requests, the employee's included) and the employee who filed it are appellants;
    DCC analysts and supervisors move the appeal on."""
    if not is_signed_in(user):
        return frozenset()
    held = set()
    if user.is_agency_hr and agency_id is not None and user.agency_id == agency_id:
        held.add(APPELLANT)
    if employee_id is not None and user.is_employee and user.pk == employee_id:
        held.add(APPELLANT)
    if user.is_analyst:
        held.add(DCC)
    return frozenset(held)


def check_appeal(
    user: Viewer, *, status: str, action: str, agency_id: int | None, employee_id: int | None
) -> Transition:
    """The transition for `action` from `status`, or AppealNotAllowed saying why not."""
    transition = APPEAL_TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise AppealNotAllowed(_("Unknown action."))
    if status not in transition.sources:
        raise AppealNotAllowed(
            _("This appeal is %(status)s: “%(action)s” is not possible now.")
            % {"status": STATUS_LABELS.get(status, status), "action": transition.label}
        )
    held = appeal_roles(user, agency_id=agency_id, employee_id=employee_id)
    if not held.intersection(transition.who):
        raise AppealNotAllowed(
            _("Only the %(who)s may “%(action)s”.")
            % {
                "who": " / ".join(str(WHO_LABELS[w]) for w in transition.who),
                "action": transition.label,
            }
        )
    return transition


def allowed_appeal_transitions(
    user: Viewer, *, status: str, agency_id: int | None, employee_id: int | None
) -> list[Transition]:
    held = appeal_roles(user, agency_id=agency_id, employee_id=employee_id)
    return [
        t
        for t in APPEAL_TRANSITIONS
        if t.action != "file" and status in t.sources and held.intersection(t.who)
    ]
