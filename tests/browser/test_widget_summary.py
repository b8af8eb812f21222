"""Issue 13, item 6, in the widget: "Copy summary" under the pre-screen summary (with a "Copied" status
that screen readers announce), and tap-to-call / mailto / 988lifeline.org links in bot text.

Runs against fake_rasa.py (its own web/serve.py): the fake sends the summary, then the custom marker
exactly as Rasa's socket.io output does (a `bot_uttered` whose payload is
{"kind": "prescreen_summary", "summary": ...} with no text), then the hand-off.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

SUMMARY_LINES = "- Type of neuropathy: Diabetic\n- Diabetes: Yes, type 2 (\"about 5 years\")\n- Latest A1c: 9–10%"
CLIPBOARD = ["clipboard-read", "clipboard-write"]

# Records what a `copy` event copied (the textarea fallback's selection), for the fallback test.
COPY_RECORDER = """
document.addEventListener('copy', function () {
  var a = document.activeElement;
  window.__copied = (a && typeof a.value === 'string')
    ? a.value.slice(a.selectionStart, a.selectionEnd) : String(document.getSelection());
}, true);
"""
NO_CLIPBOARD_API = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined, configurable: true});"


def summary_reply(widget):
    before = widget.bot.count()
    widget.send("summary please")
    new = widget.new_bot_messages(before)
    # the summary and the hand-off: the marker is not a bubble of its own
    assert len(new) == 2, [m.inner_text() for m in new]
    summary, handoff = new
    expect(summary.locator(".bgw-text")).to_contain_text("Here is a summary of your answers")
    expect(handoff.locator("a.bgw-linkbtn")).to_have_count(1)
    return summary, handoff


def assert_no_empty_bubble(widget) -> None:
    for i in range(widget.bot.count()):
        text = widget.bot.nth(i).locator(".bgw-text")
        assert text.count() == 1 and text.inner_text().strip(), f"bot message {i} has no text"


def test_copy_summary_copies_the_marked_lines_and_says_copied(fake_stack, make_page, make_widget, run_axe,
                                                               screenshots_dir):
    page = make_page(permissions=CLIPBOARD)
    page.add_init_script(COPY_RECORDER)
    widget = make_widget(page).goto(fake_stack.web_url).open()
    summary, handoff = summary_reply(widget)
    expect(widget.typing).to_be_hidden()
    assert_no_empty_bubble(widget)

    # one "Copy summary" button, under the summary bubble (not under the hand-off)
    button = summary.get_by_role("button", name="Copy summary")
    expect(button).to_be_visible()
    expect(widget.log.get_by_role("button", name="Copy summary")).to_have_count(1)
    expect(handoff.get_by_role("button", name="Copy summary")).to_have_count(0)
    assert summary.evaluate(
        "row => row.querySelector('.bgw-bubble').getBoundingClientRect().bottom"
        " <= row.querySelector('.bgw-copybtn').getBoundingClientRect().top"
    ), "the button is under the summary"

    status = summary.locator(".bgw-copy-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")
    page.evaluate("navigator.clipboard.writeText('something else')")

    button.click()
    expect(status).to_have_text("Copied")
    expect(status).to_be_visible()
    expect(summary.get_by_role("status")).to_have_text("Copied")  # exposed to assistive technology
    assert page.evaluate("navigator.clipboard.readText()") == SUMMARY_LINES
    assert page.evaluate("typeof window.__copied") == "undefined", "copied through navigator.clipboard"

    assert run_axe(page) == [], "widget with the summary, its button and the Copied status"
    summary.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / "summary-copied-1280.png"))

    # a reload in the same tab keeps the button on the summary
    page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.log.get_by_role("button", name="Copy summary")).to_have_count(1)
    restored = widget.bot.filter(has=page.get_by_role("button", name="Copy summary"))
    expect(restored.locator(".bgw-text")).to_contain_text("Here is a summary of your answers")


def test_copy_summary_falls_back_to_a_textarea_without_the_clipboard_api(fake_stack, make_page, make_widget):
    page = make_page()
    page.add_init_script(NO_CLIPBOARD_API)
    page.add_init_script(COPY_RECORDER)
    widget = make_widget(page).goto(fake_stack.web_url).open()
    assert page.evaluate("navigator.clipboard") is None
    summary, _ = summary_reply(widget)
    button = summary.get_by_role("button", name="Copy summary")
    button.click()
    expect(summary.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("window.__copied") == SUMMARY_LINES
    expect(button).to_be_focused()  # focus comes back from the hidden textarea
    expect(page.locator(".bgw-copy-buffer")).to_have_count(0)


def test_the_rest_shape_of_the_marker_is_read_too(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    before = widget.bot.count()
    widget.send("rest summary please")
    new = widget.new_bot_messages(before)
    assert len(new) == 1
    expect(new[0].get_by_role("button", name="Copy summary")).to_be_visible()
    assert_no_empty_bubble(widget)


def test_a_custom_message_alone_hides_the_typing_indicator_and_adds_no_bubble(fake_stack, fake_page, make_widget):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    before = widget.bot.count()
    widget.send("marker only please", wait=False)
    expect(widget.typing).to_be_visible()
    expect(widget.typing).to_be_hidden(timeout=10_000)  # hidden by the marker, long before the 30 s timeout
    fake_page.wait_for_timeout(500)
    expect(widget.bot).to_have_count(before)
    # the marker follows the visitor's message, so there is no summary to attach it to
    expect(widget.log.get_by_role("button", name="Copy summary")).to_have_count(0)
    expect(widget.log.locator(".bgw-system")).to_have_count(0)
    assert_no_empty_bubble(widget)


def test_phone_numbers_988_911_email_and_lifeline_are_links(fake_stack, fake_page, make_widget, run_axe):
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    widget.send("contact please")
    text = widget.bot.last.locator(".bgw-text")

    expected = [
        ("(555) 010-0199", "tel:+15550100199"),
        ("555-010-0199", "tel:+15550100199"),
        ("intake@clinic.example.com", "mailto:intake@clinic.example.com"),
        ("1-800-222-1222", "tel:+18002221222"),
        ("988", "tel:988"),
        ("988lifeline.org", "https://988lifeline.org/"),
        ("911", "tel:911"),
    ]
    links = text.locator("a")
    expect(links).to_have_count(len(expected))  # 9.11, $911, 1988 and the markup stay plain text
    for i, (label, href) in enumerate(expected):
        link = links.nth(i)
        expect(link).to_have_attribute("href", href)
        visible = link.evaluate("a => [...a.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')")
        assert visible == label
        if href.startswith("https:"):
            expect(link).to_have_attribute("target", "_blank")
            expect(link).to_have_attribute("rel", "noopener noreferrer")
            expect(link).to_contain_text("(opens in a new tab)")
        else:  # tel: and mailto: open the phone or mail app, not a tab
            assert link.get_attribute("target") is None
    # the text is unchanged and still text only: links are the only elements besides the hidden label
    content = text.evaluate("el => el.textContent")
    assert "Call us at (555) 010-0199 or 555-010-0199" in content
    assert "Not numbers: A1c 9.11, $911, 1988, <b>bold</b>." in content
    assert text.locator(":scope *:not(a):not(a *)").count() == 0
    assert widget.log.locator("b").count() == 0

    assert run_axe(fake_page) == [], "widget with tel:, mailto: and https links in a bot message"


def test_user_text_gets_no_tap_to_call_links(fake_stack, fake_page, make_widget):
    """Only the assistant's text gets tel: and mailto: links; the visitor's own words stay as typed."""
    widget = make_widget(fake_page).goto(fake_stack.web_url).open()
    widget.send("my number is 555-010-0199, email me at me@example.org")
    expect(widget.user.last.locator("a")).to_have_count(0)
    expect(widget.user.last.locator(".bgw-text")).to_have_text(re.compile(r"555-010-0199, email me at me@example\.org"))
