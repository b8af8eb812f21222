"""Browser tests for the chat widget (web/): pytest + Playwright (sync API) in Debian's Chromium.

Environment:
  CHROMIUM   Chromium executable (default /usr/bin/chromium); the tests skip only if it is missing.
  RASA_URL   the real Rasa server (default http://localhost:5005)
  WEB_URL    the widget server, web/serve.py (default http://localhost:8080)

test_widget.py runs against the real servers (`make run`, or `make test-e2e` which starts its own)
and skips with a message when they are not reachable.  test_widget_fake.py and test_widget_summary.py
start their own web/serve.py and a small fake socket.io server (fake_rasa.py) for what a real server
cannot be asked to do on demand (drop the connection, send hostile content, a summary with its custom
marker, contact details in every format).

Screenshots go to artifacts/screenshots/ (gitignored).  No test prints message texts.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
expect = sync_api.expect

REPO = Path(__file__).resolve().parents[2]
WEB_DIR = REPO / "web"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
RASA_URL = os.environ.get("RASA_URL", "http://localhost:5005").rstrip("/")
WEB_URL = os.environ.get("WEB_URL", "http://localhost:8080").rstrip("/")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPLY_TIMEOUT_MS = 45_000

# Records Content-Security-Policy violations; init scripts are not subject to the page's CSP.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                               source: e.sourceFile, line: e.lineNumber});
});
"""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --------------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (`apt-get install chromium`, "
            "which `make test` does) or set CHROMIUM=/path/to/chromium"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield b
        b.close()


class PageProbe:
    """Console errors, CSP violations and request origins seen by one page."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.csp_console: list[str] = []
        self.request_origins: set[str] = set()
        page.on("console", self._on_console)
        page.on("request", lambda r: self.request_origins.add(origin(r.url)) if r.url.startswith("http") or r.url.startswith("ws") else None)
        page.on("websocket", lambda ws: self.request_origins.add(origin(ws.url)))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text[:300])
        if "Content Security Policy" in msg.text or "Refused to" in msg.text:
            self.csp_console.append(msg.text[:300])

    def csp_violations(self) -> list:
        try:
            recorded = self.page.evaluate("window.__cspViolations || []")
        except Exception:  # page closed or navigating
            recorded = []
        return list(recorded) + self.csp_console


def new_page(browser, *, width=1280, height=800, **context_args):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US", timezone_id="America/New_York", **context_args
    )
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    page.probe = PageProbe(page)
    return context, page


# ---------------------------------------------------------------------- the widget
class Widget:
    """Drives the widget like a visitor would (locators by role and label where possible)."""

    def __init__(self, page):
        self.page = page
        self.launcher = page.locator(".bgw-launcher")
        self.panel = page.get_by_role("dialog")
        self.log = page.get_by_role("log")
        self.input = page.get_by_label("Type your message")
        self.send_button = page.get_by_role("button", name="Send message")
        self.bot = page.locator(".bgw-msg--bot")
        self.user = page.locator(".bgw-msg--user")
        self.typing = page.locator(".bgw-typing")
        self.notice = page.locator(".bgw-notice")

    def goto(self, base_url: str) -> "Widget":
        self.page.goto(base_url + "/")
        expect(self.launcher).to_be_visible()
        return self

    def open(self, *, greeting: bool = True) -> "Widget":
        before = self.bot.count()
        self.launcher.click()
        expect(self.panel).to_be_visible()
        if greeting:
            self.wait_for_reply(before)
        return self

    def wait_for_reply(self, before: int, timeout_ms: int = REPLY_TIMEOUT_MS) -> None:
        """Wait for at least one new bot message, then for the burst to finish."""
        expect(self.bot.nth(before)).to_be_visible(timeout=timeout_ms)
        stable_since = time.monotonic()
        count = self.bot.count()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(250)
            now = self.bot.count()
            if now != count:
                count, stable_since = now, time.monotonic()
            elif time.monotonic() - stable_since >= 1.0 and self.typing.is_hidden():
                return

    def send(self, text: str, *, wait: bool = True) -> None:
        before = self.bot.count()
        self.input.fill(text)
        self.input.press("Enter")
        if wait:
            self.wait_for_reply(before)

    def click_reply(self, button, *, wait: bool = True) -> None:
        before = self.bot.count()
        button.click()
        if wait:
            self.wait_for_reply(before)

    def new_bot_messages(self, before: int):
        return [self.bot.nth(i) for i in range(before, self.bot.count())]

    def session_id(self) -> str:
        return self.page.evaluate("window.BioGenesisChat.sessionId()")


# ---------------------------------------------------------------------- real servers
def _get(url: str, headers: dict | None = None, timeout: float = 5.0):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (local test servers)
        return response.status, response.read()


@pytest.fixture(scope="session")
def real_servers() -> dict:
    """The servers from `make run` / `make test-e2e`; skip with a clear message if they are not up."""
    handshake = f"{RASA_URL}/socket.io/?EIO=4&transport=polling"
    try:
        status, body = _get(handshake, headers={"Origin": origin(WEB_URL)})
    except urllib.error.HTTPError as exc:
        if exc.code in (400, 403):
            pytest.fail(
                f"Rasa at {RASA_URL} refuses the widget's origin {origin(WEB_URL)} (HTTP {exc.code}): "
                "add it to ALLOWED_ORIGINS"
            )
        pytest.skip(f"Rasa socket.io channel not available at {handshake} (HTTP {exc.code}); start it with `make run`")
    except (urllib.error.URLError, OSError) as exc:
        pytest.skip(f"Rasa server not reachable at {RASA_URL} ({exc}); start the servers with `make run`")
    if status != 200 or b'"sid"' not in body:
        pytest.skip(f"{handshake} did not answer a socket.io handshake; is the socket.io channel enabled?")
    try:
        status, body = _get(WEB_URL + "/")
    except (urllib.error.URLError, OSError) as exc:
        pytest.skip(f"Widget server not reachable at {WEB_URL} ({exc}); start it with `make run` (web/serve.py)")
    if b"widget.js" not in body:
        pytest.fail(f"{WEB_URL}/ does not embed widget.js: is WEB_URL pointing at web/serve.py?")
    try:
        _get(WEB_URL + "/vendor/socket.io.min.js")
    except urllib.error.HTTPError:
        pytest.fail(f"{WEB_URL}/vendor/socket.io.min.js is missing: run `node web/build.mjs` (make web)")
    _socketio_round_trip()
    return {"rasa": RASA_URL, "web": WEB_URL}


def _socketio_round_trip(timeout: float = 45.0) -> None:
    """One /greet over socket.io, as the widget does, so a server-side fault is named plainly."""
    try:
        import threading

        import socketio
    except ImportError:  # python-socketio is a Rasa dependency; without it the browser tests still say enough
        return
    confirmed, replied = threading.Event(), threading.Event()
    session: dict = {}
    client = socketio.Client(reconnection=False)

    def on_confirm(data=None, *_):
        if isinstance(data, dict):
            session.update(data)
        confirmed.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", lambda *_: replied.set())
    try:
        client.connect(RASA_URL, headers={"Origin": origin(WEB_URL)}, transports=["polling"], wait_timeout=10)
        client.emit("session_request", {})
        if not confirmed.wait(10) or not session.get("token"):
            pytest.fail(f"Rasa at {RASA_URL} did not answer session_request with session_confirm {{session_id, token}}")
        client.emit("user_uttered", {"control": "greet", "session_id": session["session_id"],
                                     "token": session["token"]})
        if not replied.wait(timeout):
            pytest.fail(
                f"Rasa at {RASA_URL} confirmed the socket.io session but sent no bot_uttered within {timeout:.0f} s. "
                "With session_persistence the reply goes to the room named after the session id: the "
                "session_request handler must `await sio.enter_room(...)` (a coroutine in python-socketio 5; "
                "Rasa 3.6's handler does not await it). Otherwise check the action server."
            )
    except socketio.exceptions.ConnectionError as exc:
        pytest.fail(f"socket.io connection to {RASA_URL} from origin {origin(WEB_URL)} failed: {exc}")
    finally:
        try:
            client.disconnect()
        except Exception:
            pass


@pytest.fixture
def page(browser, real_servers):
    context, page = new_page(browser)
    yield page
    violations = page.probe.csp_violations()
    context.close()
    assert not violations, f"CSP violations: {violations}"


@pytest.fixture
def widget(page, real_servers) -> Widget:
    return Widget(page).goto(real_servers["web"])


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# ---------------------------------------------------------------------- fake servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _get(url, timeout=1.0)
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up")
            time.sleep(0.2)


class FakeStack:
    """fake_rasa.py + web/serve.py on free local ports, owned by the test session."""

    def __init__(self) -> None:
        self.rasa_port = free_port()
        self.web_port = free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.fake = None
        self.web = None

    def start_fake(self) -> None:
        self.fake = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("fake_rasa.py")), "--port", str(self.rasa_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_http(self.rasa_url + "/")

    def stop_fake(self) -> None:
        if self.fake and self.fake.poll() is None:
            self.fake.terminate()
            try:
                self.fake.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.fake.kill()
                self.fake.wait()
        self.fake = None

    def start(self) -> "FakeStack":
        if not (WEB_DIR / "public" / "vendor" / "socket.io.min.js").exists():
            pytest.fail("web/public/vendor/ is missing: run `cd web && npm ci && node build.mjs` (make web)")
        self.start_fake()
        env = dict(os.environ, WEB_HOST="127.0.0.1", WEB_PORT=str(self.web_port), RASA_PUBLIC_URL=self.rasa_url)
        self.web = subprocess.Popen(
            [sys.executable, str(WEB_DIR / "serve.py")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_http(self.web_url + "/healthz")
        return self

    def stop(self) -> None:
        self.stop_fake()
        if self.web and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(timeout=10)


@pytest.fixture(scope="module")
def fake_stack():
    pytest.importorskip("socketio", reason="python-socketio is needed for the fake server")
    pytest.importorskip("aiohttp", reason="aiohttp is needed for the fake server")
    stack = FakeStack().start()
    yield stack
    stack.stop()


@pytest.fixture
def fake_page(browser, fake_stack):
    context, page = new_page(browser)
    yield page
    violations = page.probe.csp_violations()
    context.close()
    assert not violations, f"CSP violations: {violations}"


def axe_serious(page, context_selector: str | None = None) -> list[dict]:
    """Run axe-core (served from web/public/vendor, so the page's CSP allows it)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/vendor/axe.min.js")
    result = page.evaluate(
        """async (ctx) => {
          const r = await axe.run(ctx || document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
          });
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        context_selector,
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def pretty(value) -> str:
    return json.dumps(value, indent=2)


# Helpers as fixtures, so test modules never import conftest.
@pytest.fixture
def make_page(browser):
    """Factory for extra pages (other viewports, reloads in a fresh browser); all closed and CSP-checked."""
    made = []

    def factory(**kwargs):
        context, page = new_page(browser, **kwargs)
        made.append((context, page))
        return page

    yield factory
    problems = []
    for context, page in made:
        problems += page.probe.csp_violations()
        context.close()
    assert not problems, f"CSP violations: {problems}"


@pytest.fixture
def make_widget():
    return Widget


@pytest.fixture
def run_axe():
    return axe_serious
