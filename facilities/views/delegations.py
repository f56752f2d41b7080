"""Delegations: the list, granting one, changing it and ending it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions, selectors
from ..forms import (
    DelegationChangeForm,
    DelegationEndForm,
    DelegationForm,
)
from ..services import delegations as delegation_services
from .counts import _form_errors

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
                "start": date_format(data["starts_on"]),
                "end": date_format(data["ends_on"]),
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
