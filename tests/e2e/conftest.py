"""Real-browser tests: Playwright (Python) driving Debian's Chromium against a live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import missing_package

CHROMIUM = "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def pytest_collection_modifyitems(config, items):
    """Without Debian's Chromium the browser tests skip, announced with the package to install
    (scripts/test.sh installs it when it runs as root, .ci/run always)."""
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=missing_package("chromium"))
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM refuses to
    # run under a running loop unless told it is safe (the loop only drives the browser). Set
    # only while a browser module runs, so it never leaks into other tests' subprocesses.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    user_data = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(user_data),
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            viewport={"width": 1360, "height": 900},
            locale="cs-CZ",
            accept_downloads=True,
        )
        yield context
        context.close()
    shutil.rmtree(user_data, ignore_errors=True)
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


@pytest.fixture
def shot():
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def login(page, live_server, username: str, password: str = "demo-heslo-2026"):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def logout(page, live_server):
    page.context.clear_cookies()


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core 4.10.3 from npm (MPL-2.0)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A + AA, no rule disabled) on the page; evaluated through the
    DevTools protocol, so the page's own Content-Security-Policy does not block it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
        if not getattr(page.context, "_osv_axe", False):  # every later page gets it at load
            page.context.add_init_script(path=str(AXE))
            page.context._osv_axe = True
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    return result


def assert_accessible(page, where: str = ""):
    violations = axe_violations(page)
    assert not violations, f"axe ({where or page.url}): " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {v['nodes']}" for v in violations)


class Journey:
    """A person's way through the product: only clicks on what the page shows (links, buttons,
    selects, checkboxes) — never a typed URL after the login — each counted; axe runs on every
    page the journey reaches."""

    def __init__(self, page, live_server):
        self.page = page
        self.live_server = live_server
        self.clicks = 0
        self.pages: list[str] = []

    def login(self, username: str):
        self.page.context.clear_cookies()
        login(self.page, self.live_server, username)
        self._arrived()

    def _arrived(self):
        self.page.wait_for_load_state("networkidle")
        self.pages.append(self.page.url)
        assert_accessible(self.page)

    def click(self, selector: str, *, navigates: bool = True):
        self.clicks += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.locator(selector).first.click()
            self._arrived()
        else:
            self.page.locator(selector).first.click()

    def select(self, name: str, values):
        """A select; a searchable multi-select (``SearchableSelectMultiple``) is ticked box by box,
        one click per value."""
        select = self.page.locator(f"select[name={name}]")
        if select.get_attribute("data-osv-multiselect") == "ready":
            for value in [values] if isinstance(values, str) else values:
                self.clicks += 1
                self.page.locator(f"[data-osv-multiselect-for={name}] input[type=checkbox][value='{value}']").check()
            return
        self.clicks += 1
        self.page.select_option(f"select[name={name}]", values)

    def check(self, selector: str):
        self.clicks += 1
        self.page.locator(selector).first.check()

    def fill(self, name: str, value: str):
        self.page.locator(f"[name={name}]").first.fill(value)

    def submit(self, label: str = ""):
        """The form's main button (typing is not a click, pressing the button is)."""
        selector = f"form.osv-form button[type=submit]:has-text('{label}')" if label else \
            "main form.osv-form .actions button[type=submit]"
        self.click(selector)

    def reload(self):
        """Waiting for the worker: a person presses F5 (counted as a click)."""
        self.clicks += 1
        self.page.reload()
        self._arrived()

    def h1(self) -> str:
        return self.page.locator("h1").first.inner_text()
