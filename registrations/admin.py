"""Admin: the configurable checklist is edited here; registry data are read-only (changed only
through the proceedings, so that every change is versioned)."""

from django.contrib import admin

from .models import ChangeNotice, ChecklistItem, Proceeding, Provider, RegisteredService, RegistryVersion


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("label", "stage", "legal_ground", "forms", "proceeding_kinds", "active", "sort_key")
    list_filter = ("stage", "active")
    list_editable = ("active", "sort_key")
    search_fields = ("label", "code")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceInline(admin.TabularInline):
    model = RegisteredService
    fields = ("national_id", "service_type", "form", "place", "capacity", "registered_on", "state", "closed_on")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ("name", "ico", "address", "data_box")
    search_fields = ("name", "ico")
    inlines = [ServiceInline]


@admin.register(RegisteredService)
class RegisteredServiceAdmin(ReadOnlyAdmin):
    list_display = ("provider", "service_type", "form", "capacity", "national_id", "state")
    list_filter = ("state", "form", "service_type")
    search_fields = ("provider__name", "provider__ico", "national_id")


@admin.register(RegistryVersion)
class RegistryVersionAdmin(ReadOnlyAdmin):
    list_display = ("at", "provider", "action", "summary", "case", "actor")
    list_filter = ("action",)
    search_fields = ("provider__name", "summary")


@admin.register(Proceeding)
class ProceedingAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "provider", "phase", "outcome", "final_on")
    list_filter = ("kind", "phase", "outcome")
    search_fields = ("provider__name", "case__file_mark")


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(ReadOnlyAdmin):
    list_display = ("case", "provider", "change_date", "received_on", "due_on", "is_late", "status")
    list_filter = ("is_late", "status")
