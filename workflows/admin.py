"""Admin of the engine's catalogues: the act catalogue (office overrides, with history), the
office's own DOCX templates (checked against the fields the act provides) and staff details."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from .acts import load_acts, record_office_change
from .documents import check_template_upload
from .models import ActKind, ActKindChange, DocumentTemplate, StaffProfile


class ActKindChangeInline(admin.TabularInline):
    model = ActKindChange
    extra = 0
    can_delete = False
    fields = ("at", "source", "actor", "before", "after")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActKind)
class ActKindAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "agenda", "form", "valid_from", "delivery", "appealable", "office_override")
    list_filter = ("agenda", "form", "office_override")
    search_fields = ("code", "title", "legal_basis", "instruction")
    readonly_fields = ("code", "agenda", "template", "office_override")
    inlines = [ActKindChangeInline]
    actions = ["restore_from_data"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def save_model(self, request, obj, form, change):
        """An edit by the office: kept on later reloads of the data file, and recorded."""
        before = ActKind.objects.get(pk=obj.pk).snapshot() if change else None
        obj.office_override = True
        super().save_model(request, obj, form, change)
        record_office_change(act=obj, before=before, actor=request.user)

    @admin.action(description="Vrátit znění z datového souboru katalogu")
    def restore_from_data(self, request, queryset):
        count = queryset.update(office_override=False)
        report = load_acts(actor=request.user)
        self.message_user(request, f"Vráceno položek: {count}; znovu načteno, změněno {report['updated']}.",
                          messages.SUCCESS)


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ("code", "file", "active")

    def clean(self):
        cleaned = super().clean()
        upload, code = cleaned.get("file"), cleaned.get("code")
        if upload and code and hasattr(upload, "read"):
            content = upload.read()
            upload.seek(0)
            try:
                check_template_upload(code, content)
            except forms.ValidationError as exc:
                raise forms.ValidationError({"file": exc.messages}) from None
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ("code", "uploaded_at", "active")
    list_filter = ("code", "active")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "function", "phone")
    search_fields = ("user__username", "user__last_name", "function")
