"""Unit tests of the staff console: login everywhere, CSRF, permissions, the audit log, lockout, publishing."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as dj_settings
from django.test import Client
from django.urls import reverse

from staff import contentstore as store
from staff import yamledit as Y
from staff.models import AuditEntry, LoginLock
from staff.roles import can_edit
from tests.console.conftest import PASSWORD, ROOT, make_user
from tests.console.seed import CRISIS_TEXT, EMERGENCY_TEXT, PERSONAL, PROBE_TEXT

pytestmark = pytest.mark.django_db

TIMELINE = "Most people notice changes over several weeks to a few months. Nerves heal slowly, so results build."


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def signed_in(user, csrf: bool = False) -> Client:  # noqa: ANN001
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def faq_form(client: Client, key: str = "faq.timeline", **changes: str) -> dict:
    """The record's form as the page shows it, with some fields changed."""
    html = client.get(reverse("record", args=[key])).content.decode()
    data = {}
    for m in re.finditer(r'<input type="(?:hidden|text|url|date|number)"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[m.group(1)] = m.group(2)
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        data[m.group(1)] = chosen.group(1) if chosen else ""
    for m in re.finditer(r'<input type="checkbox"[^>]*name="([^"]+)"[^>]*value="([^"]*)"([^>]*)>', html):
        if " checked" in m.group(3):
            data[m.group(1)] = m.group(2)
    import html as h

    data = {k: h.unescape(v) for k, v in data.items()}
    data.update(changes)
    return data


# --------------------------------------------------------------------------- no page without login

PAGES = ["/", "/content/", "/content/faq.timeline/", "/content/faq.timeline/history/", "/audit/", "/analytics/",
         "/analytics/export.csv", "/admin/", "/admin/auth/user/", "/admin/staff/auditentry/"]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_answers_without_login(console_env, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("method,url", [
    ("post", "/api/check/faq.timeline/"), ("get", "/api/check/faq.timeline/"),
    ("post", "/content/faq.timeline/"), ("post", "/content/faq.timeline/restore/1/after/"), ("post", "/logout/"),
])
def test_no_api_or_action_without_login(console_env, method: str, url: str) -> None:
    response = getattr(Client(), method)(url, {"f_answer": "x"})
    assert response.status_code in (302, 401)
    if url.startswith("/api/"):
        assert response.status_code == 401 and response.json()["error"]
    assert sha(dj_settings.CONTENT_DIR / "faq.yml") == sha(ROOT / "content" / "faq.yml")


def test_every_url_pattern_is_covered_by_the_login_check(console_env) -> None:
    from clinicconsole.urls import urlpatterns

    public = {"login/"}
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        if route in public:
            continue
        url = "/" + re.sub(r"<int:[^>]+>", "1", re.sub(r"<str:[^>]+>", "faq.timeline", route))
        if url.startswith("/admin/"):
            url = "/admin/"
        response = Client().get(url)
        assert response.status_code in (302, 401), url


def test_login_page_is_the_only_public_page_and_sets_strict_headers(console_env) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


# --------------------------------------------------------------------------- CSRF


def test_mutating_requests_without_csrf_token_are_refused(console_env, editor) -> None:
    client = signed_in(editor, csrf=True)
    before = sha(dj_settings.CONTENT_DIR / "faq.yml")
    form = faq_form(client, f_answer=TIMELINE)
    form.pop("csrfmiddlewaretoken", None)
    assert client.post(reverse("record", args=["faq.timeline"]), form).status_code == 403
    assert client.post(reverse("api_check", args=["faq.timeline"]), form).status_code == 403
    assert client.post("/logout/").status_code == 403
    assert client.post(reverse("restore", args=["faq.timeline", 1, "after"])).status_code == 403
    # a wrong token is refused too
    form["csrfmiddlewaretoken"] = "x" * 64
    assert client.post(reverse("record", args=["faq.timeline"]), form).status_code == 403
    assert sha(dj_settings.CONTENT_DIR / "faq.yml") == before
    assert not AuditEntry.objects.filter(action=AuditEntry.PUBLISH).exists()


def test_login_form_needs_csrf_token(console_env, editor) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "erin", "password": PASSWORD})
    assert response.status_code == 403
    client.get("/login/")
    response = client.post("/login/", {"username": "erin", "password": PASSWORD,
                                        "csrfmiddlewaretoken": token(client, "/login/")})
    assert response.status_code == 302


def test_with_a_valid_csrf_token_the_edit_is_published(console_env, editor) -> None:
    client = signed_in(editor, csrf=True)
    form = faq_form(client, f_answer=TIMELINE)
    assert form["csrfmiddlewaretoken"]
    response = client.post(reverse("record", args=["faq.timeline"]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    data = Y.load((dj_settings.CONTENT_DIR / "faq.yml").read_text())
    assert next(t for t in data["topics"] if t["id"] == "timeline")["answer"] == TIMELINE


# --------------------------------------------------------------------------- permissions


def test_role_permissions(console_env, editor, lead) -> None:
    for file in ("faq", "messages", "clinic"):
        assert can_edit(editor, file) and can_edit(lead, file)
    for file in ("safety", "prescreen"):
        assert not can_edit(editor, file) and can_edit(lead, file)
    assert editor.has_perm("staff.view_analytics") and lead.has_perm("staff.view_analytics")
    nobody = make_user("nora", "editor")
    nobody.groups.clear()
    nobody = type(nobody).objects.get(pk=nobody.pk)
    assert not any(can_edit(nobody, f) for f in ("faq", "messages", "clinic", "safety", "prescreen"))


def test_editor_may_not_change_safety_or_prescreen(console_env, editor) -> None:
    client = signed_in(editor)
    page = client.get(reverse("record", args=["safety.crisis"]))
    assert page.status_code == 200 and b"readonly-note" in page.content and b'id="record-form"' not in page.content
    before = sha(dj_settings.CONTENT_DIR / "safety.yml")
    for key in ("safety.crisis", "safety.crisis.suicide", "prescreen.exclusion.active_infection"):
        assert client.post(reverse("record", args=[key]), {"f_message": "hi"}).status_code == 403
        assert client.post(reverse("api_check", args=[key]), {"f_message": "hi"}).status_code == 403
    assert sha(dj_settings.CONTENT_DIR / "safety.yml") == before


def test_lead_may_change_safety_wording(console_env, lead) -> None:
    client = signed_in(lead)
    form = faq_form(client, "safety.emergency")
    form["f_message"] = form["f_message"].replace("Please call 911", "Please call 911 right away")
    response = client.post(reverse("record", args=["safety.emergency"]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "call 911 right away" in (dj_settings.CONTENT_DIR / "safety.yml").read_text()


def test_analytics_needs_its_permission(console_env, editor) -> None:
    editor.groups.clear()
    editor = type(editor).objects.get(pk=editor.pk)
    client = signed_in(editor)
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/export.csv").status_code == 403


def test_admin_is_for_superusers_only(console_env, editor) -> None:
    client = signed_in(editor)
    assert client.get("/admin/").status_code == 302  # to the login page: not an administrator
    admin = make_user("ada", "admin")
    assert signed_in(admin).get("/admin/").status_code == 200


# --------------------------------------------------------------------------- audit log


def test_publish_is_in_the_audit_log_with_before_and_after(console_env, editor) -> None:
    client = signed_in(editor)
    old = next(t for t in Y.load((dj_settings.CONTENT_DIR / "faq.yml").read_text())["topics"]
               if t["id"] == "timeline")["answer"]
    client.post(reverse("record", args=["faq.timeline"]), faq_form(client, f_answer=TIMELINE))
    entry = AuditEntry.objects.get(action=AuditEntry.PUBLISH)
    assert entry.user == editor and entry.username == "erin"
    assert entry.record_key == "faq.timeline" and entry.file == "faq"
    assert entry.before["answer"] == old and entry.after["answer"] == TIMELINE
    assert entry.file_after == (dj_settings.CONTENT_DIR / "faq.yml").read_text()
    assert entry.file_sha_before != entry.file_sha_after
    page = client.get("/audit/").content.decode()
    assert "erin" in page and "How long until it helps" in page and "<ins>" in page


def test_audit_entries_cannot_be_changed_or_deleted(console_env, editor) -> None:
    entry = AuditEntry.objects.create(action=AuditEntry.PUBLISH, user=editor, summary="x")
    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    from staff.admin import AuditEntryAdmin

    admin = AuditEntryAdmin(AuditEntry, None)
    assert not admin.has_change_permission(None) and not admin.has_delete_permission(None)
    assert not admin.has_add_permission(None)


def test_refused_edit_changes_nothing_and_is_logged(console_env, editor) -> None:
    client = signed_in(editor)
    before = sha(dj_settings.CONTENT_DIR / "faq.yml")
    response = client.post(reverse("record", args=["faq.timeline"]),
                           faq_form(client, f_answer="Call {phone_number} now or see http://insecure.example"))
    assert response.status_code == 400
    html = response.content.decode()
    problems = re.search(r'id="problems-answer"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert "unknown placeholder {phone_number}" in problems and "https://" in problems
    assert sha(dj_settings.CONTENT_DIR / "faq.yml") == before
    entry = AuditEntry.objects.get(action=AuditEntry.REFUSED)
    assert "phone_number" in entry.summary and entry.user == editor


def test_edits_in_the_file_show_up_and_are_logged(console_env, editor) -> None:
    client = signed_in(editor)
    client.get("/")  # the console sees the files once
    path = dj_settings.CONTENT_DIR / "messages.yml"
    path.write_text(path.read_text().replace("You're welcome!", "You are very welcome!"))
    page = client.get(reverse("record", args=["messages.thanks"])).content.decode()
    assert "You are very welcome!" in page
    entry = AuditEntry.objects.get(action=AuditEntry.EXTERNAL)
    assert entry.record_key == "messages.thanks" and entry.user is None
    assert "welcome" in entry.before["text"] and "very welcome" in entry.after["text"]


def test_restore_an_earlier_version(console_env, editor) -> None:
    client = signed_in(editor)
    original = (dj_settings.CONTENT_DIR / "faq.yml").read_text()
    client.post(reverse("record", args=["faq.timeline"]), faq_form(client, f_answer=TIMELINE))
    first = AuditEntry.objects.get(action=AuditEntry.PUBLISH)
    response = client.post(reverse("restore", args=["faq.timeline", first.pk, "before"]))
    assert response.status_code == 302
    restored = Y.load((dj_settings.CONTENT_DIR / "faq.yml").read_text())
    assert next(t for t in restored["topics"] if t["id"] == "timeline") == \
        next(t for t in Y.load(original)["topics"] if t["id"] == "timeline")
    entry = AuditEntry.objects.filter(action=AuditEntry.RESTORE).get()
    assert entry.after["answer"] == first.before["answer"] and "restored" in entry.summary


def test_publish_keeps_the_rest_of_the_file_byte_for_byte(console_env, editor) -> None:
    client = signed_in(editor)
    path = dj_settings.CONTENT_DIR / "faq.yml"
    old = path.read_text()
    client.post(reverse("record", args=["faq.timeline"]), faq_form(client, f_answer=TIMELINE))
    new = path.read_text()
    start = old.index("  - id: timeline")
    end = old.index("\n  - id:", start + 5)
    assert new[:start] == old[:start]  # every comment and topic before it
    assert new.endswith(old[end:])  # and everything after it
    assert not list(path.parent.glob(".*.tmp"))  # the temporary file was renamed over it


def test_stale_form_is_refused(console_env, editor) -> None:
    client = signed_in(editor)
    form = faq_form(client, f_answer=TIMELINE)
    path = dj_settings.CONTENT_DIR / "faq.yml"
    path.write_text(path.read_text().replace("It varies by type of neuropathy", "It depends on the type"))
    response = client.post(reverse("record", args=["faq.timeline"]), form)
    assert response.status_code == 400 and b"Someone changed this record" in response.content
    assert TIMELINE not in path.read_text()


# --------------------------------------------------------------------------- sign-in and lockout


def test_lockout_after_repeated_failures(console_env, editor) -> None:
    client = Client()
    for _ in range(dj_settings.LOCKOUT_ATTEMPTS):
        response = client.post("/login/", {"username": "erin", "password": "wrong password!!"})
        assert response.status_code == 200 and b"not right" in response.content or b"locked" in response.content
    response = client.post("/login/", {"username": "erin", "password": PASSWORD})
    assert response.status_code == 200 and b"locked" in response.content
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditEntry.LOCKED, username="erin").exists()
    LoginLock.objects.filter(username="erin").delete()  # what `make staff-user NAME=erin UNLOCK=1` does
    assert client.post("/login/", {"username": "erin", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200


def test_passwords_are_hashed_with_argon2(console_env, editor) -> None:
    assert editor.password.startswith("argon2$argon2id$")


def test_staffuser_command_has_no_default_password(console_env) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("staffuser", "sam", role="editor", password_stdin=False)  # no terminal: refused
    import io

    sys_stdin = sys.stdin
    try:
        sys.stdin = io.StringIO("short\n")
        with pytest.raises(CommandError, match="password refused"):
            call_command("staffuser", "sam", role="editor", password_stdin=True)
        sys.stdin = io.StringIO(PASSWORD + "\n")
        call_command("staffuser", "sam", role="lead", password_stdin=True)
    finally:
        sys.stdin = sys_stdin
    from django.contrib.auth import get_user_model

    sam = get_user_model().objects.get(username="sam")
    assert sam.check_password(PASSWORD) and can_edit(sam, "safety")


def test_cookie_settings() -> None:
    assert dj_settings.SESSION_COOKIE_HTTPONLY and dj_settings.CSRF_COOKIE_HTTPONLY
    assert dj_settings.SESSION_COOKIE_SAMESITE == "Strict"
    assert dj_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert dj_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


# --------------------------------------------------------------------------- analytics


def test_analytics_counts_without_showing_crisis_text_or_test_traffic(console_env, editor) -> None:
    client = signed_in(editor)
    html = client.get("/analytics/?since=2000-01-01").content.decode()
    for secret in [CRISIS_TEXT, EMERGENCY_TEXT, PROBE_TEXT, "zebra"] + PERSONAL:
        assert secret not in html
    assert "How long until it helps" in html  # topic titles, not ids
    assert "Under 10%" not in html and "/faq_sessions" not in html  # button presses are not unanswered
    assert "my name is [name]" in html
    csv_text = client.get("/analytics/export.csv?since=2000-01-01").content.decode()
    assert csv_text.startswith("kind,rank,label")
    for secret in [CRISIS_TEXT, PROBE_TEXT, "zebra"] + PERSONAL:
        assert secret not in csv_text
    assert "Crisis replies (988),1" in csv_text and "prescreen_outcome" in csv_text


# --------------------------------------------------------------------------- scripts


def test_make_report_never_lists_button_payloads_or_form_answers(seeded_db: Path) -> None:
    out = subprocess.run([str(dj_settings.RASA_PYTHON), str(ROOT / "scripts" / "report.py"), "--db", str(seeded_db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    unanswered = out.stdout.split("Unanswered questions:")[1].split("Most asked topics")[0]
    assert "Under" not in unanswered and "/faq" not in unanswered and "Yes" not in unanswered
    assert "[name]" in unanswered and "medicare" in unanswered
    for secret in [CRISIS_TEXT, PROBE_TEXT, "zebra"] + PERSONAL:
        assert secret not in out.stdout
    assert "How long until it helps" in out.stdout
    assert "Started the pre-screen" in out.stdout and "Crisis replies (988)" in out.stdout


def test_check_content_json_mode() -> None:
    out = subprocess.run([str(dj_settings.RASA_PYTHON), str(ROOT / "scripts" / "check_content.py"), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    result = json.loads(out.stdout)
    assert out.returncode == (0 if result["ok"] else 1)
    assert {"ok", "errors", "warnings", "problems"} <= set(result)
    for p in result["problems"]:
        assert {"file", "basename", "line", "field", "message", "severity", "text"} <= set(p)


def test_yaml_edits_keep_comments_and_styles() -> None:
    text = (ROOT / "content" / "safety.yml").read_text()
    path = ("crisis", "categories", 0, "patterns")
    items = Y.block_list_with_comments(text, path)
    assert any(isinstance(x, Y.Comment) for x in items)
    new = Y.apply(text, [Y.Change(path, items + ["\\bnew pattern\\b"])])
    assert new.count("# a method said in passing") == 1
    assert "- '\\bnew pattern\\b'" in new
    assert Y.load(new)["crisis"]["categories"][0]["patterns"][-1] == "\\bnew pattern\\b"
    assert new.split("crisis:")[0] == text.split("crisis:")[0]
    with pytest.raises(Y.EditError):
        Y.apply(text, [Y.Change(("nothing", "here"), "x")])


def test_every_form_posted_back_unchanged_changes_nothing(console_env, lead) -> None:
    """For every record of every file: the form as shown, sent back as it is, is not a change."""
    from django.http import QueryDict

    from staff import records as R

    client = signed_in(lead)
    files = store.read_all()
    pairs = store.all_records(files)
    assert len(pairs) > 80
    for record, fv in pairs:
        form = faq_form(client, record.key)
        form.pop("reviewed_today", None)
        post = QueryDict(mutable=True)
        post.update(form)
        values, errors = R.parse_form(record, post, record.values(fv.data), store.topic_ids(files))
        assert not errors, (record.key, errors)
        assert R.changes_for(record, values, record.values(fv.data), fv.text) == [], record.key
