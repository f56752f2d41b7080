"""facilities.services.identities.sign_in_identity: the identity → user rules, without the
provider (the flow through it is tests/oidc)."""

import pytest
from django.contrib.auth.models import Group

from facilities import roles
from facilities.models import OidcIdentity
from facilities.services.identities import sign_in_identity
from tests.factories import UserFactory, analyst_user

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.ny.gov"


@pytest.fixture(autouse=True)
def _claims(settings):
    settings.HIM_OIDC_AGENCY_CLAIM = "agency"
    settings.HIM_OIDC_ROLE_CLAIM = "role"


def test_a_taken_user_name_gets_a_number():
    UserFactory(username="nygov-ada")
    user = sign_in_identity(issuer=ISSUER, subject="s1", claims={"preferred_username": "ada"})
    assert user.username == "nygov-ada-2"


def test_the_same_subject_at_another_issuer_is_another_person():
    one = sign_in_identity(issuer=ISSUER, subject="s1", claims={})
    two = sign_in_identity(issuer="https://other.example", subject="s1", claims={})
    assert one != two
    assert sign_in_identity(issuer=ISSUER, subject="s1", claims={}) == one
    assert OidcIdentity.objects.count() == 2


def test_names_and_address_follow_the_claims():
    sign_in_identity(issuer=ISSUER, subject="s1", claims={"given_name": "Ada", "email": "a@x.gov"})
    user = sign_in_identity(
        issuer=ISSUER, subject="s1", claims={"given_name": "Adaeze", "family_name": "O"}
    )
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Adaeze", "O", "a@x.gov")


def test_absent_claims_keep_the_administrators_assignment():
    analyst = analyst_user()
    OidcIdentity.objects.create(user=analyst, issuer=ISSUER, subject="s1")
    user = sign_in_identity(issuer=ISSUER, subject="s1", claims={"email": "a@x.gov"})
    assert user.is_analyst


def test_present_claims_replace_it_but_never_make_staff():
    analyst = analyst_user(is_staff=True)
    OidcIdentity.objects.create(user=analyst, issuer=ISSUER, subject="s1")
    user = sign_in_identity(
        issuer=ISSUER, subject="s1", claims={"role": "agency_hr", "agency": "OMH"}
    )
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {roles.AGENCY_HR}
    assert user.agency.code == "OMH"
    assert user.is_staff  # untouched: claims give roles, not the admin
    user = sign_in_identity(issuer=ISSUER, subject="s1", claims={"role": "superuser"})
    assert not user.groups.exists()


def test_an_inactive_user_is_returned_for_the_caller_to_refuse():
    user = analyst_user(is_active=False)
    OidcIdentity.objects.create(user=user, issuer=ISSUER, subject="s1")
    assert sign_in_identity(issuer=ISSUER, subject="s1", claims={}) == user
    assert Group.objects.filter(user=user).exists()
