"""Demo positions and reclassification requests for `seed_demo` (idempotent).

Positions are keyed by item number; requests are created only for positions that have none,
through the same services the site uses, with the clock set back so turnaround and events agree.
The rooms: `steps` (how each seeder acts), `positions` (positions, incumbents and title
history), `requests` (requests at every step), `employees` (requests filed by employees) and
`appeals`.
"""

from django.utils import timezone

from .. import services
from .appeals import seed_appeals
from .employees import seed_employee_requests
from .positions import _fallback_facilities, seed_history, seed_incumbents, seed_positions
from .requests import seed_decision_details, seed_delegations, seed_departed_analyst, seed_requests


def seed(stdout) -> None:
    _fallback_facilities(stdout)
    seed_positions(stdout)
    seed_requests(stdout)
    seed_decision_details(stdout)
    seed_history(stdout)
    seed_departed_analyst(stdout)
    seed_employee_requests(stdout)
    seed_delegations(stdout)
    seed_appeals(stdout)
    seed_incumbents(stdout)
    # Approvals dated after their decision day took effect since: the daily run, once.
    changed = services.apply_due_title_changes(on=timezone.localdate())
    stdout.write(f"Demo title changes that took effect since: {len(changed)}.")
