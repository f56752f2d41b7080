"""factory-boy factories shared by every test module."""

from collections.abc import Callable
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.test import TestCase

from facilities import roles
from facilities.models import Agency, AnnualActivity, Facility, User


def committed(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service inside a test's transaction as if its own had committed: the work it
    leaves for after the commit (the decision letter, uploads moved into place) runs before
    this returns, and the result is read back from the database."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = service(**kwargs)
    if hasattr(result, "refresh_from_db"):
        result.refresh_from_db()
    return result


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = "OMH"
    name = factory.LazyAttribute(lambda o: dict(roles.AGENCIES).get(o.code, o.code))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.ny.gov")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            self.groups.add(group)


def hr_user(agency_code: str = "OMH", **kwargs) -> User:
    return UserFactory(role=roles.AGENCY_HR, agency=AgencyFactory(code=agency_code), **kwargs)


def analyst_user(**kwargs) -> User:
    return UserFactory(role=roles.ANALYST, **kwargs)


def employee_user(**kwargs) -> User:
    """An employee (form CC-2E); link their positions with `position.employees.add(user)`."""
    return UserFactory(role=roles.EMPLOYEE, **kwargs)


def supervisor_user(**kwargs) -> User:
    return UserFactory(role=roles.SUPERVISOR, **kwargs)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Test Psychiatric Center {n}")
    code = factory.Sequence(lambda n: f"F{n:04d}")
    facility_type = "adult_pc_freestanding"
    region = "Capital District"


class AnnualActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualActivity

    facility = factory.SubFactory(FacilityFactory, facility_type="ddsoo")
    fiscal_year = 2024
    individuals_served = 2500
    records_activities = 200_000
