from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _groups(sender, **kwargs):  # noqa: ANN001, ANN003
    from staff.roles import ensure_groups

    ensure_groups()


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_groups, sender=self)
