"""A request's files and its decision letter: attached through a service, read through a check
that the user may see the request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from classification import selectors, services
from classification.forms.transitions import AttachmentForm
from common.errors import Refused
from common.files import private_download
from common.uploads import safe_filename

from .drafts import _error_text


class AttachmentCreateView(View):
    def post(self, request, pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _attach_problem(form))
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


def _attach_problem(form: AttachmentForm) -> str:
    """What to tell a person whose file was not attached. An empty file (0 bytes: a failed
    download or save) is a different slip from a missing kind or file, with its own fix."""
    if form.has_error("file", code="empty"):
        upload = form.files.get("file")
        problem = _(
            "The file “%(name)s” is empty (it holds nothing), so it was not attached. Check "
            "that you chose the right file, then attach it again."
        ) % {"name": safe_filename(getattr(upload, "name", ""))}
        if form.has_error("kind"):
            problem += " " + _("Choose its kind too.")
        return problem
    return _("Choose a kind and a file to attach.")


class AttachmentDownloadView(View):
    def get(self, request, pk, attachment_pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        attachment = get_object_or_404(
            selectors.attachments_visible_to(request.user, r), pk=attachment_pk
        )
        return private_download(attachment.file, attachment.original_name, attachment.content_type)


class DecisionLetterView(View):
    def get(self, request, pk):
        r = get_object_or_404(selectors.reclassifications_visible_to(request.user), pk=pk)
        if not r.letter:
            raise Http404
        return private_download(r.letter, f"decision-letter-{r.pk}.pdf", "application/pdf")
