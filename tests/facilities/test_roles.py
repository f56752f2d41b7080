"""Roles and agencies exist as DOMAIN.md ("People") says."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from facilities import roles
from facilities.demo import DEMO_USERS
from facilities.models import Agency, User
from tests.factories import analyst_user, hr_user


@pytest.mark.django_db
def test_agencies_are_seeded():
    assert set(Agency.objects.values_list("code", flat=True)) == {"DOCCS", "OASAS", "OMH", "OPWDD"}


@pytest.mark.django_db
def test_agencies_have_their_personnel_office_and_seeding_keeps_corrections():
    """Every agency has the office its decision letters go to; seeding again fills what is
    empty and leaves what an administrator corrected."""
    from django.apps import apps

    for agency in Agency.objects.all():
        office, address = roles.PERSONNEL_OFFICES[agency.code]
        assert (agency.personnel_office, agency.personnel_address) == (office, address)
    Agency.objects.filter(code="OMH").update(personnel_office="Corrected Office")
    Agency.objects.filter(code="OASAS").update(personnel_address="")
    roles.ensure_reference_data(apps)
    assert Agency.objects.get(code="OMH").personnel_office == "Corrected Office"
    assert Agency.objects.get(code="OASAS").personnel_address == roles.PERSONNEL_OFFICES["OASAS"][1]


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "codenames"), roles.ROLE_PERMISSIONS.items())
def test_each_group_has_exactly_its_permissions(group, codenames):
    perms = Group.objects.get(name=group).permissions.values_list("codename", flat=True)
    assert sorted(perms) == sorted(codenames)


@pytest.mark.django_db
def test_supervisor_can_do_what_an_analyst_can():
    assert set(roles.ROLE_PERMISSIONS[roles.ANALYST]) <= set(
        roles.ROLE_PERMISSIONS[roles.SUPERVISOR]
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_hr_users_have_an_agency(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).count() == len(DEMO_USERS)
    for user in User.objects.filter(groups__name=roles.AGENCY_HR):
        assert user.agency is not None, user
        assert user.is_agency_hr and not user.is_analyst
    assert User.objects.get(username="supervisor").is_analyst
    assert User.objects.get(username="supervisor").job_title == (
        "Director, Division of Classification & Compensation"
    )
    assert User.objects.get(username="admin").check_password("demo")


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [analyst_user, hr_user])
def test_non_administrators_get_no_admin(client, make_user):
    client.force_login(make_user())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


@pytest.mark.django_db
def test_administrator_gets_the_admin(client):
    client.force_login(User.objects.create_superuser("root", "root@example.ny.gov", "pw"))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_hr_user_without_agency_is_refused_by_the_admin_form():
    from facilities.admin import UserForm

    user = hr_user()
    form = UserForm(
        instance=user,
        data={
            "username": user.username,
            "agency": "",
            "groups": [Group.objects.get(name=roles.AGENCY_HR).pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "00:00",
            "is_active": "on",
        },
    )
    assert not form.is_valid()
    assert "must belong to exactly one agency" in str(form.errors)
