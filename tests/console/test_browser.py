"""The staff console in a real browser (Playwright driving Debian's chromium; no browser download).

The "goes live" test edits the timeline answer in the console and asks the
RUNNING assistant (`make test-console` starts it on test ports, serving the
same content folder): first through the real widget page, then the REST
channel, then it restores the earlier version and sees the old answer again.
"""
from __future__ import annotations

import json
import os
import re
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.console.conftest import PASSWORD, ROOT, make_user
from tests.console.seed import CRISIS_TEXT, EMERGENCY_TEXT, PERSONAL, PROBE_TEXT

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
RASA_URL = os.environ.get("RASA_URL", "").rstrip("/")
WEB_URL = os.environ.get("WEB_URL", "").rstrip("/")
REQUIRE_LIVE = os.environ.get("CONSOLE_REQUIRE_LIVE") == "1"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "console"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make chromium` installs Debian's chromium")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def site(live_server, settings, tmp_path: Path, seeded_db: Path):  # noqa: ANN001, ANN201
    """The console on a live test server, on its own content copy (or the one the test assistant serves)."""
    import shutil

    live_content = os.environ.get("CONTENT_DIR") if RASA_URL else None
    if live_content:
        settings.CONTENT_DIR = Path(live_content)
    else:
        settings.CONTENT_DIR = tmp_path / "content"
        shutil.copytree(ROOT / "content", settings.CONTENT_DIR)
    settings.TRACKER_DB = seeded_db
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    saved = {p.name: p.read_bytes() for p in Path(settings.CONTENT_DIR).glob("*.yml")}
    yield live_server.url
    for name, data in saved.items():  # leave the shared test content as it was
        path = Path(settings.CONTENT_DIR) / name
        if path.read_bytes() != data:
            path.write_bytes(data)


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(20_000)
    pg = context.new_page()
    errors: list = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    pg.console_errors = errors
    yield pg
    context.close()


def sign_in(page, base: str, username: str, password: str = PASSWORD, next_path: str = "/") -> None:  # noqa: ANN001
    page.goto(base + next_path)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def shot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# --------------------------------------------------------------------------- login


def test_login(page, site) -> None:  # noqa: ANN001
    make_user("erin", "editor")
    page.goto(site + "/content/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/content/"))
    sign_in(page, site, "erin", "not the password", next_path="/content/")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("User name").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/content/$"))
    expect(page.get_by_role("heading", name="Content", exact=True)).to_be_visible()
    expect(page.get_by_text("erin · Editor")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto(site + "/")
    expect(page).to_have_url(re.compile(r"/login/"))


# --------------------------------------------------------------------------- a role that may not edit safety


def test_editor_may_not_edit_safety(page, site) -> None:  # noqa: ANN001
    make_user("erin", "editor")
    sign_in(page, site, "erin", next_path="/content/safety.crisis/")
    expect(page.get_by_role("heading", name="Crisis: reply")).to_be_visible()
    expect(page.locator("#readonly-note")).to_contain_text("may not change this")
    expect(page.locator("#record-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    # even a hand-made request is refused
    status = page.evaluate("""async () => {
        const r = await fetch('/content/safety.crisis/', {method: 'POST', body: new URLSearchParams({f_message: 'x'})});
        return r.status; }""")
    assert status == 403
    page.goto(site + "/content/?group=safety")
    expect(page.get_by_text("Read only for your role")).to_be_visible()


# --------------------------------------------------------------------------- refused edit


def test_refused_edit_shows_its_error_next_to_the_field(page, site, settings) -> None:  # noqa: ANN001
    make_user("erin", "editor")
    faq = Path(settings.CONTENT_DIR) / "faq.yml"
    before = faq.read_bytes()
    sign_in(page, site, "erin", next_path="/content/faq.timeline/")
    answer = page.get_by_label("Answer", exact=True)
    answer.fill("Please call {phone_number} to ask how long it takes.")
    # checked as you type ...
    problems = page.locator("#problems-answer")
    expect(problems).to_contain_text("unknown placeholder {phone_number}")
    expect(page.locator("#preview-text")).to_contain_text("{phone_number}")
    # ... and refused on Publish, with the error next to the field
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#check-status")).to_contain_text("Not published")
    expect(problems).to_contain_text("unknown placeholder {phone_number}")
    expect(page.get_by_label("Answer", exact=True)).to_have_attribute("aria-invalid", "true")
    shot(page, "refused-edit")
    assert faq.read_bytes() == before


# --------------------------------------------------------------------------- goes live, then restore


def _ask_rest(text: str) -> str:
    body = json.dumps({"sender": "console-" + uuid.uuid4().hex, "message": text}).encode()
    req = urllib.request.Request(RASA_URL + "/webhooks/rest/webhook", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 - the local test server
        return "\n".join(m.get("text") or "" for m in json.loads(r.read()))


def _wait_for_rest(marker: str, present: bool = True, seconds: float = 10.0) -> str:
    deadline = time.monotonic() + seconds
    text = _ask_rest("/faq_timeline")
    while (marker in text) != present and time.monotonic() < deadline:
        time.sleep(0.3)
        text = _ask_rest("/faq_timeline")
    return text


def _ask_widget(browser, question: str, marker: str) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        widget = context.new_page()
        widget.goto(WEB_URL + "/")
        widget.locator(".bgw-launcher").click()
        bot = widget.locator(".bgw-msg--bot")
        expect(bot.first).to_be_visible(timeout=45_000)  # the greeting
        widget.get_by_label("Type your message").fill(question)
        widget.get_by_label("Type your message").press("Enter")
        expect(bot.filter(has_text=marker)).to_have_count(1, timeout=45_000)
        shot(widget, "widget-live")
    finally:
        context.close()


def test_edit_goes_live_in_the_widget_and_restore(page, site, browser) -> None:  # noqa: ANN001
    if not RASA_URL or not WEB_URL:
        if REQUIRE_LIVE:
            pytest.fail("RASA_URL and WEB_URL are needed: `make test-console` starts the assistant")
        pytest.skip("no running assistant (RASA_URL, WEB_URL): run through `make test-console`")
    make_user("erin", "editor")
    marker = f"check {uuid.uuid4().int % 10000:04d}"
    new = ("Most people notice changes over several weeks to a few months. Nerves heal slowly, so results "
           f"build over time. Results vary from person to person ({marker}).")
    old = _ask_rest("/faq_timeline")
    assert marker not in old

    sign_in(page, site, "erin", next_path="/content/faq.timeline/")
    page.get_by_label("Answer", exact=True).fill(new)
    expect(page.locator("#preview-text")).to_contain_text(marker)  # the preview looks like the widget
    expect(page.locator("#meter-answer")).to_contain_text("reading grade")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Published")).to_be_visible()

    # the next message gets the new answer: in the real widget page, and through the REST channel
    _ask_widget(browser, "how long until it helps?", marker)
    assert marker in _wait_for_rest(marker)

    # roll back: restore the version before the change, in one click
    page.get_by_role("link", name=re.compile("History")).click()
    expect(page.get_by_text("live now")).to_be_visible()
    shot(page, "history")
    page.get_by_role("button", name=re.compile("Restore this version")).first.click()
    expect(page.get_by_role("status").filter(has_text="Restored")).to_be_visible()
    assert marker not in _wait_for_rest(marker, present=False)
    assert _ask_rest("/faq_timeline") == old
    page.goto(site + "/audit/")
    expect(page.get_by_role("cell", name=re.compile("Restored an earlier version"))).to_be_visible()


def test_restore_an_earlier_version(page, site, settings) -> None:  # noqa: ANN001
    make_user("lena", "lead")
    messages = Path(settings.CONTENT_DIR) / "messages.yml"
    original = messages.read_text()
    sign_in(page, site, "lena", next_path="/content/messages.thanks/")
    page.get_by_label("Text", exact=True).fill("You're welcome! Ask me anything else about neuropathy.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="Published")).to_be_visible()
    assert "Ask me anything else" in messages.read_text()
    page.goto(site + "/content/messages.thanks/history/")
    page.get_by_role("button", name=re.compile("Restore this version")).first.click()
    expect(page.get_by_role("status").filter(has_text="Restored")).to_be_visible()
    expect(page.get_by_label("Text", exact=True)).to_have_value(re.compile(r"^You're welcome! Is there anything"))
    assert messages.read_text() == original


# --------------------------------------------------------------------------- charts


def test_charts_render_from_seeded_conversations(page, site) -> None:  # noqa: ANN001
    make_user("erin", "editor")
    sign_in(page, site, "erin", next_path="/analytics/?since=2000-01-01")
    for chart in ("chart-topics", "chart-weeks", "chart-unanswered", "chart-funnel", "chart-outcomes",
                  "chart-languages", "chart-safety"):
        svg = page.locator(f"svg#{chart}")
        expect(svg).to_be_visible()
        assert svg.get_attribute("role") == "img"
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 30, chart
    # bars drawn from the data: 9 timeline questions over three weeks, started/finished pre-screens
    expect(page.locator("#chart-topics text", has_text="How long until it helps")).to_have_count(1)
    expect(page.locator("#chart-topics rect")).to_have_count(3)
    expect(page.locator("#chart-weeks rect")).to_have_count(9)
    expect(page.locator("#chart-funnel text", has_text="4 (100%)")).to_have_count(1)
    expect(page.locator("#chart-safety text", has_text="Crisis replies (988)")).to_have_count(1)
    html = page.content()
    for secret in [CRISIS_TEXT, EMERGENCY_TEXT, PROBE_TEXT, "zebra"] + PERSONAL:
        assert secret not in html
    assert "Under 10%" not in html
    shot(page, "analytics")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export to CSV").click()
    text = Path(download.value.path()).read_text()
    assert text.startswith("kind,rank,label") and "topic_week" in text


# --------------------------------------------------------------------------- accessibility


def _axe(page) -> list:  # noqa: ANN001
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


def test_axe_finds_no_violations(browser, site) -> None:  # noqa: ANN001
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make web` (axe-core comes from web/package-lock.json)")
    make_user("lena", "lead")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe
    try:
        pg = context.new_page()
        pg.goto(site + "/login/")
        found = {"/login/": _axe(pg)}
        sign_in(pg, site, "lena")
        for path in ("/", "/content/", "/content/faq.timeline/", "/content/messages.greeting/",
                     "/content/safety.crisis.suicide/", "/content/prescreen.question.ps_a1c/",
                     "/content/clinic/", "/content/faq.timeline/history/", "/audit/", "/analytics/?since=2000-01-01"):
            pg.goto(site + path)
            pg.wait_for_load_state("networkidle")
            found[path] = _axe(pg)
        violations = {path: v for path, v in found.items() if v}
        assert not violations, json.dumps(violations, indent=2)
    finally:
        context.close()
