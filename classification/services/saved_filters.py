"""An analyst's saved queue filters."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import Refused
from facilities.models import User

from ..models import (
    SavedFilter,
)

QUERY_DROPPED = ("page", "_export", "export")


def _clean_query(query: str) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
        if k not in QUERY_DROPPED
    ]
    return urlencode(pairs)


@transaction.atomic
def save_queue_filter(*, user: User, name: str, query: str) -> SavedFilter:
    """Save (or, under the same name, replace) one of `user`'s own queue filters. The query
    string loses its page and export parameters so applying it shows the first page."""
    if not (user and user.is_authenticated and user.is_active):
        raise Refused(_("Sign in to save filters."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    cleaned = _clean_query(query or "")
    SavedFilter(user=user, name=name, query=cleaned).full_clean(
        validate_unique=False, validate_constraints=False
    )
    # Django's upsert: the same name saved twice at once is one filter, not an IntegrityError.
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": cleaned}
    )
    return saved


@transaction.atomic
def delete_saved_filter(*, user: User, saved_filter_id: int) -> None:
    """Delete one of `user`'s saved filters; another user's id is treated as missing."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=saved_filter_id).delete()
    if not deleted:
        raise SavedFilter.DoesNotExist
