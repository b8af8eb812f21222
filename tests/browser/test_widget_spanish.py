"""The widget in Spanish, in a real browser against the REAL servers (issue 14).

The language control switches the conversation and the widget's own words; every message
carries the `lang` of the language it is written in; axe finds nothing serious in Spanish;
a full Spanish pre-screen reaches the intake hand-off.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

# Pre-screen questions whose likely answer is No (an exclusion or something to check first)
ANSWER_NO = re.compile(r"quimio|infecci|c[aá]ncer|pinzado|cirug", re.I)
AVOID = re.compile(r"no s[eé]|no lo s[eé]|otra|no, gracias|comunicarse|cambiar", re.I)
INTAKE = re.compile(r"admisi[oó]n|intake", re.I)


def reply_buttons(message):
    return message.locator("button.bgw-reply")


def enabled_titles(message) -> list[str]:
    buttons = reply_buttons(message)
    return [buttons.nth(i).inner_text().strip() for i in range(buttons.count()) if buttons.nth(i).is_enabled()]


def choose(question: str, titles: list[str]) -> str:
    lowered = [t.lower() for t in titles]
    yes = next((t for t, low in zip(titles, lowered) if low.startswith("sí")), None)
    no = next((t for t, low in zip(titles, lowered) if low == "no" or low.startswith("no,")), None)
    if yes and no:
        return no if ANSWER_NO.search(question) else yes
    for title in titles:
        if not AVOID.search(title):
            return title
    return titles[0]


def switch_to_spanish(widget) -> None:
    page = widget.page
    control = page.locator(".bgw-lang")
    expect(control).to_have_text("Español")
    expect(control).to_have_attribute("lang", "es")
    before = widget.bot.count()
    control.click()
    widget.wait_for_reply(before)


def test_the_language_control_switches_labels_lang_and_replies(widget, run_axe):
    widget.open()
    page = widget.page
    expect(widget.panel).to_have_attribute("lang", "en")
    expect(widget.bot.first).to_have_attribute("lang", "en")
    switch_to_spanish(widget)

    # the widget's own words
    expect(widget.panel).to_have_attribute("lang", "es")
    expect(page.get_by_label("Escriba su mensaje")).to_be_visible()
    expect(page.locator(".bgw-input")).to_have_attribute("placeholder", "Escriba su pregunta…")
    expect(page.get_by_role("button", name="Enviar mensaje")).to_be_visible()
    expect(page.locator(".bgw-disclaimer")).to_have_text(
        "Solo información educativa, no es consejo médico. En una emergencia, llame al 911.")
    expect(page.locator(".bgw-contact")).to_contain_text("Comunicarse con la clínica")
    expect(page.locator(".bgw-restart")).to_contain_text("Terminar chat")
    expect(page.locator(".bgw-lang")).to_have_text("English")
    expect(page.locator(".bgw-lang")).to_have_attribute("lang", "en")
    # the reply is in Spanish and marked so; the greeting before it stays English
    expect(widget.bot.last).to_have_attribute("lang", "es")
    expect(widget.bot.last.locator(".bgw-text")).to_contain_text("Hola")
    expect(widget.bot.first).to_have_attribute("lang", "en")

    before = widget.bot.count()
    box = page.get_by_label("Escriba su mensaje")  # the Widget helper looks for the English label
    box.fill("¿cuántas sesiones se necesitan?")
    box.press("Enter")
    widget.wait_for_reply(before)
    expect(widget.bot.last).to_have_attribute("lang", "es")
    assert re.search(r"infusi[oó]n", widget.bot.last.inner_text(), re.I)
    assert run_axe(page) == [], "open widget in Spanish with a conversation"

    # and back
    before = widget.bot.count()
    page.locator(".bgw-lang").click()
    widget.wait_for_reply(before)
    expect(widget.panel).to_have_attribute("lang", "en")
    expect(page.get_by_label("Type your message")).to_be_visible()
    expect(widget.bot.last).to_have_attribute("lang", "en")


def test_a_full_spanish_prescreen_reaches_the_intake_hand_off(widget, screenshots_dir):
    widget.open()
    switch_to_spanish(widget)
    start = widget.bot.last.get_by_role("button", name=re.compile(r"candidat", re.I))
    widget.click_reply(start)
    for _ in range(20):
        cta = widget.bot.last.locator("a.bgw-linkbtn")
        if cta.count() and INTAKE.search(cta.first.inner_text() + " " + (cta.first.get_attribute("href") or "")):
            break
        with_buttons = [m for m in widget.new_bot_messages(0) if reply_buttons(m).count()]
        assert with_buttons, "the pre-screen stalled without buttons"
        current = with_buttons[-1]
        titles = enabled_titles(current)
        assert titles, "no answer buttons left"
        question = current.locator(".bgw-text").inner_text() if current.locator(".bgw-text").count() else ""
        widget.click_reply(current.get_by_role("button", name=choose(question, titles), exact=True))
    else:
        raise AssertionError("the Spanish pre-screen did not reach the intake hand-off in 20 answers")
    link = widget.bot.last.locator("a.bgw-linkbtn").filter(has_text=INTAKE).first
    expect(link).to_be_visible()
    expect(widget.bot.last).to_have_attribute("lang", "es")
    expect(widget.log.get_by_role("button", name="Copiar resumen")).to_have_count(1)
    for i in range(widget.bot.count() - 3, widget.bot.count()):
        expect(widget.bot.nth(i)).to_have_attribute("lang", "es")
    link.scroll_into_view_if_needed()
    widget.page.screenshot(path=str(screenshots_dir / "handoff-es-1280.png"))
