"""Journeys of a tourist, a partner and staff in headless Chromium with the network cut,
at phone (375 px) and laptop (1280 px) widths, switching between Polish, English and
Ukrainian half-way. Everything is asserted on screen; one app server serves the module.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    MAP_FRAME,
    catalogue_cli,
    offline_page,
    sample_catalogue_with_staff,
    screenshot,
    start_app,
    stop_app,
)

pytestmark = pytest.mark.e2e

LANG_LABEL = {"pl": "PL · Polski", "en": "EN · English", "uk": "UK · Українська"}

# What the tourist picks, and how each choice reads in every language.
TOURIST = {
    "pl": {
        "heading": "Mapa produktów turystycznych",
        "search": "Szukaj",
        "categories": "Kategorie",
        "heritage": "Zabytki i atrakcje",
        "districts": "Powiaty",
        "district": "powiat przemyski",
        "sort": "Sortuj",
        "sort_category": "kategoria",
        "product": "Zamek w Krasiczynie",
        "close": "Zamknij szczegóły",
    },
    "en": {
        "heading": "Tourist product map",
        "search": "Search",
        "categories": "Categories",
        "heritage": "Heritage and sights",
        "districts": "Districts",
        "district": "Przemyśl County",
        "sort": "Sort by",
        "sort_category": "category",
        "product": "Krasiczyn Castle",
        "close": "Close details",
    },
    "uk": {
        "heading": "Мапа туристичних продуктів",
        "search": "Пошук",
        "categories": "Категорії",
        "heritage": "Пам'ятки та визначні місця",
        "districts": "Повіти",
        "district": "Перемишльський повіт",
        "sort": "Сортувати",
        "sort_category": "категорія",
        "product": "Замок у Красічині",
        "close": "Закрити деталі",
    },
}


PASSWORD = "correct horse battery"
PENDING = "Pracownia witrażu — pokaz na stoisku"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The sample catalogue, one staff account and one offering waiting for review."""
    root = tmp_path_factory.mktemp("journeys")
    db = sample_catalogue_with_staff(root, PASSWORD)
    pending = root / "pending.csv"
    pending.write_text(
        "nazwa;kategoria;współrzędne;partner;strona\n"
        f"{PENDING};workshops;50.0301, 22.6601;Gmina Miejska Przemyśl;https://www.przemysl.pl\n",
        encoding="utf-8",
    )
    catalogue_cli(db, "import", str(pending), "--pending")
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base
    finally:
        stop_app(proc)


def settle(page) -> None:
    """Wait until the app has finished the rerun the last action started."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=60_000)
    page.wait_for_timeout(200)


def no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def one_map(page) -> None:
    """Exactly one map iframe remains once the rerun has replaced the old one."""
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 1", arg=MAP_FRAME, timeout=30_000
    )
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=30_000)


def open_sidebar(page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_timeout(400)


def choose_language(page, lang: str) -> None:
    open_sidebar(page)
    page.get_by_test_id("stSidebar").get_by_text(LANG_LABEL[lang], exact=True).click()
    settle(page)


def pick(page, combobox: str, option: str) -> None:
    """Pick ``option`` in the multiselect or selectbox labelled ``combobox``."""
    box = page.get_by_role("combobox", name=combobox, exact=True)
    box.click()
    box.press_sequentially(option[:12])  # filter a long list, then pick the exact option
    page.get_by_role("option", name=option, exact=True).click()
    if page.get_by_test_id("stMultiSelect").filter(has=box).count():
        # A multiselect stays open for more picks (Escape on a selectbox would clear it).
        page.keyboard.press("Escape")
    settle(page)


def chosen_tags(page, label: str) -> list[str]:
    """The chips shown in the multiselect labelled ``label``."""
    widget = page.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )
    tags = widget.locator(".react-aria-ComboBox [data-tag]")
    return [tag.get_attribute("aria-label") for tag in tags.all()]


def selectbox_text(page, label: str) -> str:
    return page.get_by_role("combobox", name=label, exact=True).input_value()


@pytest.mark.parametrize(
    ("width", "height", "switches"), [(1280, 1000, ("en", "uk")), (375, 812, ("uk", "pl"))]
)
def test_tourist_keeps_every_choice_through_two_language_switches(
    browser, server, width, height, switches
):
    page = offline_page(browser, width, height)
    try:
        _tourist(page, server, width, switches)
    finally:
        screenshot(page, f"journey-tourist-{width}-last")


def close_sidebar_on_phone(page, width: int) -> None:
    """On a phone the filter drawer covers the page: close it before using the page."""
    sidebar = page.get_by_test_id("stSidebar")
    if width < 768 and sidebar.get_attribute("data-collapsed") != "true":
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        page.wait_for_timeout(400)


def check_view(page, lang: str) -> None:
    """Search, both filters, the sort order and the product, as shown in ``lang``."""
    words = TOURIST[lang]
    page.get_by_role("heading", name=words["heading"]).wait_for(timeout=30_000)
    no_exception(page)
    one_map(page)
    expect(page.get_by_role("textbox", name=words["search"])).to_have_value("zamek")
    assert chosen_tags(page, words["categories"]) == [words["heritage"]]
    assert chosen_tags(page, words["districts"]) == [words["district"]]
    assert selectbox_text(page, words["sort"]) == words["sort_category"]
    page.get_by_role("heading", name=words["product"]).wait_for(timeout=30_000)


def _tourist(page, server, width, switches):
    page.goto(f"{server}/", wait_until="domcontentloaded")
    page.get_by_role("heading", name=TOURIST["pl"]["heading"]).wait_for(timeout=60_000)
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=60_000)
    search = page.get_by_role("textbox", name="Szukaj")
    search.fill("zamek")
    search.press("Enter")
    settle(page)
    open_sidebar(page)
    pick(page, "Kategorie", TOURIST["pl"]["heritage"])
    pick(page, "Powiaty", TOURIST["pl"]["district"])
    close_sidebar_on_phone(page, width)
    pick(page, "Sortuj", TOURIST["pl"]["sort_category"])
    page.get_by_role("button", name="Zamek w Krasiczynie").first.click()
    settle(page)
    check_view(page, "pl")
    screenshot(page, f"journey-tourist-{width}-pl")

    for lang in switches:
        choose_language(page, lang)
        close_sidebar_on_phone(page, width)
        check_view(page, lang)
        words = TOURIST[lang]
        # The next interactions work too (the first one raised before): close the details
        # and open the product again from the list.
        page.get_by_role("button", name=words["close"]).click()
        settle(page)
        no_exception(page)
        page.get_by_role("button", name=words["product"]).first.click()
        settle(page)
        check_view(page, lang)
        screenshot(page, f"journey-tourist-{width}-{lang}")

    # The address is the shared link: it reopens the same view in the same language.
    link = page.url
    other = offline_page(browser_of(page), width, 1000 if width > 375 else 812)
    other.goto(link, wait_until="domcontentloaded")
    check_view(other, switches[-1])
    screenshot(other, f"journey-tourist-{width}-shared")
    other.context.close()


def browser_of(page):
    return page.context.browser


# -- partner -------------------------------------------------------------------------------

FORM = {
    "pl": {
        "heading": "Dodaj ofertę",
        "name": "Nazwa oferty *",
        "description": "Opis",
        "category": "Kategoria *",
        "workshops": "Warsztaty i edukacja",
        "partner": "Partner",
        "months": "Miesiące, w których oferta jest dostępna",
        "may": "maj",
        "coordinates": "Współrzędne",
        "website": "Strona internetowa",
        "phone": "Telefon",
        "gmina": "Gmina",
        "send": "Wyślij do sprawdzenia",
        "need_location": "Podaj lokalizację: wklej współrzędne albo kliknij mapę.",
        "need_contact": "Podaj co najmniej jeden kontakt: telefon, e-mail albo stronę internetową.",
        "town": "Jarosław — gmina miejska",
        "consent": "Mam prawo udostępnić",
        "need_consent": "Zaznacz zgodę na publikację opisów i zdjęć (autor lub jego zgoda).",
    },
    "en": {
        "heading": "Add an offering",
        "name": "Name of the offering *",
        "description": "Description",
        "category": "Category *",
        "workshops": "Workshops and education",
        "partner": "Partner",
        "may": "May",
        "coordinates": "Coordinates",
        "website": "Website",
        "phone": "Phone",
        "gmina": "Municipality (gmina)",
        "send": "Send for review",
        "need_location": "Give the location: paste coordinates or click the map.",
        "need_contact": "Give at least one contact: phone, e-mail or website.",
        "town": "Jarosław — urban gmina",
    },
    "uk": {
        "heading": "Додати пропозицію",
        "name": "Назва пропозиції *",
        "category": "Категорія *",
        "workshops": "Майстер-класи та освіта",
        "coordinates": "Координати",
        "website": "Вебсайт",
        "gmina": "Гміна",
        "send": "Надіслати на перевірку",
        "town": "Jarosław — міська гміна",
        "consent": "Я маю право поширювати",
        "credit": "Текст: Gmina Miejska Przemyśl, CC BY 4.0",
    },
}
PARTNER = "Gmina Miejska Przemyśl"


def textbox(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def message_after(page, label: str) -> str:
    """Text of the element right below the input labelled ``label`` (its message)."""
    box = page.locator(
        f'[data-testid="stElementContainer"]:has([aria-label="{label}"]) '
        '+ [data-testid="stElementContainer"] [data-testid="stAlert"] '
        '[data-testid="stMarkdownContainer"]'
    )
    # As a person reads it: the word joiners that stop autolinks are invisible.
    return box.first.inner_text(timeout=10_000).replace("\u2060", "").strip()


def message_after_checkbox(page, label_start: str) -> str:
    """Text of the message right below the checkbox whose label starts with ``label_start``."""
    container = page.get_by_test_id("stElementContainer").filter(
        has=page.get_by_role("checkbox", name=re.compile("^" + re.escape(label_start)))
    )
    message = container.locator(
        '+ [data-testid="stElementContainer"] [data-testid="stAlert"] '
        '[data-testid="stMarkdownContainer"]'
    )
    return message.first.inner_text(timeout=10_000).replace("\u2060", "").strip()


def type_into(page, label: str, text: str) -> None:
    box = textbox(page, label)
    box.fill(text)
    box.press("Tab")
    settle(page)


@pytest.mark.parametrize(("width", "height"), [(1280, 1100), (375, 812)])
def test_partner_keeps_what_was_typed_sees_messages_at_the_field_and_edits(
    browser, server, width, height
):
    page = offline_page(browser, width, height)
    try:
        _partner(page, server, f"{width} px")
    finally:
        screenshot(page, f"journey-partner-last-{width}")


def _partner(page, server, tag: str):
    """The partner journey; ``tag`` keeps each run's offering name its own."""
    name = f"Warsztaty ceramiczne ({tag}) — dzień próbny"
    words = FORM["pl"]
    page.goto(f"{server}/dodaj", wait_until="domcontentloaded")
    page.get_by_role("heading", name=words["heading"]).wait_for(timeout=60_000)
    settle(page)
    type_into(page, words["name"], name)
    type_into(page, words["description"], "Zajęcia z toczenia na kole.")
    pick(page, words["category"], words["workshops"])
    pick(page, words["partner"], PARTNER)
    pick(page, words["months"], words["may"])
    page.get_by_role("button", name=words["send"]).click()
    settle(page)
    # Nothing about rows or columns: the message sits under the field it is about.
    assert message_after(page, words["coordinates"]) == words["need_location"]
    assert message_after(page, words["phone"]) == words["need_contact"]
    assert message_after_checkbox(page, words["consent"]) == words["need_consent"]
    assert "Wiersz" not in page.get_by_test_id("stMain").inner_text()
    screenshot(page, f"journey-partner-errors-pl-{tag[:-3]}")

    choose_language(page, "en")
    close_sidebar_on_phone(page, page.viewport_size["width"])
    words = FORM["en"]
    page.get_by_role("heading", name=words["heading"]).wait_for(timeout=30_000)
    no_exception(page)
    assert textbox(page, words["name"]).input_value() == name
    assert textbox(page, words["description"]).input_value() == "Zajęcia z toczenia na kole."
    assert selectbox_text(page, words["category"]) == words["workshops"]
    assert selectbox_text(page, words["partner"]) == PARTNER
    assert chosen_tags(page, "Months when it is available") == [words["may"]]
    assert message_after(page, words["coordinates"]) == words["need_location"]
    assert message_after(page, words["phone"]) == words["need_contact"]
    type_into(page, words["coordinates"], "50.0163, 22.6777")
    type_into(page, words["website"], "https://www.jaroslaw.pl")
    assert selectbox_text(page, words["gmina"]) == words["town"]
    screenshot(page, f"journey-partner-filled-en-{tag[:-3]}")

    choose_language(page, "uk")
    close_sidebar_on_phone(page, page.viewport_size["width"])
    words = FORM["uk"]
    page.get_by_role("heading", name=words["heading"]).wait_for(timeout=30_000)
    no_exception(page)
    assert textbox(page, words["coordinates"]).input_value() == "50.0163, 22.6777"
    assert selectbox_text(page, words["category"]) == words["workshops"]
    assert selectbox_text(page, words["gmina"]) == words["town"]
    # The label takes the click (the input itself is drawn over by it).
    page.get_by_test_id("stCheckbox").filter(has_text=words["consent"]).locator("label").click()
    settle(page)
    # The preview credits the text to the partner under CC BY 4.0, the default.
    # (an invisible word joiner sits before ":", put there by md_escape against autolinks)
    credit = re.escape(words["credit"]).replace(":", "\u2060?:")
    page.get_by_text(re.compile(credit)).wait_for(timeout=30_000)
    page.get_by_role("button", name=words["send"]).click()
    link_box = page.locator("code").filter(has_text="moja-oferta?token=").first
    link_box.wait_for(timeout=60_000)
    link = link_box.inner_text().strip()
    no_exception(page)
    screenshot(page, f"journey-partner-sent-uk-{tag[:-3]}")

    # The private link opens the offering for editing, as it was sent.
    page.goto(link, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Popraw ofertę").wait_for(timeout=60_000)
    settle(page)
    words = FORM["pl"]
    expect(textbox(page, words["name"])).to_have_value(name, timeout=30_000)
    assert selectbox_text(page, words["gmina"]) == words["town"]
    type_into(page, words["name"], f"Warsztaty ceramiczne ({tag})")
    page.get_by_role("button", name="Wyślij zmiany do sprawdzenia").click()
    page.get_by_text("Zmiany wysłane do sprawdzenia.").wait_for(timeout=60_000)
    no_exception(page)
    screenshot(page, f"journey-partner-edited-{tag[:-3]}")


# -- staff ---------------------------------------------------------------------------------


def test_staff_stay_signed_in_approve_and_present_without_navigation(browser, server):
    page = offline_page(browser, 1280, 1000)
    try:
        _staff(page, server)
    finally:
        screenshot(page, "journey-staff-last")


def _staff(page, server):
    page.goto(f"{server}/moderacja", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Logowanie pracowników Klastra").wait_for(timeout=60_000)
    textbox(page, "Nazwa użytkownika").fill("anna")
    textbox(page, "Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj").click()
    inbox = page.get_by_role("tab", name=re.compile(r"^Do sprawdzenia \(\d+\)$"))
    inbox.wait_for(timeout=60_000)
    settle(page)
    assert "rkesi_staff=" in page.evaluate("document.cookie")
    assert PASSWORD not in page.url and "token" not in page.url

    # A reload starts a new Streamlit session: the signed cookie keeps the login.
    page.reload(wait_until="domcontentloaded")
    inbox.wait_for(timeout=60_000)
    page.get_by_role("button", name="Wyloguj").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Logowanie pracowników Klastra").count() == 0
    screenshot(page, "journey-staff-reloaded")

    box = page.get_by_role("combobox", name="Zgłoszenie", exact=True)
    box.click()
    box.press_sequentially("Pracownia witrażu")
    page.get_by_role("option").filter(has_text=PENDING).first.click()
    settle(page)
    page.get_by_role("heading", name=PENDING).wait_for(timeout=30_000)
    page.get_by_role("button", name="Zatwierdź i opublikuj").click()
    page.get_by_text(f"Opublikowano „{PENDING}”.").wait_for(timeout=60_000)
    no_exception(page)

    # The offering is on the public map.
    page.goto(f"{server}/?q=witrazu", wait_until="domcontentloaded")
    page.get_by_role("button", name=PENDING).first.wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30_000)
    assert page.get_by_test_id("stMain").get_by_text("Wyniki: 1 z").count() == 1
    screenshot(page, "journey-staff-published")


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_presentation_has_no_navigation_large_type_and_fits_full_hd(browser, server, lang):
    page = offline_page(browser, 1920, 1080)
    query = f"?lang={lang}" if lang != "pl" else ""
    page.goto(f"{server}/prezentacja{query}", wait_until="domcontentloaded")
    title = {"pl": "Odkryj pięć powiatów", "en": "Discover five districts"}.get(
        lang, "Відкрийте п'ять повітів"
    )
    page.get_by_role("heading", name=title).wait_for(timeout=60_000)
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    # No way into other pages: no menu, no sidebar, no page links.
    assert page.get_by_test_id("stTopNav").count() == 0
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert page.get_by_role("link", name=re.compile("Dodaj|Moderac|Add an|Модерац")).count() == 0
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
            .filter(p => p.offsetParent && p.innerText.trim())
            .map(p => parseFloat(getComputedStyle(p).fontSize))"""
    )
    assert sizes and min(sizes) >= 28, sizes
    screenshot(page, f"journey-presentation-{lang}")
    # The slide's controls are on the screen, not below it.
    nxt = {"pl": "Dalej", "en": "Next", "uk": "Далі"}[lang]
    bottom = page.get_by_role("button", name=nxt).bounding_box()
    assert bottom and bottom["y"] + bottom["height"] <= 1080, bottom


# -- phone ---------------------------------------------------------------------------------


def phone_page(browser):
    """A 375×812 touch phone with the network cut to the app's own server."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True
    )

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    return context.new_page()


def swipe(page, x: float, y: float, dy: float, steps: int = 8) -> None:
    """A one-finger vertical swipe (real touch events through the DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_phone_map_first_and_a_swipe_on_the_map_scrolls_the_page(browser, server):
    page = phone_page(browser)
    try:
        _phone(page, server)
    finally:
        screenshot(page, "journey-phone-last")


def _phone(page, server):
    page.goto(f"{server}/", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".pm, .marker-cluster").first.wait_for(timeout=60_000)
    settle(page)
    # The first screen: search box, result count and the map; the intro is folded away.
    search = page.get_by_role("textbox", name="Szukaj")
    assert search.bounding_box()["y"] + search.bounding_box()["height"] < 812
    count = page.get_by_test_id("stMain").get_by_text("Wyniki:").first
    assert count.bounding_box()["y"] < 812
    map_box = page.locator(MAP_FRAME).bounding_box()
    assert map_box["y"] < 812 * 0.6, map_box
    assert not page.get_by_text("Zabytki, przyroda, noclegi").first.is_visible()
    screenshot(page, "journey-phone-first-screen")

    # A thumb swiping up on the map scrolls the page; the map itself stays put.
    centre_before = frame.locator("body").evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng]; }"
    )
    swipe(page, 187, map_box["y"] + min(map_box["height"], 812 - map_box["y"]) * 0.7, -300)
    page.wait_for_timeout(600)
    moved = page.locator(MAP_FRAME).bounding_box()["y"]
    assert moved < map_box["y"] - 100, (map_box["y"], moved)
    centre_after = frame.locator("body").evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng]; }"
    )
    assert centre_after == pytest.approx(centre_before, abs=1e-6)
    screenshot(page, "journey-phone-swiped")

    # Down at the end of the list, the filter drawer says how many results there are and
    # leads back to them.
    page.get_by_test_id("stMain").evaluate(
        "m => [...m.querySelectorAll('[data-testid=stElementContainer]')].pop()"
        ".scrollIntoView({block: 'end'})"
    )
    page.wait_for_timeout(300)
    away = page.locator(MAP_FRAME).bounding_box()
    assert away["y"] + away["height"] < 0, away
    open_sidebar(page)
    pick(page, "Kategorie", "Zabytki i atrakcje")
    show = page.get_by_role("button", name=re.compile(r"^Pokaż wyniki \(\d+\)$"))
    show.wait_for(timeout=30_000)
    total = int(re.search(r"\((\d+)\)", show.inner_text()).group(1))
    assert page.get_by_test_id("stSidebar").get_by_text(f"Wyniki: {total} z").count() == 1
    screenshot(page, "journey-phone-filters")
    show.click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]')"
        ".getAttribute('data-collapsed') === 'true'",
        timeout=30_000,
    )
    # The map is back on screen, its top just below the fixed top bar (which would hide the
    # zoom buttons). The jump scrolls smoothly, slowly on a busy machine: wait for it.
    page.wait_for_function(
        """sel => {
            const r = document.querySelector(sel).getBoundingClientRect();
            return r.top >= 0 && r.top < 200;
        }""",
        arg=MAP_FRAME,
        timeout=10_000,
    )
    page.wait_for_timeout(300)
    box = page.locator(MAP_FRAME).bounding_box()
    bar = page.get_by_test_id("stHeader").bounding_box()
    assert bar["y"] + bar["height"] <= box["y"] < 200, (bar, box)
    no_exception(page)
    screenshot(page, "journey-phone-results")
