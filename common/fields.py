"""Model fields the apps declare the same way."""

from django.conf import settings
from django.db import models


def actor_field() -> models.ForeignKey:
    """Who did a step of a record's life (recommended, decided, transmitted, recorded...): a
    user, empty until the step happens, set only by the service that takes the step (not
    editable in forms or the admin), never deleted while it is named, and with no reverse
    accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
