"""The chat widget in a real browser against the REAL servers (Rasa on RASA_URL, web/serve.py on WEB_URL).

Skips (with the reason) when the servers are not reachable; `make test-e2e` starts them first.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

INTAKE = re.compile(r"intake", re.I)
# Pre-screen questions whose "good" answer is No (an exclusion or something to check first).
ANSWER_NO = re.compile(
    r"chemo|infection|cancer|tumou?r|pinch|compress|carpal|pregnan|dialysis|transplant|bleed|"
    r"stroke|heart|seizure|steroid|blood thinner|surgery|pressure on",
    re.I,
)
AVOID = re.compile(r"not sure|unsure|don.t know|other|stop|skip|contact|no thanks|cancel|later", re.I)


def reply_buttons(message):
    return message.locator("button.bgw-reply")


def enabled_titles(message) -> list[str]:
    buttons = reply_buttons(message)
    return [buttons.nth(i).inner_text().strip() for i in range(buttons.count()) if buttons.nth(i).is_enabled()]


def choose_answer(question: str, titles: list[str]) -> str:
    """Pick the answer a likely candidate would give, using only the question and the offered buttons."""
    lowered = [t.lower().rstrip(".!") for t in titles]
    yes = next((t for t, low in zip(titles, lowered) if low.startswith("yes")), None)
    no = next((t for t, low in zip(titles, lowered) if low == "no" or low.startswith("no,") or low.startswith("no ")), None)
    if yes and no:
        return no if ANSWER_NO.search(question) else yes
    for title in titles:
        if not AVOID.search(title):
            return title
    return titles[0]


def assert_safe_link(link) -> None:
    """http(s) links open safely in a new tab; tel: and mailto: (phone numbers, 988, 911, the email) do not."""
    href = link.get_attribute("href") or ""
    if urlsplit(href).scheme in ("tel", "mailto"):
        assert link.get_attribute("target") is None
        return
    assert_safe_external_link(link)


def assert_safe_external_link(link) -> None:
    href = link.get_attribute("href") or ""
    assert urlsplit(href).scheme in ("http", "https"), href
    assert link.get_attribute("target") == "_blank"
    rel = (link.get_attribute("rel") or "").split()
    assert "noopener" in rel and "noreferrer" in rel


# ---------------------------------------------------------------------------------- tests
def test_launcher_opens_an_accessible_dialog_with_the_greeting(widget):
    launcher = widget.launcher
    expect(launcher).to_have_attribute("aria-expanded", "false")
    panel_id = launcher.get_attribute("aria-controls")
    assert panel_id
    expect(widget.page.locator(f"#{panel_id}")).to_be_hidden()

    widget.open()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    panel = widget.page.locator(f"#{panel_id}")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("role", "dialog")
    heading = panel.get_by_role("heading", level=2)
    expect(heading).to_be_visible()
    assert panel.get_attribute("aria-labelledby") == heading.get_attribute("id")
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.input).to_be_focused()
    expect(widget.send_button).to_be_visible()
    expect(panel.get_by_text("Educational information only — not medical advice. In an emergency call 911.")).to_be_visible()
    expect(panel.get_by_role("button", name="Contact the clinic").last).to_be_visible()

    # The greeting comes from the bot (the widget sent /greet once), with topic buttons and a timestamp.
    greeting = widget.bot.first
    expect(greeting.locator(".bgw-text")).not_to_be_empty()
    assert reply_buttons(greeting).count() >= 1
    expect(greeting.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(widget.user).to_have_count(0)  # the /greet payload is not shown as a visitor message
    sid = widget.session_id()
    assert re.fullmatch(r"[0-9a-f]{32}", sid)


def test_question_gets_the_sessions_answer(widget):
    widget.open()
    before = widget.bot.count()
    widget.send("how many sessions are needed")
    expect(widget.user.last).to_contain_text("how many sessions are needed")
    answer = " ".join(m.inner_text() for m in widget.new_bot_messages(before))
    assert re.search(r"infusion", answer, re.I), "the sessions answer should mention infusions"


def test_quick_reply_is_disabled_after_use(widget):
    widget.open()
    greeting = widget.bot.first
    button = reply_buttons(greeting).first
    title = button.inner_text().strip()
    expect(button).to_be_enabled()
    widget.click_reply(button)
    expect(button).to_be_disabled()
    expect(button).to_have_class(re.compile(r"\bis-chosen\b"))
    # every button of that group is used up, the choice is shown as the visitor's message
    for i in range(reply_buttons(greeting).count()):
        expect(reply_buttons(greeting).nth(i)).to_be_disabled()
    expect(widget.user.last.locator(".bgw-text")).to_have_text(title)
    expect(widget.input).to_be_focused()


def test_prescreen_reaches_the_intake_hand_off(widget, screenshots_dir):
    widget.open()
    start = widget.bot.first.get_by_role("button", name=re.compile(r"candidate", re.I))
    widget.click_reply(start)
    for _ in range(20):
        last = widget.bot.last
        cta = widget.bot.last.locator("a.bgw-linkbtn")
        if cta.count() and INTAKE.search(cta.first.inner_text() + " " + (cta.first.get_attribute("href") or "")):
            break
        # the newest message with buttons holds the current question
        with_buttons = [m for m in widget.new_bot_messages(0) if reply_buttons(m).count()]
        assert with_buttons, f"pre-screen stalled without buttons: {last.inner_text()!r}"
        current = with_buttons[-1]
        titles = enabled_titles(current)
        assert titles, f"no answer buttons left; last bot message: {last.inner_text()!r}"
        question = current.locator(".bgw-text").inner_text() if current.locator(".bgw-text").count() else ""
        answer = choose_answer(question, titles)
        widget.click_reply(current.get_by_role("button", name=answer, exact=True))
    else:
        pytest.fail("the pre-screen did not reach the intake hand-off in 20 answers")

    link = widget.bot.last.locator("a.bgw-linkbtn").filter(has_text=INTAKE).first
    expect(link).to_be_visible()
    # the summary before the hand-off carries the "Copy summary" button (the server's custom marker
    # adds no bubble of its own); copying says "Copied" in a live region
    copy = widget.log.get_by_role("button", name="Copy summary")
    expect(copy).to_have_count(1)
    summary = widget.bot.filter(has=widget.page.get_by_role("button", name="Copy summary"))
    assert re.search(r"summary", summary.locator(".bgw-text").inner_text(), re.I)
    empty = widget.page.evaluate(
        "() => [...document.querySelectorAll('.bgw-msg--bot')].filter(row =>"
        " !(row.querySelector('.bgw-text') || {textContent: ''}).textContent.trim()"
        " && !row.querySelector('.bgw-replies, .bgw-links')).length"
    )
    assert empty == 0, "a bot bubble with nothing in it"
    copy.click()
    expect(summary.get_by_role("status")).to_have_text("Copied")
    assert_safe_external_link(link)
    expect(link).to_have_class(re.compile(r"\bbgw-cta\b"))  # the hand-off is the prominent button
    expect(link).to_contain_text("(opens in a new tab)")
    link.scroll_into_view_if_needed()
    widget.page.screenshot(path=str(screenshots_dir / "handoff-1280.png"))


def test_reload_keeps_the_conversation(widget):
    widget.open()
    widget.send("how many sessions are needed")
    sid = widget.session_id()
    bot_count, user_count = widget.bot.count(), widget.user.count()
    widget.page.reload()
    expect(widget.panel).to_be_visible()  # it was open, so it reopens
    expect(widget.bot).to_have_count(bot_count)
    expect(widget.user).to_have_count(user_count)
    assert widget.session_id() == sid
    # the same conversation goes on: a new question gets an answer in the same session
    widget.send("how long until it helps")
    assert widget.bot.count() > bot_count
    assert widget.session_id() == sid


def test_session_lives_in_this_tab_only(widget):
    """sessionStorage, not localStorage: a new tab (the next person at a shared computer) starts fresh."""
    widget.open()
    widget.send("how many sessions are needed")
    sid = widget.session_id()
    stored = widget.page.evaluate("[sessionStorage.getItem('bgw.session'), localStorage.length]")
    assert sid in (stored[0] or "") and stored[1] == 0
    assert re.search(r'"token":"[0-9a-f]{64}"', stored[0])
    other = widget.page.context.new_page()
    other.goto(widget.page.url)
    assert other.evaluate("sessionStorage.getItem('bgw.session')") is None
    other.close()


def test_end_chat_erases_the_conversation_and_the_session(widget):
    widget.open()
    widget.send("how many sessions are needed")
    old_sid = widget.session_id()
    widget.page.get_by_role("button", name="End chat").click()
    confirm = widget.page.get_by_role("button", name="Yes, end chat")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(widget.log).to_contain_text("erased", timeout=20_000)  # the server's confirmation
    expect(widget.log).to_contain_text("This chat has ended")
    expect(widget.user).to_have_count(0)
    stored = widget.page.evaluate(
        "[sessionStorage.getItem('bgw.session'), sessionStorage.getItem('bgw.transcript'), localStorage.length]"
    )
    assert stored == [None, None, 0]
    db = Path(os.environ.get("TRACKER_DB", "var/test-tracker.db"))
    if db.exists():  # against the servers of `make test-e2e`: nothing of it is left in the store
        con = sqlite3.connect(db)
        try:
            assert con.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (old_sid,)).fetchone()[0] == 0
        finally:
            con.close()
    # a new message starts a new session with a new server-issued id
    widget.send("how many sessions are needed")
    new_sid = widget.session_id()
    assert new_sid != old_sid and re.fullmatch(r"[0-9a-f]{32}", new_sid)
    widget.page.reload()
    assert widget.session_id() == new_sid


def test_keyboard_only_flow(widget):
    page = widget.page
    page.locator("body").focus()
    # Tab until the launcher has focus (the page has its own links first)
    for _ in range(40):
        page.keyboard.press("Tab")
        if widget.launcher.evaluate("el => el === document.activeElement"):
            break
    expect(widget.launcher).to_be_focused()
    before = widget.bot.count()
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    widget.wait_for_reply(before)

    before = widget.bot.count()
    page.keyboard.type("how many sessions are needed")
    page.keyboard.press("Enter")
    expect(widget.user.last).to_contain_text("how many sessions are needed")
    widget.wait_for_reply(before)
    expect(widget.input).to_have_value("")

    # Tab moves on from the input to Send, then to Contact the clinic
    page.keyboard.press("Tab")
    expect(widget.send_button).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".bgw-footer").get_by_role("button", name="Contact the clinic")).to_be_focused()

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_markup_in_a_message_is_shown_as_text(widget):
    widget.open()
    hostile = "<img src=x onerror=window.__xss=1> hello"
    widget.send(hostile)
    expect(widget.user.last.locator(".bgw-text")).to_have_text(hostile)
    assert widget.page.evaluate("typeof window.__xss") == "undefined"
    assert widget.log.locator("img").count() == 0
    assert widget.page.locator(".bgw-root img, .bgw-root script").count() == 0


def test_contact_the_clinic_control(widget):
    widget.open()
    before = widget.bot.count()
    footer_button = widget.page.locator(".bgw-footer").get_by_role("button", name="Contact the clinic")
    footer_button.click()
    widget.wait_for_reply(before)
    expect(widget.user.last.locator(".bgw-text")).to_have_text("Contact the clinic")
    for link in widget.log.locator("a").all():
        assert_safe_link(link)
    reply = widget.new_bot_messages(before)
    texts = [m.locator(".bgw-text") for m in reply if m.locator(".bgw-text").count()]
    # the phone number is tap-to-call, the email a mailto: link
    assert any(t.locator('a[href^="tel:+1"]').count() for t in texts), "no tap-to-call link for the phone number"
    assert any(t.locator('a[href^="mailto:"]').count() for t in texts), "no mailto: link for the email"
    # the intake form is the button under the text, not a raw URL printed above it
    assert not any(re.search(r"https?://", t.inner_text()) for t in texts)
    expect(widget.bot.last.locator("a.bgw-linkbtn").filter(has_text=INTAKE)).to_have_count(1)


def test_axe_reports_no_serious_or_critical_violations(widget, run_axe, make_page, make_widget, real_servers):
    assert run_axe(widget.page) == [], "closed widget"
    widget.open()
    widget.send("how many sessions are needed")
    assert run_axe(widget.page) == [], "open widget with a conversation"
    # and on a phone-sized screen
    small = make_widget(make_page(width=375, height=740)).goto(real_servers["web"]).open()
    assert run_axe(small.page) == [], "open widget at 375 px"


def test_security_headers_csp_and_no_third_party_requests(widget, real_servers):
    response = widget.page.request.get(real_servers["web"] + "/")
    csp = response.headers.get("content-security-policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") == "no-referrer"

    widget.open()
    widget.send("how many sessions are needed")
    assert widget.page.probe.csp_violations() == []
    assert not [e for e in widget.page.probe.console_errors if "Content Security Policy" in e]
    rasa = urlsplit(widget.page.locator("script[data-server-url]").get_attribute("data-server-url"))
    web = urlsplit(real_servers["web"])
    allowed = {
        f"{web.scheme}://{web.netloc}",
        f"{rasa.scheme}://{rasa.netloc}",
        f"{'wss' if rasa.scheme == 'https' else 'ws'}://{rasa.netloc}",
    }
    assert widget.page.probe.request_origins <= allowed, widget.page.probe.request_origins - allowed
    # no inline script or style in the served page
    html = response.text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html


@pytest.mark.parametrize("width,height", [(320, 640), (640, 400)], ids=["320px", "200pct-zoom"])
def test_small_screen_and_zoom(width, height, make_page, make_widget, real_servers):
    """320 px wide (WCAG reflow) and a 1280x800 screen at 200% zoom (a 640x400 CSS viewport)."""
    scale = 2 if width == 640 else 1
    page = make_page(width=width, height=height, device_scale_factor=scale)
    widget = make_widget(page).goto(real_servers["web"]).open()
    widget.send("how many sessions are needed")
    box = widget.panel.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["width"] <= width + 0.5 and box["height"] <= height + 0.5
    assert box["width"] >= width - 1, "the panel fills small viewports"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no horizontal scrolling"
    expect(widget.input).to_be_in_viewport()
    expect(widget.send_button).to_be_in_viewport()
    # every control in the panel is at least 44x44 CSS px (inline text links are exempt)
    small = page.evaluate(
        """() => [...document.querySelectorAll('.bgw-root button, .bgw-root .bgw-linkbtn, .bgw-root textarea')]
              .filter(el => el.offsetParent !== null)
              .map(el => [el.className, el.getBoundingClientRect().width, el.getBoundingClientRect().height])
              .filter(([, w, h]) => w < 44 || h < 44)"""
    )
    assert small == []
    page.keyboard.press("Escape")
    expect(widget.launcher).to_be_focused()


def test_reduced_motion_is_respected(make_page, make_widget, real_servers):
    page = make_page(reduced_motion="reduce")
    widget = make_widget(page).goto(real_servers["web"]).open()
    assert widget.panel.evaluate("el => getComputedStyle(el).animationName") == "none"


def test_screenshots(make_page, make_widget, real_servers, screenshots_dir):
    for width, height in ((1280, 800), (375, 740)):
        page = make_page(width=width, height=height)
        widget = make_widget(page).goto(real_servers["web"])
        page.screenshot(path=str(screenshots_dir / f"page-{width}.png"))
        widget.open()
        widget.send("how many sessions are needed")
        path = screenshots_dir / f"widget-{width}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
