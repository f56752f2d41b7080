"""Verifying a credential at its source, the evidence kept, and asking for a new verification."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django_tables2 import RequestConfig

from common.files import private_download
from facilities.tables import BoundedPaginator

from .. import permissions, selectors, services
from ..dates import today_in_new_york
from ..forms import (
    VerificationForm,
)
from ..tables import ReverificationTable
from .people import _apply_errors


class VerificationCreateView(View):
    """Record an AHIMA verification of a credential (analysts and supervisors)."""

    def dispatch(self, request, pk: int):
        self.credential = selectors.credential_for_user(request.user, pk)
        if not permissions.can_record_verification(request.user):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get(self, request, pk: int):
        return self.show(request, VerificationForm(credential=self.credential))

    def post(self, request, pk: int):
        form = VerificationForm(request.POST, request.FILES, credential=self.credential)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_verification(
                    actor=request.user,
                    credential=self.credential,
                    source=data["source"],
                    requested_on=data["requested_on"],
                    verified_on=data["verified_on"],
                    status_returned=data["status_returned"],
                    valid_through_returned=data["valid_through_returned"],
                    evidence=data["evidence"] or None,
                    note=data["note"],
                    corrects=data["corrects"],
                    expected_version=data.get("version"),
                )
            except services.ConflictError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Verification of the %(kind)s recorded.") % {"kind": self.credential.kind},
                )
                return HttpResponseRedirect(self.credential.person.get_absolute_url())
        return self.show(request, form)

    def show(self, request, form):
        return render(
            request,
            "candidates/verification_form.html",
            {"form": form, "credential": self.credential, "person": self.credential.person},
        )


class VerificationEvidenceView(View):
    """The evidence file, only to users who may see the person, always as a download."""

    def get(self, request, pk: int):
        verification = selectors.verification_for_user(request.user, pk)
        if not verification.evidence:
            raise Http404("No evidence file.")
        return private_download(
            verification.evidence,
            verification.evidence_name or "evidence",
            verification.evidence_content_type or "application/octet-stream",
        )


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 18


class ReverificationView(View):
    """Credentials due for verification, most urgent first; bulk "verification requested"."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_request_reverification(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        today = today_in_new_york()
        due = selectors.credentials_due_for_reverification(request.user, today=today)
        table = ReverificationTable(due)
        RequestConfig(
            request, paginate={"per_page": 50, "paginator_class": BoundedPaginator}
        ).configure(table)
        return render(
            request,
            "candidates/reverification.html",
            {"table": table, "count": len(due), "max_age": selectors.verification_max_age_days()},
        )

    def post(self, request):
        # Ids as the page sends them; anything else (or too long for a key) is ignored.
        ids = [pk for pk in request.POST.getlist("selected") if _is_id(pk)]
        if not ids:
            messages.error(request, _("Select at least one credential first."))
        else:
            done = services.request_reverification(actor=request.user, credential_ids=ids)
            if done.marked:
                messages.success(request, _reverification_message(done))
            else:
                messages.error(request, _reverification_message(done))
        return HttpResponseRedirect(reverse("candidates:reverification"))


def _reverification_message(done: services.ReverificationRequested) -> str:
    """What the bulk request did, counting only the credentials it changed."""
    if done.marked:
        parts = [
            ngettext(
                "Marked %(count)d credential as verification requested.",
                "Marked %(count)d credentials as verification requested.",
                done.marked,
            )
            % {"count": done.marked}
        ]
    else:
        parts = [_("None of the chosen credentials could be marked as verification requested.")]
    if done.already_marked:
        parts.append(
            ngettext(
                "%(count)d was already marked and keeps its earlier date.",
                "%(count)d were already marked and keep their earlier date.",
                done.already_marked,
            )
            % {"count": done.already_marked}
        )
    if done.not_found:
        parts.append(
            ngettext(
                "%(count)d could not be found: it may have been removed. Reload the page and "
                "choose again.",
                "%(count)d could not be found: they may have been removed. Reload the page and "
                "choose again.",
                done.not_found,
            )
            % {"count": done.not_found}
        )
    return " ".join(parts)
