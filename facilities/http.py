"""The type of a signed-in request, for the type checker (mypy with django-stubs).

Every page but the sign-in ones needs a signed-in user (LoginRequiredMiddleware), so a view's
`request.user` is a `User`, not `User | AnonymousUser` as `HttpRequest` says. Annotate a view's
request (or a class-based view's `request` attribute) with this instead of narrowing each use.
"""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
