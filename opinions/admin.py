"""Admin of the opinion agenda's catalogues: plans (with upload + import), IPs, programmes, calls."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .models import (
    AreaOfSupport,
    Call,
    IndividualProject,
    IndividualProjectService,
    IpWarning,
    Opinion,
    Plan,
    PlanImportUpload,
    PlanItem,
    PlanItemService,
    PlanItemTargetGroup,
    Programme,
    ReturnComment,
)
from .plan_import import import_plan


class PlanItemServiceInline(admin.TabularInline):
    model = PlanItemService
    extra = 0


class PlanItemTargetGroupInline(admin.TabularInline):
    model = PlanItemTargetGroup
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "region_name", "format", "valid_from", "valid_to", "updated_at")
    list_filter = ("region_name", "format")
    readonly_fields = ("source_hash", "source_name", "imported_at", "updated_at", "last_report")


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "kind", "plan", "all_services", "active")
    list_filter = ("plan", "kind", "active")
    search_fields = ("number", "name")
    inlines = [PlanItemServiceInline, PlanItemTargetGroupInline]
    raw_id_fields = ("parent",)
    filter_horizontal = ("goals",)


def decode_plan_text(raw: bytes) -> str:
    """Plans are copied to text by officials: UTF-8, or Windows-1250 from older Word exports."""
    if b"\x00" in raw:
        raise ValidationError("Import se nezdařil: soubor není textový (plán vložte jako text .txt).")
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("Import se nezdařil: soubor není čitelný text v kódování UTF-8 ani Windows-1250.")


class PlanImportUploadForm(forms.ModelForm):
    class Meta:
        model = PlanImportUpload
        fields = ("file", "region_name")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OSV_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(f"Soubor je příliš velký: nejvýše {limit // (1024 * 1024)} MB.")
        if not upload.name.lower().endswith(".txt"):
            raise ValidationError("Import se nezdařil: plán nahrajte jako textový soubor .txt.")
        self.plan_text = decode_plan_text(upload.read())
        upload.seek(0)
        return upload


@admin.register(PlanImportUpload)
class PlanImportUploadAdmin(admin.ModelAdmin):
    """Upload a plan text file; saving imports it (one transaction) and shows the report."""

    form = PlanImportUploadForm

    list_display = ("uploaded_at", "file", "region_name", "plan")
    fields = ("file", "region_name", "plan", "report")
    readonly_fields = ("plan", "report")

    def save_model(self, request, obj, form, change):
        text = form.plan_text
        try:
            report = import_plan(text, region_name=obj.region_name or None, source_name=form.cleaned_data["file"].name)
        except ValidationError as exc:
            obj.report = "Import se nezdařil: " + "; ".join(exc.messages)
            messages.error(request, obj.report)
        else:
            obj.plan = report.plan
            obj.report = report.text()
            messages.success(request, "Plán naimportován: " + report.plan.title)
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class IndividualProjectServiceInline(admin.TabularInline):
    model = IndividualProjectService
    extra = 0
    filter_horizontal = ("target_groups",)


@admin.register(IndividualProject)
class IndividualProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "region_name", "start", "end")
    inlines = [IndividualProjectServiceInline]


class AreaInline(admin.TabularInline):
    model = AreaOfSupport
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "statement_title", "template_code")
    inlines = [AreaInline]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("number", "programme", "area", "opens_on", "submission_deadline")
    list_filter = ("programme", "area")


class IpWarningInline(admin.TabularInline):
    model = IpWarning
    extra = 0
    readonly_fields = ("ip_service", "strength", "message", "reason", "reason_from", "reason_to", "reason_groups",
                       "reason_districts", "answer", "answered_by", "answered_at")
    can_delete = False


class ReturnCommentInline(admin.TabularInline):
    model = ReturnComment
    extra = 0
    readonly_fields = ("author", "at", "comment")
    can_delete = False


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ("case", "applicant_name", "call", "area", "status", "case_deadline", "too_late")
    list_filter = ("status", "call", "area", "too_late")
    search_fields = ("applicant_name", "applicant_ico", "project_title", "case__file_mark")
    readonly_fields = ("case", "snapshot", "document", "approver", "approved_at", "drafter")
    inlines = [IpWarningInline, ReturnCommentInline]
