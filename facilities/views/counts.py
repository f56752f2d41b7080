"""A facility's annual counts: entering them, reviewing them, and importing them from a file."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from common.errors import ConflictError, Refused

from .. import permissions, selectors, services
from ..forms import (
    CountsForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReviewForm,
)
from ..imports.checking import validate_rows
from ..models import AnnualActivity


def _form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: field errors where the field exists."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CountsFormView(FormView):
    """Report a year's counts, or correct a year (`year` in the URL, or a year that exists)."""

    form_class = CountsForm
    template_name = "facilities/counts_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.facility = selectors.facility_for_user(request.user, kwargs["pk"])
        if not services.can_report_counts(request.user, self.facility):
            raise PermissionDenied
        self.current = None
        if "year" in kwargs:
            self.current = get_object_or_404(
                AnnualActivity, facility=self.facility, fiscal_year=kwargs["year"]
            )
        self.conflict = None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        posted_version = self.request.POST.get("version") if self.request.method == "POST" else None
        kwargs["correcting"] = self.current is not None or bool(posted_version)
        return kwargs

    def get_initial(self):
        if self.current is None:
            return {"fiscal_year": services.current_fiscal_year() - 1}
        return {
            "fiscal_year": self.current.fiscal_year,
            "individuals_served": self.current.individuals_served,
            "records_activities": self.current.records_activities,
            "methodology": self.current.methodology,
            "version": self.current.version,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        if self.current is not None:
            # Correcting the year in the address: the form's hidden year cannot point the
            # correction (and its version check) at another year's row.
            data["fiscal_year"] = self.current.fiscal_year
        try:
            services.report_counts(
                actor=self.request.user,
                facility=self.facility,
                fiscal_year=data["fiscal_year"],
                individuals_served=data["individuals_served"],
                records_activities=data["records_activities"],
                methodology=data["methodology"],
                note=data["note"],
                expected_version=data["version"],
            )
        except ConflictError as conflict:
            # Show the form again as a correction of the row as it is now, the user's
            # figures kept, so nothing they typed is lost and nothing is overwritten.
            # Unbound, so the reason field is not flagged before the user could fill it in.
            self.current = conflict.current
            self.conflict = conflict.message
            initial = {
                **{k: v for k, v in data.items() if k != "version"},
                "methodology": data["methodology"] or conflict.current.methodology,
                "version": conflict.current.version,
            }
            form = CountsForm(initial=initial, correcting=True)
            return self.render_to_response(self.get_context_data(form=form))
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Counts for %(year)s saved.") % {"year": services.sfy_label(data["fiscal_year"])},
        )
        return redirect(self.facility)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            facility=self.facility, current=self.current, conflict=self.conflict, **kwargs
        )


class CountsReviewView(View):
    """POST only: an analyst accepts or disputes one year's counts."""

    def post(self, request, pk: int, year: int):
        facility = selectors.facility_for_user(request.user, pk)
        if not services.can_review_counts(request.user):
            raise PermissionDenied
        activity = get_object_or_404(AnnualActivity, facility=facility, fiscal_year=year)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect(f"{facility.get_absolute_url()}#year-{year}")
        verb = (
            services.accept_counts
            if form.cleaned_data["action"] == "accept"
            else services.dispute_counts
        )
        try:
            verb(
                actor=request.user,
                activity=activity,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            done = _("accepted") if form.cleaned_data["action"] == "accept" else _("disputed")
            messages.success(
                request,
                _("%(year)s's counts %(done)s.")
                % {"year": activity.fiscal_year_label, "done": done},
            )
        return redirect(f"{facility.get_absolute_url()}#year-{year}")


def _may_import(user) -> bool:
    return permissions.is_analyst(user) or permissions.is_agency_hr(user)


class ImportView(FormView):
    """Upload a counts file; it is read and kept for a preview, nothing is applied yet."""

    form_class = ImportUploadForm
    template_name = "facilities/import_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not _may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        codes = list(
            selectors.facilities_visible_to(self.request.user)
            .filter(active=True)
            .values_list("code", flat=True)[:2]
        )
        return super().get_context_data(example_codes=codes or ["CODE-1", "CODE-2"], **kwargs)

    def form_valid(self, form):
        uploaded = form.cleaned_data["file"]
        count_import = services.preview_count_import(
            actor=self.request.user, file_name=uploaded.name, data=uploaded.read()
        )
        return redirect("facilities:import_preview", token=count_import.token)


class ImportPreviewView(View):
    """Every row as new, changed, unchanged or error; POST confirms (all rows or nothing)."""

    template_name = "facilities/import_preview.html"
    per_page = 200

    def dispatch(self, request, *args, **kwargs):
        if not _may_import(request.user):
            raise PermissionDenied
        self.count_import = selectors.count_import_for_user(request.user, kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        count_import = self.count_import
        rows = [] if count_import.applied_at else validate_rows(request.user, count_import.rows)
        totals = dict.fromkeys(("new", "changed", "unchanged", "error"), 0)
        for row in rows:
            totals[row.outcome] += 1
        show = request.GET.get("show", "")
        shown = [r for r in rows if r.outcome == show] if show in totals else rows
        page = Paginator(shown, self.per_page).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "count_import": count_import,
                "page_obj": page,
                "totals": totals,
                "show": show,
                "can_confirm": bool(rows) and totals["error"] == 0 and not count_import.file_errors,
                "nothing_to_do": bool(rows) and totals["new"] + totals["changed"] == 0,
                "confirm_form": ImportConfirmForm(
                    initial={"file_sha256": count_import.file_sha256}
                ),
            },
        )

    def post(self, request, token):
        form = ImportConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The confirmation was incomplete; nothing was imported."))
            return redirect("facilities:import_preview", token=token)
        try:
            summary = services.apply_count_import(
                actor=request.user,
                count_import=self.count_import,
                file_sha256=form.cleaned_data["file_sha256"],
            )
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("facilities:import_preview", token=token)
        messages.success(
            request,
            _("Import applied: %(new)s new, %(changed)s corrected, %(unchanged)s unchanged.")
            % summary,
        )
        return redirect("facilities:import_preview", token=token)
