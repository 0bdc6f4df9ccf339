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
    model = IGCheck
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "cohort", "lead_mentor")
    list_filter = ("cohort",)
    inlines = [DatasetInline, IGCheckInline]


admin.site.register([Milestone, ProgressLog, LinkageRun, CaseStudy])
