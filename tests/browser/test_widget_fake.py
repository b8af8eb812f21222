"""Widget behaviour that needs a server under the test's control (fake_rasa.py + its own web/serve.py):
losing and regaining the connection, and hostile bot content.  Needs only Chromium, not the real servers.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_reconnecting_notice_and_automatic_recovery(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    sid = widget.session_id()

    fake_stack.stop_fake()
    expect(widget.notice).to_be_visible(timeout=20_000)
    expect(widget.notice).to_contain_text("Reconnecting…")
    expect(widget.notice).to_have_attribute("role", "status")

    # a message typed while offline is kept and sent once the server is back
    widget.input.fill("how many sessions are needed")
    widget.input.press("Enter")
    expect(widget.user.last).to_contain_text("how many sessions are needed")
    before = widget.bot.count()

    fake_stack.start_fake()
    expect(widget.notice).to_be_hidden(timeout=30_000)
    widget.wait_for_reply(before)
    expect(widget.bot.last).to_contain_text("infusion")
    assert widget.session_id() == sid


def test_hostile_bot_content_is_rendered_inert(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    widget.send("hostile please")
    message = widget.bot.last
    text = message.locator(".bgw-text")

    # markup stays text, newlines are kept, nothing runs
    expect(text).to_contain_text("<img src=x onerror=window.__xss=1>")
    expect(text).to_contain_text("<b>bold</b>")
    assert "\n" in text.evaluate("el => el.textContent")
    assert text.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"
    assert fake_page.evaluate("typeof window.__xss") == "undefined"
    assert widget.log.locator("img, b, script").count() == 0

    # the URL in the text becomes a safe link without the sentence's full stop; javascript: stays text
    links = text.locator("a")
    expect(links).to_have_count(1)
    expect(links.first).to_have_attribute("href", "https://clinic.example.com/faq?a=1&b=2")
    expect(links.first).to_have_attribute("target", "_blank")
    expect(links.first).to_have_attribute("rel", "noopener noreferrer")
    expect(text).to_contain_text("javascript:window.__xss=2")

    # link buttons: javascript: and data: dropped; a payload that is an https URL becomes a link
    buttons = message.locator("a.bgw-linkbtn")
    expect(buttons).to_have_count(1)
    expect(buttons.first).to_have_attribute("href", "https://www.fda.gov/")
    expect(buttons.first).to_have_attribute("rel", "noopener noreferrer")
    expect(message.get_by_role("button", name=re.compile("Evil|Data"))).to_have_count(0)
    # a button title with markup is a plain label
    expect(message.get_by_role("button", name="<img src=x onerror=window.__xss=4>")).to_be_visible()
    assert fake_page.evaluate("typeof window.__xss") == "undefined"


def test_typing_indicator_while_waiting(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    before = widget.bot.count()
    widget.send("slow please", wait=False)
    expect(widget.typing).to_be_visible()
    expect(widget.typing).to_contain_text("typing")
    widget.wait_for_reply(before)
    expect(widget.typing).to_be_hidden()
    expect(widget.bot.last.locator("time")).to_be_visible()


def test_end_chat_asks_first_and_escape_cancels(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    widget.send("how many sessions are needed")
    end = fake_page.get_by_role("button", name="End chat")
    end.click()
    expect(fake_page.get_by_role("button", name="Yes, end chat")).to_be_focused()
    fake_page.keyboard.press("Escape")
    expect(fake_page.get_by_role("button", name="Yes, end chat")).to_be_hidden()
    expect(end).to_be_focused()
    expect(widget.panel).to_be_visible()  # the first Escape only cancels the question
    expect(widget.user).to_have_count(1)


def test_end_chat_erases_and_forgets_the_session(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    widget.send("how many sessions are needed")
    old_sid = widget.session_id()
    fake_page.get_by_role("button", name="End chat").click()
    fake_page.get_by_role("button", name="Yes, end chat").click()
    expect(widget.log).to_contain_text("erased")
    expect(widget.log).to_contain_text("This chat has ended")
    expect(widget.user).to_have_count(0)
    stored = fake_page.evaluate("[sessionStorage.getItem('bgw.session'), sessionStorage.getItem('bgw.transcript'),"
                                " localStorage.length]")
    assert stored == [None, None, 0]
    assert widget.session_id() is None
    # a new message starts a new session
    widget.send("how many sessions are needed")
    assert widget.session_id() and widget.session_id() != old_sid


def test_a_refused_session_starts_a_new_one(fake_stack, fake_page, make_widget):
    """A stored session whose token the server does not accept is not resumed."""
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    sid = widget.session_id()
    fake_page.evaluate(
        "sid => sessionStorage.setItem('bgw.session', JSON.stringify({id: sid, token: '0'.repeat(64), greeted: true}))",
        sid,
    )
    fake_page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.log).to_contain_text("could not be continued")
    widget.send("how many sessions are needed")
    assert widget.session_id() != sid
