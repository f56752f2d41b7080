"""Pages for positions and reclassification requests. Thin: selectors read, services write."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_filters.constants import EMPTY_VALUES
from django_tables2 import RequestConfig

from candidates.dates import today_in_new_york
from candidates.selectors import evaluation_for
from classification import selectors, services, workflow
from classification.analysis import analyse_reclassification
from classification.filters import PositionFilter, ReclassificationFilter
from classification.forms import (
    POSITION_RESULTS,
    AttachmentForm,
    EmployeeRequestForm,
    ReclassificationDraftForm,
    TransitionForm,
    positions_open_for_request,
    search_positions,
    titles_other_than,
)
from classification.models import (
    Attachment,
    PositionTitleChange,
    ReclassificationEvent,
    Title,
)
from classification.tables import PositionTable, ReclassificationTable
from common.errors import Refused
from common.exports import export_response
from common.search import as_id
from facilities import permissions
from facilities.http import AuthenticatedHttpRequest
from facilities.tables import BoundedPaginator

PAGE_SIZE = 25
PAGINATE = {"per_page": PAGE_SIZE, "paginator_class": BoundedPaginator}

LIST_DEFERRED = (
    "justification",
    "purpose",
    "reporting_relationships",
    "recommendation_rationale",
    "decision_note",
    "determination_reasons",
    "determination_clauses",
)
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


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


class ReclassificationListView(View):
    """The queue: tabs for DCC staff, the agency's own requests for Agency HR."""

    def get(self, request):
        user = request.user
        tabs = selectors.queue_tabs(user)
        tab = request.GET.get("tab") or (tabs[0][0] if tabs else "all")
        if tabs and tab not in dict(tabs):
            tab = "all"
        if tab == "appeals":  # its own page: appeals, with their own states
            return redirect("classification:appeal_list")
        # The long texts and JSON stay on disk: the queue shows none of them.
        qs = (
            selectors.reclassification_queue(user, tab)
            .defer(*LIST_DEFERRED)
            # Only the joins the table shows: fewer tables, a quicker plan (planning a join
            # of eight tables took longer than running it).
            .select_related(None)
            .select_related(
                "position__facility__agency",
                "current_title",
                "proposed_title",
                "recommended_title",
                "assigned_to",
            )
        )
        filterset = ReclassificationFilter(request.GET, queryset=qs, user=user)
        rows = filterset.qs
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            return self.export(export, rows)
        # The work tabs (a few thousand requests at most) open on the longest-running first;
        # the whole archive opens newest first, which the primary key serves from its index
        # (sorting 100,000 requests by a turnaround computed for today cannot use one).
        table = ReclassificationTable(rows, order_by=("-id",) if tab == "all" else None)
        counts = selectors.tab_counts(user)
        paginate = PAGINATE
        if tab in TABS_COUNTED_AS_SHOWN and tab in counts and _unfiltered(filterset):
            # The tab's badge already counted these rows: at 100,000 requests the archive's
            # own COUNT(*) took another 8-12 ms.
            paginate = {**PAGINATE, "count": counts[tab]}
        RequestConfig(request, paginate=paginate).configure(table)
        return render(
            request,
            "classification/reclassification_list.html",
            {
                "table": table,
                "filter": filterset,
                "tabs": tabs,
                "tab": tab,
                "tab_counts": counts,
                "can_create": permissions.is_agency_hr(user) or permissions.is_employee(user),
                "target_days": _target_days(),
                "saved_filters": selectors.saved_filters_for(user),
                "current_query": _current_query(request),
                "can_reassign": permissions.is_supervisor(user),
            },
        )

    def export(self, fmt, rows):
        headers = [
            _("No."),
            _("Item"),
            _("Facility"),
            _("Agency"),
            _("Current title"),
            _("Proposed title"),
            _("Approved title"),
            _("Status"),
            _("Assignee"),
            _("Days open"),
            _("Overdue"),
        ]
        # Plain tuples, not model instances: the whole archive (100,000 rows) streams in
        # about half the time.
        columns = (
            "pk",
            "position__item_number",
            "position__facility__name",
            "position__facility__agency__code",
            "current_title__name",
            "proposed_title__name",
            "recommended_title__name",
            "status",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "assigned_to__username",
            "open_for",
            "is_overdue",
        )
        yes = _("yes")
        data = (
            [
                pk,
                item,
                facility,
                agency,
                current,
                proposed,
                # What approval applied: the recommended title, else the proposed one (the
                # request's `approved_title`, from plain columns).
                (recommended or proposed) if status == workflow.APPROVED else "",
                str(workflow.STATUS_LABELS.get(status, status)),
                _user_label(first, last, username),
                open_for.days if open_for is not None else "",
                yes if overdue else "",
            ]
            for (
                pk,
                item,
                facility,
                agency,
                current,
                proposed,
                recommended,
                status,
                first,
                last,
                username,
                open_for,
                overdue,
            ) in rows.order_by("pk").values_list(*columns).iterator(chunk_size=2000)
        )
        return export_response(fmt, "reclassification-requests", headers, data)


# Tabs whose badge (selectors.tab_counts) counts exactly the rows the queue lists for them
# (not "mine": its badge counts open statuses, drafts included; the queue leaves drafts out).
TABS_COUNTED_AS_SHOWN = ("unassigned", "awaiting", "all")


def _unfiltered(filterset) -> bool:
    """No filter narrows the rows (sorting and paging don't)."""
    form = filterset.form
    return form.is_valid() and all(v in EMPTY_VALUES for v in form.cleaned_data.values())


def _current_query(request) -> str:
    query = request.GET.copy()
    for key in ("page", "_export"):
        query.pop(key, None)
    return query.urlencode()


def _user_label(first: str | None, last: str | None, username: str | None) -> str:
    """What str(user) shows (the full name, else the user name), from plain columns."""
    if username is None:
        return ""
    return f"{first} {last}".strip() or username


def _target_days() -> int:
    from django.conf import settings

    return settings.HIM_TURNAROUND_TARGET_DAYS


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
            position_query=request.GET.get("position_q", "")[:200],
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
                position_query=request.POST.get("position_q", "")[:200],
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
        query = request.GET.get("position_q", "")[:200]
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


class ReclassificationDetailView(View):
    """The whole case on one page, with only the actions this user may take now."""

    def get(self, request, pk):
        qs = (
            selectors.with_request_page_facts(
                selectors.with_turnaround(selectors.reclassifications_visible_to(request.user))
            )
            .select_related(
                "created_by",
                "agency_commented_by",  # an employee's request: who answered for the agency
                "warranted_title",
                "position__incumbent",
                "appeal",
            )
            .prefetch_related(
                "duties",
                # The incumbent's evaluation against the proposed title reads these.
                "position__incumbent__credentials",
                "position__incumbent__spells",
                Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
                Prefetch(
                    "events",
                    queryset=ReclassificationEvent.objects.select_related(
                        "actor", "delegated_act__acted_for"
                    ),
                ),
                "emails",
            )
        )
        r = get_object_or_404(qs, pk=pk)  # a draft is not in DCC staff's selector: 404
        if permissions.is_employee(request.user):
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
            r.position.facility, selectors.latest_counts_of(r)
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
        return {
            **_appeal_context(user, r),
            "is_dcc": permissions.is_dcc_staff(user),
            "r": r,
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
            "target_days": _target_days(),
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
        posted_version = request.POST.get("version", "")
        try:
            # A form posted after the request moved on (decided, withdrawn, taken by someone
            # else) says so, before any of its fields are judged; the service checks again.
            # A stale form (a second click, an old tab) is told the request changed first.
            if posted_version.isdigit():
                services.check_version(r, int(posted_version))
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


class AttachmentCreateView(View):
    def post(self, request, pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a kind and a file to attach."))
            return redirect(r)
        try:
            attachment = services.add_attachment(
                actor=request.user,
                reclassification_id=r.pk,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, Refused) as exc:
            messages.error(
                request, _("The file was not attached: %(why)s") % {"why": _error_text(exc)}
            )
            return redirect(r)
        messages.success(request, _("Attached %(name)s.") % {"name": attachment.original_name})
        return redirect(r)


def _private_file(field_file, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(View):
    def get(self, request, pk, attachment_pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        attachment = get_object_or_404(
            selectors.attachments_visible_to(request.user, r), pk=attachment_pk
        )
        return _private_file(attachment.file, attachment.original_name, attachment.content_type)


class DecisionLetterView(View):
    def get(self, request, pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        if not r.letter:
            raise Http404
        return _private_file(r.letter, f"decision-letter-{r.pk}.pdf", "application/pdf")


class PositionListView(View):
    def get(self, request):
        qs = selectors.positions_visible_to(request.user)
        filterset = PositionFilter(request.GET, queryset=qs, user=request.user)
        rows = filterset.qs
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            headers = [
                _("Item"),
                _("Facility"),
                _("Agency"),
                _("Title"),
                _("Grade"),
                _("Incumbent"),
                _("Reports to"),
                _("Active"),
            ]
            data = (
                [
                    p.item_number,
                    p.facility.name,
                    p.facility.agency.code,
                    p.title.name,
                    p.title.grade,
                    str(p.incumbent or ""),
                    p.reports_to.item_number if p.reports_to else "",
                    _("yes") if p.active else _("no"),
                ]
                for p in rows.iterator(chunk_size=2000)
            )
            return export_response(export, "positions", headers, data)
        table = PositionTable(rows)
        RequestConfig(request, paginate=PAGINATE).configure(table)
        return render(
            request, "classification/position_list.html", {"table": table, "filter": filterset}
        )


class PositionDetailView(View):
    def get(self, request, pk):
        position = get_object_or_404(selectors.positions_visible_to(request.user), pk=pk)
        today = today_in_new_york()
        requests_qs = selectors.reclassifications_visible_to(request.user).filter(position=position)
        pending_change = selectors.pending_title_change(position, today)
        return render(
            request,
            "classification/position_detail.html",
            {
                "position": position,
                # The title in effect today, from the history (right also before the daily
                # run has stored it), and the change still to come.
                "title": selectors.title_in_effect(position, today),
                "pending_change": pending_change,
                "today": today,
                "history": PositionTitleChange.objects.filter(position=position).select_related(
                    "from_title", "to_title", "changed_by", "reclassification"
                ),
                "reclassifications": requests_qs,
                "direct_reports": position.direct_reports.select_related("title", "incumbent"),
                # A pending change takes effect before a new request can start (services).
                "can_request": (
                    permissions.is_agency_hr(request.user) or permissions.is_employee(request.user)
                )
                and position.active
                and pending_change is None,
            },
        )
