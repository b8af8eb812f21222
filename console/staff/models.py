"""The console's own records: the audit log, the last version of each content file it saw, login lockouts."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change to the content (or an attempt, or a sign-in event). Never edited, never deleted."""

    PUBLISH = "publish"
    RESTORE = "restore"
    REFUSED = "refused"
    EXTERNAL = "external"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED = "locked"
    LOGOUT = "logout"
    ACTIONS = [
        (PUBLISH, "Published"),
        (RESTORE, "Restored an earlier version"),
        (REFUSED, "Refused by the checks (nothing changed)"),
        (EXTERNAL, "Changed in the file directly"),
        (LOGIN, "Signed in"),
        (LOGIN_FAILED, "Failed sign-in"),
        (LOCKED, "Account locked after failed sign-ins"),
        (LOGOUT, "Signed out"),
    ]
    CONTENT_ACTIONS = (PUBLISH, RESTORE, EXTERNAL)

    when = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)  # kept if the account is removed
    action = models.CharField(max_length=20, choices=ACTIONS, db_index=True)
    file = models.CharField(max_length=40, blank=True)  # "faq", "safety", ...
    record_key = models.CharField(max_length=200, blank=True, db_index=True)
    record_label = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)  # the record's fields before
    after = models.JSONField(null=True, blank=True)  # ... and after
    file_sha_before = models.CharField(max_length=64, blank=True)
    file_sha_after = models.CharField(max_length=64, blank=True)
    file_before = models.TextField(blank=True)  # the whole file, so any version can be rebuilt
    file_after = models.TextField(blank=True)

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name_plural = "audit entries"
        permissions = [
            ("edit_faq", "Can edit FAQ answers"),
            ("edit_messages", "Can edit messages"),
            ("edit_clinic", "Can edit clinic details"),
            ("edit_prescreen", "Can edit the pre-screen (wording and criteria)"),
            ("edit_safety", "Can edit safety wording and patterns"),
            ("view_analytics", "Can see what visitors ask"),
        ]

    def __str__(self) -> str:
        who = self.username or "file edit"
        return f"{self.when:%Y-%m-%d %H:%M} {who} {self.get_action_display()} {self.record_label}".strip()

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        if self.user is not None and not self.username:
            self.username = self.user.get_username()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise PermissionError("audit entries cannot be deleted")


class FileState(models.Model):
    """The last version of a content file the console saw (to notice edits made in the file)."""

    file = models.CharField(max_length=40, unique=True)
    sha = models.CharField(max_length=64)
    text = models.TextField()
    seen = models.DateTimeField(auto_now=True)


class LoginLock(models.Model):
    """Failed sign-ins per account name; locked once they reach LOCKOUT_ATTEMPTS."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)
