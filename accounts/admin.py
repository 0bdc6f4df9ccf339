from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from audit.actions import Action
from audit.log import changes, record, snapshot

from .models import IdentityProvider, LinkedIdentity, User
from .services import ROLE_FIELDS

# The admin can also grant Django's own admin rights, so a change to those is a role change too.
ADMIN_ROLE_FIELDS = [*ROLE_FIELDS, "is_staff", "is_superuser"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_programme_staff", "is_mentor", "is_officer"]
    list_filter = ["is_programme_staff", "is_mentor", "is_officer", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title", "organisation"]}),
        ("Roles", {"fields": ["is_programme_staff", "is_mentor", "is_officer"]}),
        ("Admin", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        """Roles changed here are recorded as on the people pages (inside the admin's transaction)."""
        old = snapshot(User.objects.get(pk=obj.pk), ADMIN_ROLE_FIELDS) if change else {}
        super().save_model(request, obj, form, change)
        if change:
            before, after = changes(obj, ADMIN_ROLE_FIELDS, old)
        else:
            before, after = {}, {name: value for name, value in snapshot(obj, ADMIN_ROLE_FIELDS).items() if value}
        if after:
            record(Action.ROLE_CHANGED, request=request, obj=obj, before=before, after=after, via="admin")


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "organisation", "issuer", "allowed_domains", "enabled"]
    list_select_related = ["organisation"]


@admin.register(LinkedIdentity)
class LinkedIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "email_at_link", "linked_at", "last_used_at"]
    list_select_related = ["user", "provider"]
    readonly_fields = ["user", "provider", "issuer", "subject", "email_at_link", "linked_at", "last_used_at"]
