"""Who a transition tells, and in which words: the email queued in the outbox with the change."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from facilities import roles
from facilities.models import User

from ..models import (
    EmailLog,
    ReclassificationEvent,
    ReclassificationRequest,
)

# What a transition notifies: (recipient, subject) or (recipient, subject, with the message).
Notices = Sequence[tuple[str, str] | tuple[str, str, bool]]


def _queue_emails(
    reclassification: ReclassificationRequest,
    event: ReclassificationEvent,
    recipients_and_subjects: Notices,
    acted_for: User | None = None,
) -> None:
    """EmailLog rows in this transaction: the outbox worker sends them once it commits (a
    page never talks to the mail server, and a rolled-back action sends nothing). A third
    item False leaves the event's message out of that recipient's email (the agency's
    comment, unshared, never reaches the employee). An action taken through a delegation
    says so: "for <delegator>, by <delegate>"."""
    # HIM_SITE_URL (e.g. https://him.cs.ny.gov) makes the link absolute; unset, it is a path.
    link = getattr(settings, "HIM_SITE_URL", "").rstrip("/") + reverse(
        "classification:reclassification_detail", args=[reclassification.pk]
    )
    dcc = _dcc_staff_emails([recipient for recipient, *_ in recipients_and_subjects])
    seen = set()
    for recipient, subject, *rest in recipients_and_subjects:
        if not recipient or recipient in seen:
            continue
        seen.add(recipient)
        with_message = rest[0] if rest else True
        body = _(
            "%(subject)s\n\nPosition %(item)s, %(facility)s: %(current)s → %(outcome)s.\n"
            "Status: %(status)s.\n%(by)s%(message)s\nSee the request: %(link)s\n"
        ) % {
            "subject": subject,
            "item": reclassification.position.item_number,
            "facility": reclassification.position.facility.name,
            "current": reclassification.current_title,
            "outcome": _outcome_words(reclassification),
            "status": reclassification.status_label,
            "by": _("This was done for %(delegator)s, by %(delegate)s.\n")
            % {"delegator": acted_for, "delegate": event.actor}
            if acted_for is not None
            else "",
            "message": f"\n{event.message}\n" if event.message and with_message else "",
            "link": link,
        }
        EmailLog.objects.create(
            reclassification=reclassification,
            event=event,
            recipient=recipient,
            to_dcc=recipient in dcc,
            subject=subject[:200],
            body=body,
        )


def _dcc_staff_emails(recipients: list[str]) -> set[str]:
    """Those of `recipients` that are the addresses of DCC staff (analysts, supervisors)."""
    return set(
        get_user_model()
        .objects.filter(email__in=[r for r in recipients if r], groups__name__in=roles.DCC_ROLES)
        .values_list("email", flat=True)
    )


def _outcome_words(reclassification: ReclassificationRequest) -> str:
    """The title the request now leads to, and the proposed one when that differs."""
    if not reclassification.outcome_differs:
        return str(reclassification.outcome_title)
    return _("%(outcome)s (proposed: %(proposed)s)") % {
        "outcome": reclassification.outcome_title,
        "proposed": reclassification.proposed_title,
    }


def _agency_contact(reclassification: ReclassificationRequest) -> str:
    """Who hears of a request's progress: the contact it names (on an employee's request, the
    employee), else its author."""
    return reclassification.contact_email or reclassification.created_by.email


def _agency_hr_emails(reclassification: ReclassificationRequest) -> list[str]:
    """The active HR users of the request's agency (who comment on an employee's request)."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=roles.AGENCY_HR, agency_id=reclassification.agency_id
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def _decision_recipients(r: ReclassificationRequest, what: str) -> list[tuple[str, str]]:
    """The request's contact and, on an employee's request, the agency's HR as well."""
    subject = _subject(r, what)
    recipients = [(_agency_contact(r), subject)]
    if r.filed_by_employee:
        recipients += [(e, subject) for e in _agency_hr_emails(r)]
    return recipients


def _subject(reclassification: ReclassificationRequest, what: str) -> str:
    return _("Reclassification %(id)s (item %(item)s): %(what)s") % {
        "id": reclassification.pk,
        "item": reclassification.position.item_number,
        "what": what,
    }
