from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import IdentityProvider, LinkedIdentity, User


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


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "organisation", "issuer", "allowed_domains", "enabled"]
    list_select_related = ["organisation"]


@admin.register(LinkedIdentity)
class LinkedIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "email_at_link", "linked_at", "last_used_at"]
    list_select_related = ["user", "provider"]
    readonly_fields = ["user", "provider", "issuer", "subject", "email_at_link", "linked_at", "last_used_at"]
