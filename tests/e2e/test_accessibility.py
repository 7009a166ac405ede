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

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    MAP_FRAME,
    REPO_ROOT,
    catalogue_cli,
    offline_page,
    start_app,
    stop_app,
)

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
    catalogue_cli(db, "init")
    catalogue_cli(db, "staff", "add", "ola", "--password-stdin", stdin=PASSWORD)
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base
    finally:
        stop_app(proc)


IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    return app && app.dataset.testScriptState === 'notRunning'
        && main && main.querySelector('[data-testid="stElementContainer"]')
        && !document.querySelector('[data-stale="true"]')
        && !document.querySelector(
            '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], '
            + '[data-testid="stAppSkeleton"]');
}"""


def settle(page, timeout: int = 60_000) -> None:
    """Wait until the script runs are over, widgets are drawn and every map has drawn.

    st_folium sends its first value back, which starts a second run: idle twice in a row.
    """
    page.wait_for_function(IDLE, timeout=timeout)
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(IDLE, timeout=timeout)
    for i in range(page.locator(MAP_FRAME).count()):
        page.frame_locator(MAP_FRAME).nth(i).locator(".leaflet-container").wait_for(timeout=timeout)
    page.wait_for_function(IDLE, timeout=timeout)


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


WIDTHS = ((1280, 900), (375, 780))


def check_both_widths(page, found: dict, name: str) -> None:
    """axe at laptop width, then at phone width (the same page, resized), then back."""
    for i, (width, height) in enumerate(WIDTHS):
        if i:
            page.set_viewport_size({"width": width, "height": height})
            settle(page)
        found[f"{name}@{width}"] = axe_run(page)
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_no_serious_axe_violation_on_any_page(browser, server, lang):
    """Every page file of app.py (staff pages logged out and in) at 1280 and 375 px."""
    page = offline_page(browser, *WIDTHS[0])
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
            assert page.evaluate("document.documentElement.lang") == lang, name
            check_both_widths(page, found, name)
        # Signed in: statistics (still open from the last state), then moderation.
        log_in(page, lang)
        check_both_widths(page, found, "stats")
        # The staff session (issue 12) carries over: moderation opens signed in.
        visit(page, server, f"moderacja{q}")
        login_button = page.get_by_role("button", name=PAGE_TITLES[lang]["login_button"])
        assert login_button.count() == 0, "signed in on statistics, asked again on moderation"
        check_both_widths(page, found, "moderation")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{lang}.json").write_text(
            json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        page.context.close()
    failing = {name: v for name, v in found.items() if v}
    assert not failing, json.dumps(failing, indent=1, ensure_ascii=False)


# -- keyboard ----------------------------------------------------------------------------

ACTIVE = """() => {
    const e = document.activeElement;
    const key = [...(e.closest('[class*="st-key-"]') || e).classList]
        .find(c => c.startsWith('st-key-')) || '';
    return {tag: e.tagName, id: e.id, text: (e.innerText || '').trim(),
            label: e.getAttribute('aria-label') || '', key: key};
}"""


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_until(page, test, limit: int = 40, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until ``test(active element)`` holds; fail after ``limit``."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = active(page)
        if test(now):
            return now
    pytest.fail(f"{key} x{limit} never reached the element; focus is on {active(page)}")


def test_keyboard_journey_search_filter_open_and_back(browser, server):
    page = offline_page(browser, 1280, 900)
    try:
        visit(page, server, "")
        # The first Tab reaches the skip link (before the map's markers and Streamlit's own).
        page.keyboard.press("Tab")
        assert active(page)["id"] == "a11y-skip", page.evaluate(
            """() => [document.getElementById('a11y-skip')?.outerHTML,
            document.querySelectorAll('[class*="st-key-pick_"] button').length,
            document.activeElement.outerHTML.slice(0, 200)]"""
        )
        assert active(page)["text"] == "Przejdź do listy wyników"
        # The filters come first (the sidebar), then the search box: a category filter,
        # then a search, typed from the keyboard. Choice widgets carry their page key plus a
        # digest of their labels (issue 12), hence the prefix.
        tab_until(page, lambda a: a["key"].startswith("st-key-f_cat-") and a["tag"] == "INPUT", 8)
        page.keyboard.type("Zabytki")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        settle(page)
        tab_until(page, lambda a: a["tag"] == "INPUT" and a["label"] == "Szukaj", 60)
        page.keyboard.type("zamek")
        page.keyboard.press("Enter")
        settle(page)
        assert active(page)["label"] == "Szukaj"  # the rerun left focus where it was
        page.get_by_text("Wyniki:").first.wait_for()
        # Back to the skip link, and from it to the first result.
        tab_until(page, lambda a: a["id"] == "a11y-skip", 80, "Shift+Tab")
        page.keyboard.press("Enter")
        first = active(page)
        assert first["tag"] == "BUTTON" and first["key"].startswith("st-key-pick_"), first
        assert "Zamek" in first["text"]
        product_id = first["key"].removeprefix("st-key-pick_")
        # Enter opens the details: focus lands on their heading.
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.tagName === 'H3'", timeout=30_000)
        heading = active(page)
        assert heading["text"] and heading["text"] in first["text"]
        assert page.evaluate("document.title").startswith(heading["text"] + " · ")
        # Tab to "Zamknij szczegóły", Enter: focus is back on the result that was open.
        tab_until(page, lambda a: a["text"] == "Zamknij szczegóły", 60)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(k) => document.activeElement.closest('.' + k) !== null",
            arg=f"st-key-pick_{product_id}",
            timeout=30_000,
        )
        assert active(page)["tag"] == "BUTTON"
        assert not page.evaluate("document.title").startswith(heading["text"])
    finally:
        page.context.close()


def test_markers_open_with_enter_and_clusters_have_names(browser, server):
    page = offline_page(browser, 1280, 900)
    try:
        visit(page, server, "")
        frame = page.frame_locator(MAP_FRAME)
        cluster = frame.locator(".marker-cluster").first
        label = cluster.get_attribute("aria-label")
        count = int(cluster.inner_text())
        forms = {"one": "oferta", "few": "oferty", "many": "ofert"}
        from catalogue.locale_format import plural_category

        assert label == f"{count} {forms[plural_category(count, 'pl')]} w tym miejscu"
        assert page.locator(MAP_FRAME).get_attribute("title") == "Mapa ofert"
        visit(page, server, "?q=krasiczyn")
        marker = frame.locator(".leaflet-marker-icon[title]").first
        marker.wait_for()
        assert marker.get_attribute("tabindex") == "0"
        assert marker.get_attribute("role") == "button"
        name = marker.get_attribute("title")
        marker.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(n) => document.activeElement.tagName === 'H3' && "
            "document.activeElement.innerText.trim() === n",
            arg=name,
            timeout=30_000,
        )
    finally:
        page.context.close()


def test_mapa_path_opens_the_map_not_page_not_found(browser, server):
    page = offline_page(browser, 1280, 900)
    try:
        visit(page, server, "mapa?lang=en")
        page.get_by_role("heading", name="Tourist product map").wait_for()
        assert page.get_by_text("Page not found").count() == 0
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.title") == "Map · Tourist product map"
    finally:
        page.context.close()


@pytest.mark.parametrize(
    ("lang", "skip", "choose_date"),
    [
        ("pl", "Przejdź do treści strony", "Wybierz datę"),
        ("uk", "Перейти до основного вмісту", "Виберіть дату"),
    ],
)
def test_streamlits_own_strings_speak_the_readers_language(
    browser, server, lang, skip, choose_date
):
    """Streamlit's skip link and the date picker's button, which no API parameter translates."""
    page = offline_page(browser, 1280, 900)
    try:
        visit(page, server, f"?lang={lang}")
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('a')].some(a => a.innerText.trim() === t)",
            arg=skip,
            timeout=30_000,
        )
        buttons = page.locator(".st-key-f_from button")
        buttons.first.wait_for()
        assert buttons.first.get_attribute("aria-label") == choose_date
        assert page.locator("[aria-label='Choose date']").count() == 0
    finally:
        page.context.close()
