"""Platform administration: enabling an organisation as a certification body (certifier,
training organisation, federation) and the certifications it handles.

Nothing else of the module is registered: candidates and their files are personal data
(the platform administrators read none), and who works in the organisation is decided by
its own managers, never here."""

from django.contrib import admin

from relais.certification.models import CertificationBody


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "organisation__siret"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["certifications"]
    fields = ["organisation", "kind", "certifications"]

    def get_readonly_fields(self, request, obj=None):
        # An existing body stays attached to its organisation: to move it, delete and add.
        return ["organisation"] if obj is not None else []
