"""Django admin (superusers only): accounts and a read-only view of the audit log."""
from django.contrib import admin

from staff.models import AuditEntry, LoginLock


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("when", "username", "action", "record_label", "summary")
    list_filter = ("action", "file")
    search_fields = ("username", "record_key", "summary")

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Delete an entry to unlock that account name."""

    list_display = ("username", "failures", "locked_until", "last_failure")
