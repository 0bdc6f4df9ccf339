from django.contrib import admin

from .models import CaseStudy, Dataset, IGCheck, LinkageRun, Milestone, MilestoneTemplate, ProgressLog, Project


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "cohort", "due_week", "order", "needs_ig_approval")
    list_filter = ("cohort",)


class DatasetInline(admin.TabularInline):
    model = Dataset
    extra = 0


class IGCheckInline(admin.TabularInline):
    """Read-only: IG evidence and decisions change only through projects.services.ig, which keeps the
    four-eyes rule and writes the history."""

    model = IGCheck
    extra = 0
    can_delete = False
    fields = readonly_fields = ("kind", "status", "confirmation", "approver_name", "reviewed_by_label", "reviewed_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "cohort", "lead_mentor")
    list_filter = ("cohort",)
    inlines = [DatasetInline, IGCheckInline]


@admin.register(LinkageRun)
class LinkageRunAdmin(admin.ModelAdmin):
    """Read-only: counts are recorded by the officers and confirmed by someone else only through
    projects.services.linkage, which keeps the four-eyes rule and refuses impossible counts."""

    list_display = ("project", "run_on", "quality", "sample_size", "sample_true_matches", "reviewed_by_label")
    list_filter = ("quality",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


admin.site.register([Milestone, ProgressLog, CaseStudy])
