"""Live content: edits are served at once, broken edits are refused."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from assistant.content.store import Content, ContentStore, clinic_from

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def dirs(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "content", tmp_path / "data"


def _touch_later(path: Path, text: str) -> None:
    path.write_text(text)
    stamp = time.time() + 2
    os.utime(path, (stamp, stamp))


def test_the_real_content_loads(dirs) -> None:
    content = ContentStore(*dirs, check_every=0).get()
    assert len(content.topics()) >= 28 and content.message("greeting")


def test_an_edit_is_served_on_the_next_read(dirs) -> None:
    content_dir, data_dir = dirs
    store = ContentStore(content_dir, data_dir, check_every=0)
    old = store.get().topic("cost")["answer"]
    faq = content_dir / "faq.yml"
    _touch_later(faq, faq.read_text().replace(old.split(".")[0], "Prices are not listed here", 1))
    assert store.get().topic("cost")["answer"].startswith("Prices are not listed here")


def test_a_broken_edit_is_refused_and_the_last_good_content_keeps_serving(dirs, caplog) -> None:
    content_dir, data_dir = dirs
    store = ContentStore(content_dir, data_dir, check_every=0)
    before = store.get()
    faq = content_dir / "faq.yml"
    _touch_later(faq, faq.read_text().replace("topics:", "topics: [", 1))
    assert store.get() is before
    assert "content edit refused" in caplog.text and "faq.yml" in caplog.text


def test_a_first_load_with_errors_fails_loudly(dirs) -> None:
    content_dir, data_dir = dirs
    (content_dir / "messages.yml").write_text("messages: {}\n")
    with pytest.raises(RuntimeError, match="make check"):
        ContentStore(content_dir, data_dir, check_every=0).get()


def test_environment_overrides_clinic_details() -> None:
    data = {"clinic": {"clinic": {"name": "A", "phone": "1"}}}
    assert clinic_from(data, {"CLINIC_PHONE": "(555) 999-0000"})["phone"] == "(555) 999-0000"
    assert clinic_from(data, {})["name"] == "A"


def test_render_fills_known_placeholders_and_leaves_others() -> None:
    content = Content(data={}, clinic={"name": "Clinic", "phone": "123"}, loaded_at=0)
    assert content.render("Call {clinic_name} at {phone}. {unknown}") == "Call Clinic at 123. {unknown}"
    assert content.render(None) == ""


def test_buttons_map_topics_intents_links_and_answers() -> None:
    data = {"faq": {"topics": [{"id": "cost", "title": "Cost"}]}}
    content = Content(data=data, clinic={"intake_url": "https://x.example/intake"}, loaded_at=0)
    buttons = content.buttons([{"topic": "cost"}, {"title": "Start", "intent": "start_prescreen"},
                               {"title": "Form", "url": "{intake_url}"}, {"title": "Yes"}, {"topic": "missing"}])
    assert buttons == [
        {"title": "Cost", "payload": "/faq_cost"},
        {"title": "Start", "payload": "/start_prescreen"},
        {"title": "Form", "url": "https://x.example/intake", "payload": "https://x.example/intake"},
        {"title": "Yes", "payload": "Yes"},
    ]
