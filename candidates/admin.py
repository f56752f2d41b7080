from django.contrib import admin

from .models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name", "agency", "employee_id", "degree_date"]
    list_filter = ["agency"]
    search_fields = ["family_name", "given_name", "employee_id", "email"]
    list_select_related = ["agency"]
