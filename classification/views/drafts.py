"""Starting and editing a request's draft, with the position search and the warranted-title
fragment. Thin: selectors read, services write."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from classification import selectors, services, workflow
from classification.forms.drafts import (
    POSITION_RESULTS,
    EmployeeRequestForm,
    ReclassificationDraftForm,
    positions_open_for_request,
    search_positions,
    titles_other_than,
)
from classification.models import (
    Attachment,
    Title,
)
from common.errors import Refused
from common.search import SEARCH_MAX_LENGTH, as_id
from facilities import permissions
from facilities.http import AuthenticatedHttpRequest


def _position_query(data) -> str:
    """The position picker's search (`position_q`), as the list searches take theirs: bounded,
    and without NUL, which PostgreSQL text cannot hold (it was a 500)."""
    return data.get("position_q", "").replace("\x00", "")[:SEARCH_MAX_LENGTH]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


class ReclassificationCreateView(View):
    """Agency HR starts a draft for one of its positions; an employee for one of their own
    (form CC-2E, a shorter form)."""

    request: AuthenticatedHttpRequest

    def dispatch(self, request, *args, **kwargs):
        self.by_employee = permissions.is_employee(request.user)
        if not (self.by_employee or permissions.is_agency_hr(request.user)):
            raise PermissionDenied
        self.form_class = EmployeeRequestForm if self.by_employee else ReclassificationDraftForm
        return super().dispatch(request, *args, **kwargs)

    def positions(self):
        return positions_open_for_request(selectors.positions_visible_to(self.request.user))

    def get(self, request):
        user = request.user
        initial = (
            {}
            if self.by_employee
            else {"contact_name": user.get_full_name(), "contact_email": user.email}
        )
        if request.GET.get("position"):
            initial["position"] = request.GET["position"]
        # The drift report links here with the warranted title's occ. code.
        proposed = request.GET.get("proposed_title", "")
        if proposed:
            title = Title.objects.filter(Q(code=proposed) | Q(pk=as_id(proposed))).first()
            if title is not None:
                initial["proposed_title"] = title.pk
        # The picker's Find button (without JavaScript) sends the search as `position_q`.
        form = self.form_class(
            initial=initial,
            positions=self.positions(),
            position_query=_position_query(request.GET),
        )
        return self.show(form)

    def show(self, form, status=200):
        position = form.chosen_position()
        if self.by_employee:
            return render(
                self.request,
                "classification/reclassification_form_employee.html",
                {"form": form, "position": position},
                status=status,
            )
        return render(
            self.request,
            "classification/reclassification_form.html",
            _form_context(form, position),
            status=status,
        )

    def post(self, request):
        token = request.POST.get("creation_token", "")
        already = self.already_created(token)
        if already is None:
            form = self.form_class(
                request.POST,
                positions=self.positions(),
                position_query=_position_query(request.POST),
            )
            if form.is_valid():
                return self.create(form)
            # The same form's other post may have created its draft since the check above (a
            # double click): its position is then no longer open, and this post belongs there.
            already = self.already_created(token)
            if already is None:
                return self.show(form, status=400)
        # The same form posted twice (double click, back and resubmit): nothing new.
        messages.info(request, _("This draft was already saved."))
        return redirect(already)

    def create(self, form):
        request = self.request
        try:
            reclassification = services.create_reclassification(
                actor=request.user,
                position=form.cleaned_data["position"],
                creation_token=form.cleaned_data.get("creation_token"),
                duties=form.duties(),
                **form.draft_fields(),
            )
        except (ValidationError, Refused) as exc:
            messages.error(request, _error_text(exc))
            return self.show(form, status=400)
        if self.by_employee:
            messages.success(
                request, _("Draft saved. Attach any files that support it, then file it.")
            )
        else:
            messages.success(request, _("Draft saved. Attach the organization chart, then submit."))
        return redirect(reclassification)

    def already_created(self, token: str):
        try:
            token_uuid = uuid.UUID(token)
        except ValueError:
            return None
        return (
            selectors.reclassifications_visible_to(self.request.user)
            .filter(creation_token=token_uuid, created_by=self.request.user)
            .first()
        )


def _warranted(position):
    if position is None:
        return None
    return {
        "position": position,
        "determination": selectors.determination_for_facility(position.facility),
    }


def _form_context(form, position, **extra) -> dict:
    """What the draft form shows beside its fields: the standard's level for the position's
    facility, the running duties total, and the attachments named before anything is saved."""
    return {
        "form": form,
        "warranted": _warranted(position),
        "position": position,
        "duties_total": form.duties_total(),
        "required_attachments": [Attachment.Kind.ORGANIZATION_CHART.label],
        "optional_attachments": [
            k.label for k in Attachment.Kind if k != Attachment.Kind.ORGANIZATION_CHART
        ],
        **extra,
    }


class PositionSearchView(View):
    """htmx: the positions of the user's agency open for a request that match what was typed
    (at most POSITION_RESULTS), as the new-request form's radio buttons. Agency HR only."""

    def get(self, request):
        if not permissions.is_agency_hr(request.user):
            raise PermissionDenied
        positions = positions_open_for_request(selectors.positions_visible_to(request.user))
        query = _position_query(request.GET)
        chosen = None
        pk = as_id(request.GET.get("position", ""))
        if pk is not None:
            chosen = positions.filter(pk=pk).first()
        results = [p for p in search_positions(positions, query) if chosen is None or p != chosen]
        return render(
            request,
            "classification/_position_results.html",
            {
                "name": "position",
                "id": "id_position",
                "chosen": chosen,
                "results": results,
                "query": query.strip(),
                "limit": POSITION_RESULTS,
            },
        )


class WarrantedFragmentView(View):
    """htmx: what the standard warrants for the chosen position's facility, and the titles
    it may propose (every title but its current one, swapped in out of band)."""

    def get(self, request):
        position = None
        pk = as_id(request.GET.get("position", ""))
        if pk is not None:
            position = selectors.positions_visible_to(request.user).filter(pk=pk).first()
        titles = titles_other_than(position.title_id if position else None)
        return render(
            request,
            "classification/_warranted.html",
            {
                "warranted": _warranted(position),
                "titles": titles,
                "oob_titles": True,
                "chosen_title": request.GET.get("proposed_title", "")[:20],
            },
        )


def _can_edit(user, r) -> bool:
    """The draft's author edits it: the agency's HR, or the employee who started it."""
    if r.status != workflow.DRAFT:
        return False
    if r.filed_by_employee:
        return permissions.is_employee(user) and r.employee_id == user.pk
    return permissions.is_agency_hr(user)


def _draft_form_class(r):
    return EmployeeRequestForm if r.filed_by_employee else ReclassificationDraftForm


class ReclassificationUpdateView(View):
    """Agency HR edits its draft; an employee theirs."""

    def get_object(self):
        r = get_object_or_404(
            selectors.reclassifications_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        if not _can_edit(self.request.user, r):
            raise PermissionDenied
        return r

    def get(self, request, pk):
        r = self.get_object()
        return self.show(r, _draft_form_class(r)(instance=r))

    def show(self, r, form, status=200):
        if r.filed_by_employee:
            return render(
                self.request,
                "classification/reclassification_form_employee.html",
                {"form": form, "object": r, "position": r.position},
                status=status,
            )
        return render(
            self.request,
            "classification/reclassification_form.html",
            _form_context(form, r.position, object=r),
            status=status,
        )

    def post(self, request, pk):
        r = self.get_object()
        form = _draft_form_class(r)(request.POST, instance=r)
        if not form.is_valid():
            return self.show(r, form, status=400)
        try:
            services.update_reclassification_draft(
                actor=request.user,
                reclassification_id=r.pk,
                expected_version=form.cleaned_data["version"],
                duties=form.duties(),
                **form.draft_fields(),
            )
        except services.ConflictError as exc:
            messages.error(request, str(exc))
            return redirect(r)
        except (ValidationError, Refused) as exc:
            messages.error(request, _error_text(exc))
            return self.show(r, form, status=400)
        messages.success(request, _("Draft saved."))
        return redirect(r)
