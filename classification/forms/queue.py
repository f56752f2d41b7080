"""The queue's saved filters and the supervisor's return of an analyst's requests."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .transitions import MessageField


class SavedFilterForm(forms.Form):
    """A name for the queue's current filters (the query string the list page sends)."""

    name = forms.CharField(label=_("Name"), max_length=80)
    # The saved query is at most 1,000 characters once page and export are dropped
    # (services.save_queue_filter); what the page sends may be a little longer.
    query = forms.CharField(label=_("Filters"), required=False, max_length=2000)


class ReturnAnalystRequestsForm(forms.Form):
    """The optional note that goes with returning an analyst's requests to the queue."""

    message = MessageField(label=_("Note"), required=False)
