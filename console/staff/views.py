"""Pages and the check API of the staff console. Every view needs a signed-in account
(staff.middleware.RequireLoginMiddleware); every POST needs a valid CSRF token (Django's CsrfViewMiddleware)."""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
from datetime import timedelta
from html import escape
from typing import Any, Dict, List, Optional

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staff import analytics, charts
from staff import contentstore as store
from staff import records as R
from staff import roles
from staff import yamledit as Y
from staff.checker import CheckUnavailable
from staff.models import AuditEntry, LoginLock

logger = logging.getLogger(__name__)


def nav_context(request: HttpRequest) -> Dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"role_name": roles.role_name(user),
            "can_analytics": user.has_perm("staff.view_analytics")}


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


# --------------------------------------------------------------------------
# Sign in / out


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        now = timezone.now()
        lock, _ = LoginLock.objects.get_or_create(username=username.lower())
        if lock.locked_until and lock.locked_until > now:
            minutes = max(1, int((lock.locked_until - now).total_seconds() // 60) + 1)
            error = (f"This account is locked after too many failed sign-ins. Try again in {minutes} minutes, "
                     "or ask an administrator to unlock it.")
            AuditEntry.objects.create(action=AuditEntry.LOGIN_FAILED, username=username,
                                      summary=f"sign-in refused: account locked (from {_client_ip(request)})")
        else:
            user = authenticate(request, username=username, password=password) if username and password else None
            if user is not None and user.is_active:
                login(request, user)
                lock.failures, lock.locked_until = 0, None
                lock.save()
                AuditEntry.objects.create(action=AuditEntry.LOGIN, user=user,
                                          summary=f"signed in from {_client_ip(request)}")
                return redirect(next_url)
            lock.failures += 1
            lock.last_failure = now
            summary = f"wrong user name or password (from {_client_ip(request)})"
            if lock.failures >= settings.LOCKOUT_ATTEMPTS:
                lock.locked_until = now + timedelta(minutes=settings.LOCKOUT_MINUTES)
                lock.failures = 0
                AuditEntry.objects.create(action=AuditEntry.LOCKED, username=username,
                                          summary=f"locked for {settings.LOCKOUT_MINUTES} minutes after "
                                                  f"{settings.LOCKOUT_ATTEMPTS} failed sign-ins")
                error = (f"Too many failed sign-ins: this account is locked for {settings.LOCKOUT_MINUTES} "
                         "minutes.")
            else:
                error = "The user name or password is not right."
            lock.save()
            AuditEntry.objects.create(action=AuditEntry.LOGIN_FAILED, username=username, summary=summary)
    return render(request, "staff/login.html", {"error": error, "username": username, "next": next_url},
                  status=200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        AuditEntry.objects.create(action=AuditEntry.LOGOUT, user=request.user, summary="signed out")
    logout(request)
    return redirect(settings.LOGIN_URL)


# --------------------------------------------------------------------------
# Dashboard and lists


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    store.sync_external()
    status = store.content_status()
    files = store.read_all()
    recent = AuditEntry.objects.filter(action__in=AuditEntry.CONTENT_ACTIONS)[:8]
    return render(request, "staff/dashboard.html", {
        "status": status, "files": files.values(), "recent": recent,
        "groups": [(g, t, roles.can_edit(request.user, g)) for g, t in R.GROUPS],
    })


@require_GET
def content_list(request: HttpRequest) -> HttpResponse:
    store.sync_external()
    files = store.read_all()
    status = store.content_status()
    by_record: Dict[str, List[Dict[str, Any]]] = {}
    pairs = store.all_records(files)
    for p in status.get("errors", []) + status.get("warnings", []):
        stem = str(p.get("basename", "")).removesuffix(".yml")
        path = str(p.get("field") or "")
        for rec, _ in pairs:
            if rec.file != stem:
                continue
            if any(path == rec.label_path(f) or path.startswith(rec.label_path(f) + ".")
                   or path.startswith(rec.label_path(f) + "[") for f in rec.fields):
                by_record.setdefault(rec.key, []).append(p)
                break
    wanted = request.GET.get("group", "")
    query = request.GET.get("q", "").strip().lower()
    groups = []
    for g, title in R.GROUPS:
        if wanted and g != wanted:
            continue
        items = []
        for rec, fv in pairs:
            if rec.group != g:
                continue
            if query and query not in rec.title.lower() and query not in rec.key.lower():
                values = rec.values(fv.data)
                if not any(query in str(v).lower() for v in values.values()):
                    continue
            probs = by_record.get(rec.key, [])
            items.append({"record": rec, "errors": sum(1 for p in probs if p.get("severity") == "error"),
                          "warnings": sum(1 for p in probs if p.get("severity") != "error")})
        broken = files[g].error if g in files else ""
        groups.append({"key": g, "title": title, "items": items, "editable": roles.can_edit(request.user, g),
                       "broken": broken})
    return render(request, "staff/content_list.html", {"groups": groups, "q": request.GET.get("q", ""),
                                                        "group": wanted, "all_groups": R.GROUPS})


# --------------------------------------------------------------------------
# One record


def _form_fields(record: R.Record, fv: store.FileView, values: Dict[str, Any], topic_ids: List[str],
                 errors: Optional[Dict[str, str]] = None,
                 result: Optional[store.Result] = None) -> List[Dict[str, Any]]:
    out = []
    for f in record.fields:
        value = values.get(f.name)
        shown = R.display_value(f, value, fv.text if values is None else None, record)
        if f.kind == "lines" and f.comments and value is not None and not isinstance(value, str):
            shown = "\n".join(("# " + str(x)) if isinstance(x, Y.Comment) else str(x) for x in value)
        problems = list((result.field_problems.get(f.name) if result else None) or [])
        if errors and f.name in errors:
            problems.insert(0, {"severity": "error", "message": errors[f.name]})
        rows: List[Dict[str, Any]] = []
        if f.kind in ("links", "buttons", "answer_buttons"):
            existing = shown if isinstance(shown, list) else []
            for b in existing:
                if not isinstance(b, dict):
                    continue
                kind = next((k for k in ("topic", "intent", "url", "language") if k in b), "")
                rows.append({"title": b.get("title", ""), "url": b.get("url", ""), "value": b.get("value", ""),
                             "kind": kind, "target": b.get(kind, "") if kind else ""})
            rows += [{"title": "", "url": "", "value": "", "kind": "", "target": ""} for _ in range(2)]
        follow = []
        if f.kind == "follow_ups":
            current = shown if isinstance(shown, list) else []
            follow = [(current[i] if i < len(current) else "") for i in range(3)]
        out.append({
            "field": f, "value": shown, "problems": problems, "rows": rows, "follow": follow,
            "invalid": any(p.get("severity") == "error" for p in problems),
            "grade": result.grades.get(f.name) if result else None,
            "length": result.lengths.get(f.name) if result else None,
            "checked": [name for name, _, _ in R.CLINIC_FIELDS if isinstance(shown, list) and name in shown],
        })
    return out


def _record_or_404(key: str) -> tuple:
    found = store.find_record(key)
    if found is None:
        raise Http404("No such record")
    return found


def _topic_choices() -> List[tuple]:
    fv = store.read_file("faq")
    topics = (fv.data or {}).get("topics") if isinstance(fv.data, dict) else None
    return [(t["id"], str(t.get("title") or t["id"])) for t in topics or []
            if isinstance(t, dict) and isinstance(t.get("id"), str)]


def _reviewed_today(record: R.Record, request: HttpRequest, values: Dict[str, Any]) -> None:
    if record.file == "faq" and request.POST.get("reviewed_today"):
        values["last_reviewed"] = timezone.localdate()


@require_http_methods(["GET", "POST"])
def record_view(request: HttpRequest, key: str) -> HttpResponse:
    store.sync_external()
    record, fv = _record_or_404(key)
    can_edit = roles.can_edit(request.user, record.file)
    topic_ids = store.topic_ids()
    current = record.values(fv.data)
    result: Optional[store.Result] = None
    errors: Dict[str, str] = {}
    values: Dict[str, Any] = current
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role may not change this.")
        values, errors = R.parse_form(record, request.POST, current, topic_ids)
        _reviewed_today(record, request, values)
        if errors:
            result = store.Result(message="Not published: fix the problems shown next to the fields.")
            status = 400
        else:
            result = store.publish(key, values, request.user, expected=request.POST.get("fingerprint"))
            if result.published:
                messages.success(request, result.message)
                return redirect("record", key=key)
            status = 400 if not result.ok else 200
        # show what the person typed, with the problems next to it
        for f in record.fields:
            if values.get(f.name) is Y.DELETE:
                values[f.name] = None
    elif can_edit:
        try:
            result, _ = store.check(record, fv, current)
        except CheckUnavailable as exc:
            result = store.Result(message=f"The content check could not run ({exc}).")
    context = {
        "record": record, "can_edit": can_edit, "group_title": R.GROUP_TITLES.get(record.group, ""),
        "fields": _form_fields(record, fv, values if request.method == "POST" else current, topic_ids,
                               errors, result),
        "fingerprint": Y.fingerprint(current), "result": result, "topic_ids": topic_ids,
        "topic_choices": _topic_choices(),
        "intents": R.BUTTON_INTENTS, "history_count": AuditEntry.objects.filter(
            record_key=key, action__in=AuditEntry.CONTENT_ACTIONS).count(),
        "today": timezone.localdate().isoformat(),
        "clinic_choices": [(name, label) for name, label, _ in R.CLINIC_FIELDS],
    }
    if request.method == "GET":
        # the form shows the file's own comments in pattern lists
        for item in context["fields"]:
            f = item["field"]
            if f.kind == "lines" and f.comments:
                item["value"] = R.display_value(f, current.get(f.name), fv.text, record)
    return render(request, "staff/record.html", context, status=status)


@require_POST
def api_check(request: HttpRequest, key: str) -> JsonResponse:
    """The checks and preview for the form as typed (nothing is saved)."""
    found = store.find_record(key)
    if found is None:
        return JsonResponse({"error": "no such record"}, status=404)
    record, fv = found
    if not roles.can_edit(request.user, record.file):
        return JsonResponse({"error": "your role may not change this"}, status=403)
    current = record.values(fv.data)
    values, errors = R.parse_form(record, request.POST, current, store.topic_ids())
    _reviewed_today(record, request, values)
    if errors:
        return JsonResponse({"ok": False, "fields": {k: [{"severity": "error", "message": v}]
                                                     for k, v in errors.items()},
                             "record": [], "other": [], "grades": {}, "lengths": {}, "preview": None})
    try:
        result, _ = store.check(record, fv, values)
    except CheckUnavailable as exc:
        return JsonResponse({"error": f"the content check could not run ({exc})"}, status=503)
    return JsonResponse(result.as_json())


# --------------------------------------------------------------------------
# History, restore, audit log


def _diff_html(before: Any, after: Any) -> str:
    """Word-level differences: removed words in <del>, added ones in <ins>."""
    a = before if isinstance(before, str) else ("" if before is None else Y.dumps(before))
    b = after if isinstance(after, str) else ("" if after is None else Y.dumps(after))
    wa, wb = a.split(" "), b.split(" ")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(wa[i1:i2])))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(wa[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(wb[j1:j2]))}</ins>")
    return " ".join(x for x in out if x)


def entry_changes(entry: AuditEntry, record: Optional[R.Record]) -> List[Dict[str, Any]]:
    before, after = entry.before or {}, entry.after or {}
    labels = {f.name: f.label for f in record.fields} if record else {}
    out = []
    for name in list(dict.fromkeys(list(before) + list(after))):
        if before.get(name) != after.get(name):
            out.append({"label": labels.get(name, name), "diff": mark_safe(_diff_html(before.get(name),  # noqa: S308
                                                                                         after.get(name)))})
    return out


@require_GET
def history_view(request: HttpRequest, key: str) -> HttpResponse:
    store.sync_external()
    found = store.find_record(key)
    record, fv = found if found else (None, None)
    entries = list(AuditEntry.objects.filter(record_key=key).exclude(action=AuditEntry.REFUSED)
                   .order_by("when", "id"))
    if record is None and not entries:
        raise Http404("No such record")
    current = Y.to_json(record.values(fv.data)) if record else None
    versions = []
    if entries and entries[0].before is not None:
        first = entries[0]
        versions.append({"entry": first, "which": "before", "values": first.before,
                         "label": "Before the first change the console saw", "when": None, "who": ""})
    for e in entries:
        if e.after is None:
            continue
        versions.append({"entry": e, "which": "after", "values": e.after, "when": e.when,
                         "who": e.username or "edited in the file", "label": e.get_action_display(),
                         "changes": entry_changes(e, record), "summary": e.summary})
    for v in versions:
        v["live"] = v["values"] == current
    versions.reverse()
    return render(request, "staff/history.html", {
        "record": record, "key": key, "versions": versions,
        "can_edit": bool(record) and roles.can_edit(request.user, record.file)})


@require_POST
def restore_view(request: HttpRequest, key: str, entry_id: int, which: str) -> HttpResponse:
    record, _ = _record_or_404(key)
    if not roles.can_edit(request.user, record.file):
        raise PermissionDenied("Your role may not change this.")
    entry = AuditEntry.objects.filter(pk=entry_id, record_key=key).first()
    if entry is None or which not in ("before", "after"):
        raise Http404("No such version")
    snapshot = entry.before if which == "before" else entry.after
    if not isinstance(snapshot, dict):
        raise Http404("That version has no content")
    values = {f.name: R.from_json(f, snapshot.get(f.name)) for f in record.fields if f.name in snapshot}
    when = timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M")
    label = f"the version before the change of {when}" if which == "before" else f"the version of {when}"
    result = store.publish(key, values, request.user, action=AuditEntry.RESTORE,
                           summary=f"restored {label} ({entry.username or 'file edit'})")
    if result.published:
        messages.success(request, f"Restored {label}. The assistant uses it from the next message on.")
        return redirect("record", key=key)
    problems = [p["message"] for ps in result.field_problems.values() for p in ps if p["severity"] == "error"]
    problems += [p["text"] for p in result.record_problems + result.other_problems if p["severity"] == "error"]
    messages.error(request, f"Could not restore {label}: {result.message} " + " ".join(problems[:5]))
    return redirect("history", key=key)


@require_GET
def audit_view(request: HttpRequest) -> HttpResponse:
    store.sync_external()
    qs = AuditEntry.objects.all()
    kind = request.GET.get("kind", "content")
    if kind == "content":
        qs = qs.filter(action__in=AuditEntry.CONTENT_ACTIONS + (AuditEntry.REFUSED,))
    elif kind == "signin":
        qs = qs.filter(action__in=(AuditEntry.LOGIN, AuditEntry.LOGIN_FAILED, AuditEntry.LOCKED,
                                   AuditEntry.LOGOUT))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = []
    for e in page.object_list:
        found = store.find_record(e.record_key) if e.record_key else None
        rows.append({"entry": e, "changes": entry_changes(e, found[0] if found else None)
                     if e.action in AuditEntry.CONTENT_ACTIONS + (AuditEntry.REFUSED,) else []})
    return render(request, "staff/audit.html", {"page": page, "rows": rows, "kind": kind})


# --------------------------------------------------------------------------
# What visitors ask


def _period(request: HttpRequest) -> tuple:
    until = analytics.parse_date(request.GET.get("until"))
    since = analytics.parse_date(request.GET.get("since"))
    if "since" not in request.GET and "until" not in request.GET:
        since = timezone.localdate() - timedelta(weeks=12)
    return since, until


@require_GET
@permission_required("staff.view_analytics", raise_exception=True)
def analytics_view(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    figs = analytics.load(since, until)
    context: Dict[str, Any] = {"since": since.isoformat() if since else "", "until": until.isoformat() if until
                               else "", "figs": figs}
    if "missing" not in figs:
        weeks = figs["weeks"][-12:]
        offset = len(figs["weeks"]) - len(weeks)
        top = figs["topics"][:15]
        context["topic_chart"] = charts.bar_chart(
            "chart-topics", "Questions per topic", [(t["title"], t["count"]) for t in top],
            total=sum(t["count"] for t in figs["topics"]) or None)
        context["week_chart"] = charts.heatmap(
            "chart-weeks", "Questions per topic per week", [(t["title"], t["per_week"][offset:]) for t in top],
            [w[5:].replace("-", "/") for w in weeks])
        context["weeks"] = weeks
        context["week_rows"] = [(t["title"], t["per_week"][offset:]) for t in top]
        context["unanswered_chart"] = charts.bar_chart(
            "chart-unanswered", "Unanswered questions, grouped by similarity",
            [(g["example"], g["count"]) for g in figs["groups"][:10]], color=charts.BAR_2, label_width=330)
        started = figs["funnel"][0]["count"] or None
        context["funnel_chart"] = charts.bar_chart(
            "chart-funnel", "Pre-screen funnel", [(s["label"], s["count"]) for s in figs["funnel"]],
            total=started)
        context["outcome_chart"] = charts.bar_chart(
            "chart-outcomes", "Pre-screen outcomes", [(o["label"], o["count"]) for o in figs["outcomes"]],
            total=sum(o["count"] for o in figs["outcomes"]) or None)
        context["language_chart"] = charts.split_bar(
            "chart-languages", "Language of typed messages", [(x["label"], x["count"]) for x in figs["languages"]])
        context["safety_chart"] = charts.bar_chart(
            "chart-safety", "Safety replies (counts only)", [(x["label"], x["count"]) for x in figs["safety"]],
            color=charts.BAR_2, label_width=300)
    return render(request, "staff/analytics.html", context)


@require_GET
@permission_required("staff.view_analytics", raise_exception=True)
def analytics_csv(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(analytics.csv_rows(since, until))
    name = f"visitors-{since or 'start'}-to-{until or dt.date.today()}.csv"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
