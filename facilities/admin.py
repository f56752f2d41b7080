from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from . import roles, services
from .models import (
    Agency,
    AnnualActivity,
    AnnualActivityRevision,
    Delegation,
    DelegationEvent,
    Facility,
    OidcIdentity,
    User,
)


class UserForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        group_names = {g.name for g in cleaned.get("groups") or []}
        agency = cleaned.get("agency")
        if roles.AGENCY_HR in group_names and agency is None:
            raise ValidationError("An Agency HR user must belong to exactly one agency: choose it.")
        if agency is not None and group_names & roles.DCC_ROLES:
            raise ValidationError("DCC analysts and supervisors belong to no agency: clear it.")
        if roles.EMPLOYEE in group_names and group_names & {
            roles.AGENCY_HR,
            roles.ANALYST,
            roles.SUPERVISOR,
        }:
            # Nobody comments on, reviews or decides their own request.
            raise ValidationError(
                "An employee files only for their own positions: give them no other role."
            )
        return cleaned


class OidcIdentityInline(admin.TabularInline):
    """The person's NY.gov ID: the sign-in that leads to this user. To let someone who signed
    in with NY.gov ID use an existing account, move their identity to that account (NY.gov ID
    identities, below) and remove the account their first sign-in made."""

    model = OidcIdentity
    extra = 0
    fields = ["issuer", "subject", "created_at", "last_signed_in"]
    readonly_fields = ["created_at", "last_signed_in"]


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "issuer", "created_at", "last_signed_in"]
    list_select_related = ["user"]
    search_fields = [
        "subject",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
    ]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_signed_in"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserForm
    inlines = [OidcIdentityInline]
    list_display = ["username", "first_name", "last_name", "agency", "is_active", "is_staff"]
    list_filter = ["groups", "agency", "is_active", "is_staff"]
    list_select_related = ["agency"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Agency and job title", {"fields": ["agency", "job_title"]}),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "personnel_office"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "personnel_office", "personnel_address"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyMixin:
    """Counts change only through facilities.services (history, locking, review status)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AnnualActivityInline(ReadOnlyMixin, admin.TabularInline):
    model = AnnualActivity
    fk_name = "facility"
    readonly_fields = (
        "fiscal_year",
        "individuals_served",
        "records_activities",
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "version",
    )
    fields = readonly_fields
    ordering = ["-fiscal_year"]
    extra = 0
    show_change_link = True


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "agency",
        "facility_type",
        "region",
        "active",
        "warranted_title_code",
        "trend_state",
    ]
    list_filter = ["agency", "facility_type", "active", "warranted_title_code", "trend_state"]
    search_fields = ["name", "code", "region"]
    list_select_related = ["agency"]
    autocomplete_fields = ["host_facility"]
    readonly_fields = [
        "warranted_title_code",
        "determination_year",
        "needs_review",
        "trend_state",
    ]
    inlines = [AnnualActivityInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A new type can change the level warranted: the stored determination follows.
        services.refresh_determinations([obj.pk])

    def has_delete_permission(self, request, obj=None) -> bool:
        # Facilities with counts are PROTECTed; deactivate instead of deleting.
        return False


class RevisionInline(ReadOnlyMixin, admin.TabularInline):
    model = AnnualActivityRevision
    readonly_fields = (
        "version",
        "kind",
        "actor",
        "at",
        "old_individuals_served",
        "new_individuals_served",
        "old_records_activities",
        "new_records_activities",
        "old_status",
        "new_status",
        "note",
        "source",
    )
    fields = readonly_fields
    extra = 0


@admin.register(AnnualActivity)
class AnnualActivityAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "facility",
        "fiscal_year",
        "individuals_served",
        "records_activities",
        "status",
        "version",
    ]
    list_filter = ["status", "fiscal_year", "facility__agency"]
    search_fields = ["facility__name", "facility__code"]
    list_select_related = ["facility"]
    inlines = [RevisionInline]


@admin.register(AnnualActivityRevision)
class AnnualActivityRevisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["activity", "version", "kind", "actor", "at"]
    list_filter = ["kind", "activity__facility__agency"]
    search_fields = ["activity__facility__name", "activity__facility__code", "note"]
    list_select_related = ["activity__facility", "actor"]
    date_hierarchy = "at"


class DelegationEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DelegationEvent
    fields = ("at", "action", "actor", "delegate", "starts_on", "ends_on", "note")
    readonly_fields = fields
    extra = 0
    ordering = ["at", "pk"]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Delegations are made, changed and ended on the site's Delegations page (its service
    checks the rules and writes the history); here they are looked up ("View on site")."""

    list_display = ["kind", "delegator", "delegate", "starts_on", "ends_on", "ended_at"]
    list_filter = ["kind", "starts_on"]
    search_fields = ["delegator__username", "delegator__last_name", "delegate__username"]
    list_select_related = ["delegator", "delegate"]
    date_hierarchy = "starts_on"
    inlines = [DelegationEventInline]


@admin.register(DelegationEvent)
class DelegationEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["delegation", "action", "actor", "at", "starts_on", "ends_on"]
    list_filter = ["action", "kind"]
    list_select_related = ["delegation__delegator", "delegation__delegate", "actor"]
    date_hierarchy = "at"
