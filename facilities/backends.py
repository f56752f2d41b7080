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

    def authenticate(self, request, username=None, password=None, **kwargs: Any) -> User | None:
        """The password check; with HIM_LOCAL_SIGN_IN="staff-only" only administrators pass
        (everyone else signs in with NY.gov ID). A refused one looks like a wrong password,
        so the form never tells whether the password was right."""
        from .oidc import local_sign_in_allowed

        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not local_sign_in_allowed(user):
            return None
        return user

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
