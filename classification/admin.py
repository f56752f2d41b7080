from django.contrib import admin

from .models import Title


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grade"]

    def has_add_permission(self, request) -> bool:
        # The series comes from the standard (data migration), not from typing.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
