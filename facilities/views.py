from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, RedirectView, TemplateView

from common.errors import ConflictError, Refused

from . import permissions, selectors, services
from .forms import (
    CountsForm,
    DelegationChangeForm,
    DelegationEndForm,
    DelegationForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReviewForm,
    SignInForm,
)
from .imports import validate_rows
from .models import AnnualActivity
from .oidc import oidc_enabled, provider_sign_out_url
from .services import delegations as delegation_services


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class SignInView(auth_views.LoginView):
    """The sign-in page: NY.gov ID when it is set up, and the user name form beside it (for
    administrators only under HIM_LOCAL_SIGN_IN="staff-only")."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if oidc_enabled():
            # NY.gov ID comes first on the page: focus must not jump past it into the form.
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nygov_id=oidc_enabled(),
            staff_only=settings.HIM_LOCAL_SIGN_IN == "staff-only",
            **kwargs,
        )


class SignOutView(auth_views.LogoutView):
    """Sign out; after a NY.gov ID sign-in, on to the provider to end its session as well."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_sign_out_url(request)  # before the session is flushed
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


class NoAccessView(TemplateView):
    """Signed in, but no role on the site yet: who to ask (config.middleware.SiteAccessMiddleware
    sends every other page here). Someone with a role is sent on to the dashboard."""

    template_name = "registration/no_access.html"

    def get(self, request, *args, **kwargs):
        if permissions.has_site_access(request.user):
            return redirect("dashboard")
        return super().get(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class AdminLoginRedirectView(RedirectView):
    """Send the admin's own sign-in form to the site's sign-in page, keeping `next`."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        if self.request.user.is_authenticated:
            # Signed in but not staff: the admin is not theirs (and a redirect would loop).
            raise PermissionDenied
        next_url = self.request.GET.get("next", "/admin/")
        return f"{reverse('login')}?{urlencode({'next': next_url})}"


# --- Facilities and their annual counts ------------------------------------------------------


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


# --- Delegations (docs/decisions/0018-delegation.md) ------------------------------------------

PAST_DELEGATIONS_SHOWN = 50


class _DelegationAccess(View):
    """Supervisors (in their own right) and administrators; everyone else 403."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_manage_delegations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DelegationListView(_DelegationAccess):
    """Current, future and recent past delegations."""

    def get(self, request):
        today = timezone.localdate()
        rows = selectors.delegations_visible_to(request.user)
        current = rows.filter(ended_at__isnull=True, starts_on__lte=today, ends_on__gte=today)
        future = rows.filter(ended_at__isnull=True, starts_on__gt=today).order_by("starts_on")
        past = rows.filter(Q(ended_at__isnull=False) | Q(ends_on__lt=today))
        return render(
            request,
            "facilities/delegation_list.html",
            {
                "current": current.order_by("ends_on", "pk"),
                "future": future,
                "past": past.order_by("-ends_on", "-pk")[:PAST_DELEGATIONS_SHOWN],
                "past_limit": PAST_DELEGATIONS_SHOWN,
                "today": today,
            },
        )


class DelegationCreateView(_DelegationAccess):
    def get(self, request):
        today = timezone.localdate()
        initial = {"starts_on": today, "ends_on": today}
        if permissions.is_supervisor(request.user):
            initial["delegator"] = request.user.pk
        return self.show(DelegationForm(initial=initial))

    def show(self, form, status=200):
        return render(
            self.request, "facilities/delegation_form.html", {"form": form}, status=status
        )

    def post(self, request):
        form = DelegationForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        data = form.cleaned_data
        if not permissions.can_manage_delegation(
            request.user, kind=data["kind"], delegator_id=data["delegator"].pk
        ):
            form.add_error(
                "delegator", _("A supervisor names an acting supervisor for themselves only.")
            )
            return self.show(form, status=400)
        try:
            delegation_services.create_delegation(
                actor=request.user,
                kind=data["kind"],
                delegator=data["delegator"],
                delegate=data["delegate"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except delegation_services.DelegationNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.show(form, status=400)
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.show(form, status=400)
        messages.success(
            request,
            _("%(delegate)s will act for %(delegator)s from %(start)s to %(end)s.")
            % {
                "delegate": data["delegate"],
                "delegator": data["delegator"],
                "start": data["starts_on"],
                "end": data["ends_on"],
            },
        )
        return redirect("delegations:delegation_list")


class DelegationUpdateView(_DelegationAccess):
    """Change the days of a current or future delegation; its history below."""

    def get(self, request, pk: int):
        d = selectors.delegation_for_user(request.user, pk)
        form = DelegationChangeForm(
            initial={
                "starts_on": d.starts_on,
                "ends_on": d.ends_on,
                "note": d.note,
                "version": d.version,
            }
        )
        return self.show(d, form)

    def show(self, d, form, status=200):
        today = timezone.localdate()
        return render(
            self.request,
            "facilities/delegation_detail.html",
            {
                "d": d,
                "form": form,
                "phase": d.phase(today),
                "may_change": d.phase(today) != "past" and _may_change(self.request.user, d),
                "end_form": DelegationEndForm(initial={"version": d.version}),
                "events": d.events.select_related("actor", "delegate").order_by("at", "pk"),
            },
            status=status,
        )

    def post(self, request, pk: int):
        d = selectors.delegation_for_user(request.user, pk)
        if not _may_change(request.user, d):
            raise PermissionDenied
        form = DelegationChangeForm(request.POST)
        if not form.is_valid():
            return self.show(d, form, status=400)
        data = form.cleaned_data
        try:
            delegation_services.change_delegation(
                actor=request.user,
                delegation_id=d.pk,
                expected_version=data["version"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except (
            delegation_services.DelegationNotAllowed,
            delegation_services.DelegationConflict,
        ) as exc:
            messages.error(request, str(exc))
            return redirect("delegations:delegation_update", pk=d.pk)
        except ValidationError as exc:
            _form_errors(form, exc)
            return self.show(d, form, status=400)
        messages.success(request, _("Delegation changed."))
        return redirect("delegations:delegation_list")


def _may_change(user, d) -> bool:
    return permissions.can_manage_delegation(user, kind=d.kind, delegator_id=d.delegator_id)


class DelegationEndView(_DelegationAccess):
    """POST only: end a current or future delegation now."""

    def post(self, request, pk: int):
        d = selectors.delegation_for_user(request.user, pk)
        if not _may_change(request.user, d):
            raise PermissionDenied
        form = DelegationEndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page and try again."))
            return redirect("delegations:delegation_update", pk=d.pk)
        try:
            delegation_services.end_delegation(
                actor=request.user,
                delegation_id=d.pk,
                expected_version=form.cleaned_data["version"],
            )
        except (
            delegation_services.DelegationNotAllowed,
            delegation_services.DelegationConflict,
        ) as exc:
            messages.error(request, str(exc))
            return redirect("delegations:delegation_update", pk=d.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("delegations:delegation_update", pk=d.pk)
        messages.success(
            request,
            _("Ended: %(delegate)s no longer acts for %(delegator)s.")
            % {"delegate": d.delegate, "delegator": d.delegator},
        )
        return redirect("delegations:delegation_list")
