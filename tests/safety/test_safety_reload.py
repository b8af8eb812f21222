"""get_detector(): cached by file time, reloads edits, keeps the last good version."""
from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import yaml

from actions.safety import detector as safety
from actions.safety.detector import DEFAULT_SPEC_PATH, SafetySpecError, get_detector


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "safety.yml"
    path.write_text(DEFAULT_SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    safety.clear_cache()
    yield path
    safety.clear_cache()


def _touch_later(path: Path) -> None:
    """Make sure the file's time moves on even on a coarse-grained file system."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _add_pattern(path: Path, pattern: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["emergency"]["categories"][-1]["patterns"].append(pattern)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _touch_later(path)


def test_default_path_is_the_real_file():
    assert get_detector() is get_detector()
    assert get_detector().detect("I want to die").kind == "crisis"


def test_same_file_same_detector(spec_file):
    assert get_detector(spec_file) is get_detector(spec_file)


def test_edit_is_picked_up(spec_file):
    before = get_detector(spec_file)
    assert before.detect("the zebra alarm went off") is None
    _add_pattern(spec_file, r"\bzebra alarm\b")
    after = get_detector(spec_file)
    assert after is not before
    assert after.detect("the zebra alarm went off").kind == "emergency"


def test_invalid_edit_keeps_the_last_good_detector(spec_file, caplog):
    good = get_detector(spec_file)
    _add_pattern(spec_file, r"\bzebra (alarm")  # bad regex
    with caplog.at_level(logging.WARNING, logger="actions.safety.detector"):
        assert get_detector(spec_file) is good
    assert "keeping the last good version" in caplog.text
    assert get_detector(spec_file) is good  # and it does not re-read the bad file every time


def test_broken_yaml_keeps_the_last_good_detector(spec_file):
    good = get_detector(spec_file)
    spec_file.write_text("crisis: [unclosed\n", encoding="utf-8")
    _touch_later(spec_file)
    assert get_detector(spec_file) is good


def test_deleted_file_keeps_the_last_good_detector(spec_file):
    good = get_detector(spec_file)
    spec_file.unlink()
    assert get_detector(spec_file) is good


def test_fixed_file_is_loaded_again(spec_file):
    original = spec_file.read_text(encoding="utf-8")
    good = get_detector(spec_file)
    spec_file.write_text("crisis: [unclosed\n", encoding="utf-8")
    _touch_later(spec_file)
    assert get_detector(spec_file) is good
    spec_file.write_text(original, encoding="utf-8")
    _add_pattern(spec_file, r"\bzebra alarm\b")
    assert get_detector(spec_file).detect("zebra alarm").kind == "emergency"


def test_first_load_of_a_bad_file_raises(tmp_path):
    safety.clear_cache()
    path = tmp_path / "safety.yml"
    path.write_text("crisis: {}\n", encoding="utf-8")
    with pytest.raises(SafetySpecError):
        get_detector(path)
