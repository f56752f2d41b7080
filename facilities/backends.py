"""The authentication backend: the signed-in user in one query, with agency and role names."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import OuterRef, StringAgg, Subquery, Value

from .models import User

_SEPARATOR = "\x1f"  # never in a group name


class UserBackend(ModelBackend):
    """Django's ModelBackend, but `get_user` (run on every signed-in request) also loads the
    user's agency and group names in the same query, so the role predicates and the header
    cost nothing more. Group membership is read fresh on every request."""

    def get_user(self, user_id: Any) -> User | None:
        names = (
            Group.objects.filter(user=OuterRef("pk"))
            .values("user")
            .annotate(names=StringAgg("name", delimiter=Value(_SEPARATOR)))
            .values("names")
        )
        user = (
            User._default_manager.select_related("agency")
            .annotate(group_names=Subquery(names))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        # Fill User.role_names (a cached_property) so it needs no query of its own.
        user.__dict__["role_names"] = (
            frozenset(user.group_names.split(_SEPARATOR)) if user.group_names else frozenset()
        )
        return user
