"""A request's page and its transitions. Thin: selectors read, services write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from candidates.dates import today_in_new_york
from candidates.selectors import evaluation_for
from classification import selectors, services, workflow
from classification.analysis import analyse_reclassification
from classification.forms.transitions import AttachmentForm, TransitionForm
from common.errors import Refused
from facilities import permissions

from .drafts import _can_edit, _error_text

# The exchange between DCC and the agency (the timeline shows every event).
AGENCY_MESSAGES = (
    "file",
    "comment",
    "request_information",
    "respond",
    "withdraw",
    "deny",
    "approve",
)


def _appeal_context(user, r) -> dict:
    from classification.views.appeals import appeal_context  # it reuses this module's helpers

    return appeal_context(user, r)


class ReclassificationDetailView(View):
    """The whole case on one page, with only the actions this user may take now."""

    def get(self, request, pk):
        employee = permissions.is_employee(request.user)
        # The employee's page names none of the people (who decided, for whom, ...).
        r = selectors.request_for_page(request.user, pk, people=not employee)
        if r is None:  # a draft is not in DCC staff's selector: 404
            raise Http404
        if employee:
            return render(
                request,
                "classification/reclassification_detail_employee.html",
                self.employee_context(r),
            )
        return render(request, "classification/reclassification_detail.html", self.context(r))

    def employee_context(self, r):
        """What the employee who filed the request reads: their filing, its state, DCC's
        questions, the decision and the letter. Not DCC's analysis, not the email log, and
        not the agency's comment or files unless the agency shared them."""
        user = self.request.user
        return {
            **_appeal_context(user, r),
            "r": r,
            "actions": workflow.allowed_transitions(user, r),
            "missing": services.missing_for_submission(r) if r.status == workflow.DRAFT else [],
            "duties_total": sum(d.percent for d in r.duties.all()),
            "attachments": selectors.attachments_visible_to(user, r),
            "can_attach": services.can_attach(user, r),
            "attachment_form": AttachmentForm(),
            "can_edit": _can_edit(user, r),
            "events": [(e, selectors.event_message_visible(user, r, e)) for e in r.events.all()],
            "waiting_on_you": next(
                (e for e in reversed(r.events.all()) if e.action == "request_information"), None
            )
            if r.status == workflow.INFO_REQUESTED
            else None,
        }

    def context(self, r):
        user = self.request.user
        today = today_in_new_york()
        decided = r.status in workflow.DECIDED_STATUSES
        current_determination = selectors.determination_for_facility(
            r.position.facility, selectors.latest_counts_of(r), for_display=True
        )
        incumbent = r.position.incumbent
        sees_recommendation = selectors.recommendation_visible_to(user, r)
        # The title the request would give: the recommended one where this user may see the
        # recommendation, else the proposed one (the agency's own question).
        in_question = r.outcome_title if sees_recommendation else r.proposed_title
        # The incumbent against the title the request would give them, as of today.
        incumbent_evaluation = (
            evaluation_for(incumbent, in_question.code, today_in_new_york())
            if incumbent is not None
            else None
        )
        missing = services.missing_for_submission(r) if r.status == workflow.DRAFT else []
        actions = workflow.allowed_transitions(user, r)
        if missing:
            # No Submit while the draft is incomplete: the page says what is missing instead.
            actions = [t for t in actions if t.action != "submit"]
        is_dcc = permissions.is_dcc_staff(user)
        return {
            **_appeal_context(user, r),
            "is_dcc": is_dcc,
            "r": r,
            # Agency HR reads the email sent to the agency's side, not DCC's own notices.
            "emails": [m for m in r.emails.all() if is_dcc or not m.to_dcc],
            "actions": actions,
            "missing": missing,
            "duties_total": sum(d.percent for d in r.duties.all()),
            "determination": current_determination,
            "analysis": analyse_reclassification(
                r,
                determination=current_determination,
                chief=selectors.chief_of(r),
                title=in_question,
            ),
            "decided": decided,
            # This approval's title change, still to take effect (read off the request: the
            # page stays within its query budget).
            "pending_from": r.decision_effective_date
            if r.status == workflow.APPROVED
            and r.decision_effective_date
            and r.decision_effective_date > today
            else None,
            "sees_recommendation": sees_recommendation,
            "hidden_messages": selectors.hidden_event_messages(user, r, r.events.all()),
            "can_attach": services.can_attach(user, r),
            "attachment_form": AttachmentForm(),
            "can_edit": _can_edit(user, r),
            "turnaround": {"open_for": r.open_for, "is_overdue": r.is_overdue},
            "target_days": settings.HIM_TURNAROUND_TARGET_DAYS,
            "incumbent_evaluation": incumbent_evaluation,
            "waiting_on_agency": next(
                (e for e in reversed(r.events.all()) if e.action == "request_information"), None
            )
            if r.status == workflow.INFO_REQUESTED
            else None,
            "message_events": [
                e for e in r.events.all() if e.message and e.action in AGENCY_MESSAGES
            ],
        }


class ReclassificationTransitionView(View):
    """GET: confirm one action (with its message); POST: take it through its service."""

    def setup_objects(self, pk, action):
        r = get_object_or_404(selectors.reclassifications_visible_to(self.request.user), pk=pk)
        transition = workflow.TRANSITIONS_BY_ACTION.get(action)
        if transition is None or action == "create":
            raise Http404
        return r, transition

    def get(self, request, pk, action):
        r, transition = self.setup_objects(pk, action)
        try:
            workflow.check(request.user, r, action)
        except Refused as exc:
            messages.error(request, str(exc))
            return redirect(r)
        form = TransitionForm(transition=transition, reclassification=r)
        return self.show(r, transition, form)

    def show(self, r, transition, form, status=200):
        missing = services.missing_for_submission(r) if transition.action == "submit" else []
        return render(
            self.request,
            "classification/reclassification_transition.html",
            {"r": r, "transition": transition, "form": form, "missing": missing},
            status=status,
        )

    def post(self, request, pk, action):
        r, transition = self.setup_objects(pk, action)
        try:  # a 5,000-digit or non-numeric version is judged by the form below, not here
            posted_version: int | None = int(request.POST.get("version", ""))
        except ValueError:
            posted_version = None
        try:
            # A form posted after the request moved on (decided, withdrawn, taken by someone
            # else) says so, before any of its fields are judged; the service checks again.
            # A stale form (a second click, an old tab) is told the request changed first.
            if posted_version is not None:
                services.check_version(r, posted_version)
            workflow.check(request.user, r, action)
        except (services.ConflictError, Refused) as exc:
            messages.error(request, str(exc))
            return redirect(r)
        form = TransitionForm(
            request.POST, request.FILES, transition=transition, reclassification=r
        )
        if not form.is_valid():
            return self.show(r, transition, form, status=400)
        service = services.SERVICES[action]
        try:
            service(actor=request.user, reclassification_id=r.pk, **form.service_kwargs())
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            return redirect(r)
        except Refused as exc:
            messages.error(request, str(exc))
            return redirect(r)
        except services.IncompleteError as exc:
            messages.error(
                request,
                _("The request cannot be submitted yet. Missing: %(missing)s.")
                % {"missing": "; ".join(str(m) for m in exc.messages)},
            )
            return redirect(r)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return self.show(r, transition, form, status=400)
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect(r)
