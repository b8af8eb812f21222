"""Read, check and publish content/*.yml: the same files and the same checks the assistant uses.

Publishing a change:
1. the record's new values are written into the current text of its file
   (only the values that changed; `yamledit` verifies the result);
2. the whole content folder is copied to a temporary folder with the new file
   in it, and that would-be folder is checked by scripts/check_content.py
   (the project's `validate_dir`, as `make check` and the assistant run it);
3. only if there is no error, the new file is written next to the old one
   under a temporary name and renamed over it (atomic), after making sure
   that no file changed meanwhile. The running assistant serves it from the
   next message on. A refused change writes nothing.

Edits made in the files directly are noticed (by comparing with the last
version the console saw) and recorded in the audit log as such.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml
from django.conf import settings
from django.db import transaction

from staff import records as R
from staff import yamledit as Y
from staff.checker import CheckUnavailable, get_checker
from staff.models import AuditEntry, FileState

logger = logging.getLogger(__name__)
STEMS = ("clinic", "faq", "messages", "prescreen", "safety")
_lock = threading.RLock()


def content_dir() -> Path:
    return Path(settings.CONTENT_DIR)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class FileView:
    stem: str
    text: str = ""
    sha: str = ""
    data: Any = None
    error: str = ""  # why the file cannot be read (then it has no records)

    @property
    def label(self) -> str:
        return f"content/{self.stem}.yml"


def read_file(stem: str) -> FileView:
    path = content_dir() / f"{stem}.yml"
    fv = FileView(stem)
    try:
        fv.text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fv.error = "the file is missing"
        return fv
    except (OSError, UnicodeDecodeError) as exc:
        fv.error = f"the file cannot be read ({type(exc).__name__})"
        return fv
    fv.sha = sha(fv.text)
    try:
        fv.data = Y.load(fv.text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        fv.error = f"YAML syntax error{f' on line {mark.line + 1}' if mark else ''}: {exc.problem or exc.context}"
    except yaml.YAMLError as exc:
        fv.error = f"YAML syntax error ({type(exc).__name__})"
    return fv


def read_all() -> Dict[str, FileView]:
    return {stem: read_file(stem) for stem in STEMS}


def all_records(files: Optional[Dict[str, FileView]] = None) -> List[Tuple[R.Record, FileView]]:
    files = files or read_all()
    out = []
    for stem in STEMS:
        fv = files[stem]
        for rec in R.records_of(stem, fv.data):
            out.append((rec, fv))
    return out


def find_record(key: str, files: Optional[Dict[str, FileView]] = None) -> Optional[Tuple[R.Record, FileView]]:
    stem = key.split(".", 1)[0]
    if stem not in STEMS:
        return None
    fv = (files or {}).get(stem) or read_file(stem)
    for rec in R.records_of(stem, fv.data):
        if rec.key == key:
            return rec, fv
    return None


def topic_ids(files: Optional[Dict[str, FileView]] = None) -> List[str]:
    fv = (files or {}).get("faq") or read_file("faq")
    topics = (fv.data or {}).get("topics") if isinstance(fv.data, dict) else None
    return [t["id"] for t in topics or [] if isinstance(t, dict) and isinstance(t.get("id"), str)]


_depth = threading.local()


@contextlib.contextmanager
def publishing_lock() -> Iterator[None]:
    """One publish at a time, across threads and processes (re-entrant within a thread)."""
    with _lock:
        if getattr(_depth, "n", 0):
            _depth.n += 1
            try:
                yield
            finally:
                _depth.n -= 1
            return
        lock_dir = Path(settings.VAR_DIR)
        lock_dir.mkdir(parents=True, exist_ok=True)
        with open(lock_dir / "publish.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _depth.n = 1
            try:
                yield
            finally:
                _depth.n = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------
# Edits made in the files directly


def sync_external() -> int:
    """Record edits made outside the console since it last looked; returns how many entries were written."""
    written = 0
    with publishing_lock():
        for stem in STEMS:
            fv = read_file(stem)
            if not fv.sha:
                continue
            state = FileState.objects.filter(file=stem).first()
            if state is None:
                FileState.objects.create(file=stem, sha=fv.sha, text=fv.text)
                continue
            if state.sha == fv.sha:
                continue
            written += _record_external(stem, state.text, fv)
            state.sha, state.text = fv.sha, fv.text
            state.save()
    return written


def _record_external(stem: str, old_text: str, fv: FileView) -> int:
    try:
        old_data = Y.load(old_text)
    except yaml.YAMLError:
        old_data = None
    common = dict(action=AuditEntry.EXTERNAL, file=stem, file_sha_before=sha(old_text), file_sha_after=fv.sha,
                  file_before=old_text, file_after=fv.text)
    if fv.data is None:
        AuditEntry.objects.create(**common, record_label=fv.label,
                                  summary=f"{fv.label} was changed in the file directly and now has an error "
                                          f"({fv.error}); the assistant keeps serving the last good version")
        return 1
    new_records = {r.key: r for r in R.records_of(stem, fv.data)}
    old_records = {r.key: r for r in R.records_of(stem, old_data)}
    n = 0
    with transaction.atomic():
        for key in list(new_records) + [k for k in old_records if k not in new_records]:
            new_rec, old_rec = new_records.get(key), old_records.get(key)
            before = Y.to_json(old_rec.values(old_data)) if old_rec else None
            after = Y.to_json(new_rec.values(fv.data)) if new_rec else None
            if before == after:
                continue
            rec = new_rec or old_rec
            AuditEntry.objects.create(**common, record_key=key, record_label=rec.title, before=before, after=after,
                                      summary="changed in the file directly" if new_rec and old_rec else
                                      ("added in the file directly" if new_rec else "removed in the file directly"))
            n += 1
        if n == 0:
            AuditEntry.objects.create(**common, record_label=fv.label,
                                      summary=f"{fv.label} was changed in the file directly (comments or layout)")
            n = 1
    return n


def remember(stem: str, text: str) -> None:
    FileState.objects.update_or_create(file=stem, defaults={"sha": sha(text), "text": text})


# --------------------------------------------------------------------------
# Checking a would-be version


@dataclass
class Result:
    ok: bool = False  # no error in the would-be content
    published: bool = False
    message: str = ""
    field_problems: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    record_problems: List[Dict[str, Any]] = field(default_factory=list)
    other_problems: List[Dict[str, Any]] = field(default_factory=list)  # errors elsewhere that block publishing
    grades: Dict[str, Optional[float]] = field(default_factory=dict)
    lengths: Dict[str, int] = field(default_factory=dict)
    preview: Optional[Dict[str, Any]] = None
    entry_id: Optional[int] = None

    def as_json(self) -> Dict[str, Any]:
        return {"ok": self.ok, "published": self.published, "message": self.message,
                "fields": self.field_problems, "record": self.record_problems, "other": self.other_problems,
                "grades": self.grades, "lengths": self.lengths, "preview": self.preview}


def _copy_content(target: Path) -> Dict[str, str]:
    """Copy the content folder; returns the sha of each file copied."""
    target.mkdir(parents=True)
    shas = {}
    for path in sorted(content_dir().iterdir()):
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            (target / path.name).write_bytes(data)
            shas[path.name] = hashlib.sha256(data).hexdigest()
    return shas


def _current_shas(names: List[str]) -> Dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = hashlib.sha256((content_dir() / name).read_bytes()).hexdigest()
        except OSError:
            out[name] = ""
    return out


def preview_request(record: R.Record, values: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    if record.preview is None:
        return None
    if record.preview.get("kind") in ("topic", "message"):
        return dict(record.preview)
    text = values.get("text") or values.get("message") or ""
    buttons = [{"title": b.get("title", "")} for b in values.get("buttons") or [] if isinstance(b, dict)]
    return {"kind": "text", "text": text if isinstance(text, str) else "", "buttons": buttons}


def map_problems(result: Result, record: R.Record, stem: str, problems: List[Dict[str, Any]]) -> None:
    fields = [(f, record.label_path(f)) for f in record.fields]
    root = Y.path_label(record.root)
    for p in problems:
        item = {"severity": p.get("severity"), "message": p.get("message"), "text": p.get("text"),
                "line": p.get("line"), "file": p.get("file")}
        if p.get("basename") == f"{stem}.yml":
            path = str(p.get("field") or "")
            hit = next((f for f, label in fields
                        if path == label or path.startswith(label + ".") or path.startswith(label + "[")), None)
            if hit is not None:
                result.field_problems.setdefault(hit.name, []).append(item)
                continue
            if root and (path == root or path.startswith(root + ".") or path.startswith(root + "[")):
                result.record_problems.append(item)
                continue
        if p.get("severity") == "error":
            result.other_problems.append(item)


def check(record: R.Record, fv: FileView, values: Dict[str, Any]) -> Tuple[Result, Optional[str]]:
    """Check the record's values as they would be published; returns (result, new file text)."""
    result = Result()
    current = record.values(fv.data)
    try:
        new_text = Y.apply(fv.text, R.changes_for(record, values, current, fv.text))
    except Y.EditError as exc:
        result.message = f"This change could not be written: {exc}. Nothing was changed."
        return result, None
    wording = [f for f in record.fields if f.kind == "wording"]
    texts = [values.get(f.name) if isinstance(values.get(f.name), str) else "" for f in wording]
    work = Path(tempfile.mkdtemp(prefix="check-", dir=_tmp_root()))
    try:
        folder = work / "content"
        _copy_content(folder)
        (folder / f"{fv.stem}.yml").write_text(new_text, encoding="utf-8")
        answer = get_checker().check(folder, grades=texts, preview=preview_request(record, values))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.ok = bool(answer.get("ok"))
    map_problems(result, record, fv.stem, answer.get("problems") or [])
    for f, grade, length in zip(wording, answer.get("grades") or [], answer.get("lengths") or []):
        result.grades[f.name] = grade
        result.lengths[f.name] = length
    result.preview = answer.get("preview")
    if not result.ok and not result.field_problems and not result.record_problems and result.other_problems:
        result.message = ("Other content has errors, so nothing can be published until they are fixed "
                          "(listed below).")
    return result, new_text


def _tmp_root() -> str:
    path = Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


# --------------------------------------------------------------------------
# Publishing


class Conflict(Exception):
    pass


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.console-{secrets.token_hex(4)}.tmp")
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # the same permissions as the file it replaces, whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def publish(key: str, values: Dict[str, Any], user: Any, *, expected: Optional[str] = None,
            action: str = AuditEntry.PUBLISH, summary: str = "") -> Result:
    """Check and publish one record's new values. `expected`: the record's fingerprint the editor saw."""
    sync_external()
    with publishing_lock():
        for _attempt in range(3):
            found = find_record(key)
            if found is None:
                return Result(message="This record no longer exists in the files.")
            record, fv = found
            current = record.values(fv.data)
            if expected is not None and Y.fingerprint(current) != expected:
                return Result(message="Someone changed this record since you opened it, so your change was not "
                                      "saved. Reload the page to see the current version, then make your change "
                                      "again.")
            changes = R.changes_for(record, values, current, fv.text)
            if not changes:
                return Result(ok=True, message="Nothing to publish: the values are the same as the live ones.")
            try:
                result, new_text = check(record, fv, values)
            except CheckUnavailable as exc:
                return Result(message=f"The content check could not run ({exc}). Nothing was changed.")
            before, after = Y.to_json(current), Y.to_json({**current, **{
                k: (None if v is Y.DELETE else Y._strip_comments(v)) for k, v in values.items()}})
            if not result.ok or new_text is None:
                problems = [p["text"] for ps in result.field_problems.values() for p in ps if p["severity"] == "error"]
                problems += [p["text"] for p in result.record_problems + result.other_problems
                             if p["severity"] == "error"]
                AuditEntry.objects.create(user=user, action=AuditEntry.REFUSED, file=fv.stem, record_key=key,
                                          record_label=record.title, before=before, after=after,
                                          summary="; ".join(problems)[:4000] or result.message)
                result.message = result.message or "Not published: fix the problems shown next to the fields."
                return result
            # nothing may have changed between the check and the swap
            names = sorted(p.name for p in content_dir().iterdir() if p.is_file() and not p.name.startswith("."))
            if read_file(fv.stem).sha != fv.sha:
                continue
            shas_now = _current_shas(names)
            _write_atomic(content_dir() / f"{fv.stem}.yml", new_text)
            if _current_shas([n for n in names if n != f"{fv.stem}.yml"]) != \
                    {n: s for n, s in shas_now.items() if n != f"{fv.stem}.yml"}:
                logger.warning("another content file changed while publishing; the next message re-checks all")
            remember(fv.stem, new_text)
            entry = AuditEntry.objects.create(
                user=user, action=action, file=fv.stem, record_key=key, record_label=record.title,
                summary=summary or f"published {record.title}", before=before, after=after,
                file_sha_before=fv.sha, file_sha_after=sha(new_text), file_before=fv.text, file_after=new_text)
            result.published = True
            result.entry_id = entry.pk
            result.message = "Published. The assistant uses it from the next message on."
            return result
        return Result(message="The file kept changing while publishing; nothing was changed. Try again.")


def content_status() -> Dict[str, Any]:
    """The check of the live content folder (for the dashboard)."""
    try:
        answer = get_checker().check(content_dir())
    except CheckUnavailable as exc:
        return {"available": False, "message": str(exc), "errors": [], "warnings": []}
    problems = answer.get("problems") or []
    return {"available": True, "ok": answer.get("ok"),
            "errors": [p for p in problems if p.get("severity") == "error"],
            "warnings": [p for p in problems if p.get("severity") != "error"]}
