from django.contrib import admin

from patients.models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["full_name", "phone", "preferred_channel", "coordinator", "is_lead", "created_at"]
    list_filter = ["is_lead", "preferred_channel", "language"]
    search_fields = ["full_name", "phone", "email"]
    list_select_related = ["coordinator"]
    raw_id_fields = ["coordinator"]
