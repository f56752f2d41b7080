from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from . import roles
from .models import Agency, Facility, User


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self) -> dict:
        cleaned = super().clean()
        group_names = {g.name for g in cleaned.get("groups") or []}
        agency = cleaned.get("agency")
        if roles.AGENCY_HR in group_names and agency is None:
            raise ValidationError("An Agency HR user must belong to exactly one agency: choose it.")
        if agency is not None and group_names & {roles.ANALYST, roles.SUPERVISOR}:
            raise ValidationError("DCC analysts and supervisors belong to no agency: clear it.")
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserForm
    list_display = ["username", "first_name", "last_name", "agency", "is_active", "is_staff"]
    list_filter = ["groups", "agency", "is_active", "is_staff"]
    list_select_related = ["agency"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Agency", {"fields": ["agency"]}))


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency", "facility_type", "region", "active"]
    list_filter = ["agency", "facility_type", "active"]
    search_fields = ["name", "code", "region"]
    list_select_related = ["agency"]
    autocomplete_fields = ["host_facility"]
