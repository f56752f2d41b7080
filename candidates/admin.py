"""The Django admin for people, credentials, spells and (read-only) verifications.

Verifications are recorded only through `services.record_verification`; the admin shows them
and can neither add, change nor delete them. A credential's verified facts are read-only here
for the same reason.
"""

from django.contrib import admin

from .models import Credential, ExperienceSpell, Person, Verification

VERIFIED_FIELDS = ["last_verified_on", "reverification_requested_on", "reverification_requested_by"]


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CredentialInline(admin.TabularInline):
    """New credentials may be added here; existing ones are changed on their own page, where
    verified facts are read-only."""

    model = Credential
    extra = 0
    fields = ["kind", "ahima_id", "awarded_on", "valid_through", "status", "last_verified_on"]
    readonly_fields = ["last_verified_on"]
    show_change_link = True

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # credentials carry a verification history


class ExperienceSpellInline(admin.TabularInline):
    model = ExperienceSpell
    extra = 0
    fields = ["employer", "title", "start", "end", "hours_per_week", "him", "note"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "agency", "employee_id", "degree_date"]
    list_filter = ["agency"]
    search_fields = ["family_name", "given_name", "employee_id", "email"]
    list_select_related = ["agency"]
    inlines = [CredentialInline, ExperienceSpellInline]


class VerificationInline(ReadOnlyMixin, admin.TabularInline):
    model = Verification
    fk_name = "credential"
    extra = 0
    readonly_fields = (
        "verified_on",
        "source",
        "status_returned",
        "valid_through_returned",
        "verified_by",
    )
    fields = readonly_fields
    show_change_link = True


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "ahima_id", "status", "valid_through", "last_verified_on"]
    list_filter = ["kind", "status", "person__agency"]
    search_fields = ["person__family_name", "person__given_name", "ahima_id"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    inlines = [VerificationInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.last_verified_on is not None:
            # Once verified, status and valid-through follow the verifications.
            return [*VERIFIED_FIELDS, "status", "valid_through", "version"]
        return [*VERIFIED_FIELDS, "version"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Verification)
class VerificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["credential", "verified_on", "source", "status_returned", "verified_by"]
    list_filter = ["source", "status_returned"]
    search_fields = ["credential__person__family_name", "credential__ahima_id"]
    list_select_related = ["credential__person", "verified_by"]
    date_hierarchy = "verified_on"


@admin.register(ExperienceSpell)
class ExperienceSpellAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "employer", "start", "end", "hours_per_week", "him"]
    list_filter = ["him", "person__agency"]
    search_fields = ["person__family_name", "employer", "title"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["version"]
