"""Factories for people, credentials, experience spells; verifications go through the service."""

from datetime import date
from decimal import Decimal

import factory

from candidates import services
from candidates.models import Credential, ExperienceSpell, Person
from tests.factories import AgencyFactory, committed


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    given_name = "Casey"
    family_name = factory.Sequence(lambda n: f"Candidate{n}")
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    degree_date = None


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    person = factory.SubFactory(PersonFactory)
    kind = "RHIT"
    ahima_id = factory.Sequence(lambda n: f"A{n:06d}")
    awarded_on = date(2020, 1, 15)
    status = "active"


class ExperienceSpellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceSpell

    person = factory.SubFactory(PersonFactory)
    employer = "Test Psychiatric Center"
    title = "HIM Technician 1"
    start = date(2020, 2, 1)
    end = None
    hours_per_week = Decimal("37.5")
    him = True


def verify(credential: Credential, actor, *, on: date, status: str = "active", **kwargs):
    """Record a verification through the one path that may write it (its evidence file moved
    into place as on commit)."""
    return committed(
        services.record_verification,
        actor=actor,
        credential=credential,
        source=kwargs.pop("source", "ahima_online"),
        verified_on=on,
        status_returned=status,
        valid_through_returned=kwargs.pop("valid_through_returned", credential.valid_through),
        **kwargs,
    )
