"""Fixtures for the staff console's tests (console/, Django, in the console's own venv).

Run them with `make test-console`, which also starts the assistant on test
ports (RASA_URL, WEB_URL, CONTENT_DIR) for the "goes live in the widget" test.
Under the project's Rasa venv (`make test-unit` collects tests/) this folder is
skipped: Django is not installed there.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("django") is None or importlib.util.find_spec("pytest_django") is None:
    collect_ignore_glob = ["*"]  # not the console's venv: nothing here can run
else:
    import pytest

    sys.path[:0] = [str(ROOT / "console"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinicconsole.settings")
    # Playwright's sync API runs an event loop in the test thread; the ORM calls here are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    from tests.console.seed import seed_tracker  # noqa: E402

    PASSWORD = "a long test passphrase 42"

    @pytest.fixture(scope="session")
    def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
        path = tmp_path_factory.mktemp("tracker") / "tracker.db"
        seed_tracker(path)
        return path

    @pytest.fixture
    def content_copy(tmp_path: Path) -> Path:
        target = tmp_path / "content"
        shutil.copytree(ROOT / "content", target)
        return target

    @pytest.fixture
    def console_env(settings, tmp_path: Path, content_copy: Path, seeded_db: Path):  # noqa: ANN001, ANN201
        """Settings of one test: its own copy of content/, the seeded conversations, its own var/."""
        settings.CONTENT_DIR = content_copy
        settings.TRACKER_DB = seeded_db
        settings.VAR_DIR = tmp_path / "var"
        settings.VAR_DIR.mkdir()
        return settings

    def make_user(username: str, role: str):  # noqa: ANN201
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from staff.roles import ROLES, ensure_groups

        ensure_groups()
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        if role == "admin":
            user.is_staff = user.is_superuser = True
            user.save()
            role = "lead"
        user.groups.set([Group.objects.get(name=ROLES[role])])
        return user

    @pytest.fixture
    def editor(db):  # noqa: ANN001, ANN201
        return make_user("erin", "editor")

    @pytest.fixture
    def lead(db):  # noqa: ANN001, ANN201
        return make_user("lena", "lead")

    def count_rows(db_path: Path, sql: str) -> int:
        con = sqlite3.connect(db_path)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
