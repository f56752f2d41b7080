from django.contrib import admin
from django.utils import timezone

from facilities.admin import UserAdmin as FacilitiesUserAdmin
from facilities.models import User

from . import services
from .models import (
    Appeal,
    AppealEvent,
    Attachment,
    DelegatedAct,
    DutyLine,
    EmailLog,
    Position,
    PositionTitleChange,
    ReclassificationEvent,
    ReclassificationRequest,
    Title,
)


class OwnPositionInline(admin.TabularInline):
    """The positions an employee holds: what they see and may file a request for."""

    model = Position.employees.through
    extra = 1
    autocomplete_fields = ["position"]
    verbose_name = "position this employee holds"
    verbose_name_plural = "Positions this employee holds (employees see and file for these only)"


# The registry's user admin, with the positions an employee holds (classification's data):
# the upper app adds what the lower one cannot know (docs/architecture.md).
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(FacilitiesUserAdmin):
    inlines = [*FacilitiesUserAdmin.inlines, OwnPositionInline]


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grade"]

    def has_add_permission(self, request) -> bool:
        # The series comes from the standard (data migration), not from typing.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TitleChangeInline(ReadOnlyInline):
    model = PositionTitleChange
    fk_name = "position"
    readonly_fields = (
        "effective_on",
        "from_title",
        "to_title",
        "reclassification",
        "changed_by",
        "changed_at",
    )
    fields = readonly_fields


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["item_number", "facility", "title", "incumbent", "active"]
    list_filter = ["active", "title", "facility__agency"]
    search_fields = ["item_number", "facility__name"]
    list_select_related = ["facility", "title", "incumbent"]
    autocomplete_fields = ["reports_to"]
    inlines = [TitleChangeInline]
    # Employees are linked to their positions on the user's page (facilities.admin).
    exclude = ["employees"]

    def get_readonly_fields(self, request, obj=None):
        # A position's title changes only through an approved reclassification (with history).
        return ["title"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        if change:
            # Only what the form changed: the other columns, the title above all, were read
            # before this save and may since have moved (an approval committing meanwhile).
            obj.save(update_fields=form.changed_data)
            return
        # A new position starts its title history through the same service as everywhere.
        created = services.create_position(
            item_number=obj.item_number,
            facility=obj.facility,
            title=obj.title,
            effective_on=timezone.localdate(),
            incumbent=obj.incumbent,
            reports_to=obj.reports_to,
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DutyInline(ReadOnlyInline):
    model = DutyLine
    readonly_fields = ("description", "percent")
    fields = readonly_fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    readonly_fields = ("kind", "original_name", "size", "sha256", "uploaded_by", "uploaded_at")
    fields = readonly_fields


class EventInline(ReadOnlyInline):
    model = ReclassificationEvent
    readonly_fields = ("at", "action", "from_status", "to_status", "actor", "message")
    fields = readonly_fields


class EmailInline(ReadOnlyInline):
    model = EmailLog
    readonly_fields = (
        "created_at",
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
        "error_detail",
        "sent_at",
    )
    fields = readonly_fields


@admin.register(ReclassificationRequest)
class ReclassificationRequestAdmin(admin.ModelAdmin):
    """Read-only: every change of a request goes through classification.services."""

    list_display = ["pk", "position", "status", "assigned_to", "submitted_on", "decided_at"]
    list_filter = ["status"]
    search_fields = ["position__item_number"]
    list_select_related = ["position__title", "assigned_to"]
    inlines = [DutyInline, AttachmentInline, EventInline, EmailInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReclassificationEvent)
class ReclassificationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "reclassification", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    list_select_related = ["reclassification__position__title", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DelegatedAct)
class DelegatedActAdmin(admin.ModelAdmin):
    """Events taken by a delegate: "for <acted_for>, by <the event's actor>"."""

    list_display = ["event", "acted_for", "delegation"]
    list_select_related = ["event__actor", "acted_for", "delegation"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Appeals and their history change only through `appeal_services` (decision 0021)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("reclassification", "status", "filed_on", "outcome", "commission_decided_on")
    list_filter = ("status", "outcome")


@admin.register(AppealEvent)
class AppealEventAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "action", "to_status", "actor", "at")
