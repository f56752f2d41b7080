"""Pages for appeals to the Civil Service Commission (decision 0021-appeals). Thin: the
selectors scope, the services write, `appeal_workflow` says who may do what."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from candidates.dates import today_in_new_york
from classification import appeal_services, selectors
from classification import appeal_workflow as aw
from classification.forms.appeals import AppealFileForm, AppealTransitionForm
from classification.letters import letter_date
from classification.views.drafts import _error_text
from common.files import private_download
from facilities import permissions


def appeal_context(user, r) -> dict:
    """What the request page shows of the appeal: the window, the appeal and its timeline,
    and the steps this user may take (asked of `appeal_workflow`, as the services do)."""
    appeal = getattr(r, "appeal", None)  # select_related by the page: no query
    if r.status not in ("approved", "denied") or r.decided_at is None:
        return {"appeal_shown": False}
    today = today_in_new_york()
    written = letter_date(r)
    is_open = aw.window_open(written, today)
    roles = aw.appeal_roles(user, agency_id=r.agency_id, employee_id=r.employee_id)
    return {
        "appeal_shown": True,
        "appeal": appeal,
        "appeal_window": aw.window_open_message(written)
        if is_open
        else aw.window_closed_message(written),
        "appeal_window_open": is_open,
        "can_file_appeal": appeal is None and is_open and aw.APPELLANT in roles,
        "appeal_actions": aw.allowed_appeal_transitions(
            user, status=appeal.status, agency_id=r.agency_id, employee_id=r.employee_id
        )
        if appeal is not None
        else [],
        "appeal_events": list(appeal.events.select_related("actor")) if appeal else [],
        "appeal_attachments": list(appeal.attachments.all()) if appeal else [],
    }


class AppealCreateView(View):
    """GET: the appeal form (or why it is refused); POST: record the appeal."""

    def setup_request(self, pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(self.request.user), pk=pk)
        roles = aw.appeal_roles(self.request.user, agency_id=r.agency_id, employee_id=r.employee_id)
        if aw.APPELLANT not in roles:
            raise PermissionDenied
        return r

    def refusal(self, r):
        problem = appeal_services.appeal_window_problem(r, today_in_new_york())
        if problem is None and hasattr(r, "appeal"):
            problem = _("This decision has already been appealed.")
        return problem

    def get(self, request, pk):
        r = self.setup_request(pk)
        problem = self.refusal(r)
        if problem:
            messages.error(request, problem)
            return redirect(r)
        return self.show(r, AppealFileForm())

    def show(self, r, form, status=200):
        return render(
            self.request,
            "classification/appeal_form.html",
            {
                "r": r,
                "form": form,
                "appeal_window": aw.window_open_message(letter_date(r)),
            },
            status=status,
        )

    def post(self, request, pk):
        r = self.setup_request(pk)
        form = AppealFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(r, form, status=400)
        try:
            appeal_services.file_appeal(
                actor=request.user,
                reclassification_id=r.pk,
                grounds=form.cleaned_data["grounds"],
                files=form.files_to_store(),
            )
        except aw.AppealNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(r)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return self.show(r, form, status=400)
        messages.success(request, _("The appeal is recorded."))
        return redirect(r)


SERVICES = {
    "transmit": appeal_services.transmit_appeal,
    "decide": appeal_services.record_commission_decision,
    "close": appeal_services.close_appeal,
}


class AppealTransitionView(View):
    """GET: confirm one step of an appeal; POST: take it through its service."""

    def setup_objects(self, pk, action):
        appeal = get_object_or_404(selectors.appeals_visible_to(self.request.user), pk=pk)
        transition = aw.APPEAL_TRANSITIONS_BY_ACTION.get(action)
        if transition is None or action not in SERVICES:
            raise Http404
        return appeal, transition

    def allowed(self, appeal, action):
        r = appeal.reclassification
        aw.check_appeal(
            self.request.user,
            status=appeal.status,
            action=action,
            agency_id=r.agency_id,
            employee_id=r.employee_id,
        )

    def get(self, request, pk, action):
        appeal, transition = self.setup_objects(pk, action)
        try:
            self.allowed(appeal, action)
        except aw.AppealNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect(appeal)
        return self.show(
            appeal, transition, AppealTransitionForm(transition=transition, appeal=appeal)
        )

    def show(self, appeal, transition, form, status=200):
        return render(
            self.request,
            "classification/appeal_transition.html",
            {
                "appeal": appeal,
                "r": appeal.reclassification,
                "transition": transition,
                "form": form,
            },
            status=status,
        )

    def post(self, request, pk, action):
        appeal, transition = self.setup_objects(pk, action)
        form = AppealTransitionForm(request.POST, transition=transition, appeal=appeal)
        if not form.is_valid():
            return self.show(appeal, transition, form, status=400)
        try:
            SERVICES[action](actor=request.user, appeal_id=appeal.pk, **form.service_kwargs())
        except (appeal_services.ConflictError, aw.AppealNotAllowed) as exc:
            messages.error(request, str(exc))
            return redirect(appeal)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return self.show(appeal, transition, form, status=400)
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect(appeal)


class AppealListView(View):
    """The queue's Appeals tab (DCC): appeals not yet closed, oldest first."""

    def get(self, request):
        if not permissions.is_dcc_staff(request.user):
            raise PermissionDenied
        return render(
            request,
            "classification/appeal_list.html",
            {
                "appeals": selectors.appeal_queue(request.user)[:200],
                "tabs": selectors.queue_tabs(request.user),
                "tab_counts": selectors.tab_counts(request.user),
                "tab": "appeals",
            },
        )


class AppealPacketView(View):
    def get(self, request, pk):
        appeal = get_object_or_404(selectors.appeals_visible_to(request.user), pk=pk)
        if not permissions.is_dcc_staff(request.user) or not appeal.packet:
            raise Http404
        return private_download(
            appeal.packet, f"appeal-record-{appeal.reclassification_id}.pdf", "application/pdf"
        )


class AppealAttachmentView(View):
    def get(self, request, pk, attachment_pk):
        appeal = get_object_or_404(selectors.appeals_visible_to(request.user), pk=pk)
        attachment = get_object_or_404(appeal.attachments.all(), pk=attachment_pk)
        return private_download(attachment.file, attachment.original_name, attachment.content_type)
