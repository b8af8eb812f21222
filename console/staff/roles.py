"""The two roles and what each may change.

Editors: FAQ answers, messages, clinic details. Clinical leads: all of that,
plus the pre-screen (wording and criteria) and the safety wording and
patterns. Both may see what visitors ask and the audit log. Administrators
(`make staff-user ROLE=admin`) also manage accounts in /admin/.
"""
from __future__ import annotations

from typing import Dict, List

EDITORS = "Editors"
LEADS = "Clinical leads"
ROLES: Dict[str, str] = {"editor": EDITORS, "lead": LEADS}
GROUP_PERMISSIONS: Dict[str, List[str]] = {
    EDITORS: ["edit_faq", "edit_messages", "edit_clinic", "view_analytics"],
    LEADS: ["edit_faq", "edit_messages", "edit_clinic", "edit_prescreen", "edit_safety", "view_analytics"],
}
# content file -> permission needed to change it
FILE_PERMISSION: Dict[str, str] = {
    "faq": "edit_faq",
    "messages": "edit_messages",
    "clinic": "edit_clinic",
    "prescreen": "edit_prescreen",
    "safety": "edit_safety",
}


def ensure_groups() -> None:
    """Create the groups with their permissions (idempotent; run by the migration)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from staff.models import AuditEntry

    ct = ContentType.objects.get_for_model(AuditEntry)
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = []
        for code in codenames:
            perm, _ = Permission.objects.get_or_create(content_type=ct, codename=code,
                                                       defaults={"name": code.replace("_", " ")})
            perms.append(perm)
        group.permissions.set(perms)


def can_edit(user, file: str) -> bool:  # noqa: ANN001
    perm = FILE_PERMISSION.get(file)
    return bool(perm) and user.is_authenticated and user.is_active and user.has_perm(f"staff.{perm}")


def role_name(user) -> str:  # noqa: ANN001
    if user.is_superuser:
        return "Administrator"
    names = set(user.groups.values_list("name", flat=True))
    if LEADS in names:
        return "Clinical lead"
    if EDITORS in names:
        return "Editor"
    return "No role"
