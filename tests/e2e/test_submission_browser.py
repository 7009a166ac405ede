"""The whole path in headless Chromium with the network cut: a partner adds an offering with
a photo by clicking (and dragging on) the map, staff log in and approve it, a tourist finds
it by search. The offering's name is hostile; no script may run anywhere along the way.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import (
    MAP_FRAME,
    offline_page,
    sample_catalogue_with_staff,
    screenshot,
    start_app,
    stop_app,
)

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}` Galeria"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh database with the sample and one staff account made through the CLI."""
    root = tmp_path_factory.mktemp("submission")
    db = sample_catalogue_with_staff(root, PASSWORD)
    proc, base = start_app(db, {"CATALOGUE_PHOTOS": str(root / "photos")})
    try:
        yield base, root
    finally:
        stop_app(proc)


def watch_dialogs(page) -> list[str]:
    """Record (and dismiss) any alert/confirm/prompt: a hostile name must never open one."""
    fired: list[str] = []

    def on_dialog(dialog):
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return fired


def jpeg_photo() -> bytes:
    image = Image.new("RGB", (1200, 800), (40, 110, 60))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (50.0, 1.0, 2.0), 3: "E", 4: (22.0, 40.0, 39.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def settle(page) -> None:
    """Wait until the app has finished the rerun the last action started."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)


def textbox(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def coordinates_value(page) -> str:
    return textbox(page, "Współrzędne").input_value()


def test_partner_submits_staff_approve_tourist_finds(browser, server):
    base, root = server

    # -- partner ---------------------------------------------------------------------------
    page = offline_page(browser, 1280, 1000)
    dialogs = watch_dialogs(page)
    page.goto(f"{base}/dodaj", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Dodaj ofertę").wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)

    name_box = textbox(page, "Nazwa oferty *")
    name_box.fill(HOSTILE)
    name_box.press("Tab")
    page.get_by_role("combobox", name="Kategoria *").click()
    page.get_by_role("option", name="Muzea i galerie").click()
    # Who runs it and how to reach them: required of every partner submission.
    partner = page.get_by_role("combobox", name="Partner", exact=True)
    partner.click()
    partner.press_sequentially("Gmina Miejska P")
    page.get_by_role("option", name="Gmina Miejska Przemyśl", exact=True).click()
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)
    website = textbox(page, "Strona internetowa")
    website.fill("https://www.przemysl.pl")
    website.press("Tab")
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=60_000)

    # Location by clicking the map.
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6)
    page.wait_for_function(
        """() => [...document.querySelectorAll('input[aria-label="Współrzędne"]')]
            .some(i => i.value.includes(","))""",
        timeout=30_000,
    )
    clicked = coordinates_value(page)
    page.get_by_text("Powiat:").first.wait_for(timeout=30_000)

    # Correct it by dragging the pin: the drop comes back as a map click.
    pin = frame.locator(".leaflet-marker-draggable")
    pin.wait_for(timeout=30_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    pin_box = pin.bounding_box()
    frame_box = page.locator(MAP_FRAME).bounding_box()
    x = pin_box["x"] + pin_box["width"] / 2
    y = pin_box["y"] + pin_box["height"] - 4
    assert frame_box["y"] < y < frame_box["y"] + frame_box["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y + 10, steps=5)
    page.mouse.move(x + 40, y + 20, steps=5)
    page.mouse.up()
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('input[aria-label="Współrzędne"]')]
            .some(i => i.value.includes(",") && i.value !== before)""",
        arg=clicked,
        timeout=30_000,
    )
    dragged = coordinates_value(page)
    assert dragged != clicked
    lat_before, lon_before = (float(v) for v in clicked.split(","))
    lat_after, lon_after = (float(v) for v in dragged.split(","))
    assert lat_after < lat_before and lon_after > lon_before, "dragged down and right"

    # A photo (its GPS EXIF must not survive).
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Zdjęcia").first
    uploader.locator("input[type=file]").set_input_files(
        files=[{"name": "galeria.jpg", "mimeType": "image/jpeg", "buffer": jpeg_photo()}]
    )
    uploader.get_by_text("galeria.jpg").wait_for(timeout=30_000)
    uploader.get_by_text(re.compile(r"\d+(\.\d+)?KB")).wait_for(timeout=30_000)
    settle(page)
    # Nothing goes out without the author's consent to the licence (CC BY 4.0 by default).
    page.get_by_test_id("stCheckbox").filter(has_text="Mam prawo udostępnić").locator(
        "label"
    ).click()
    settle(page)
    screenshot(page, "submit-filled")

    page.get_by_role("button", name="Wyślij do sprawdzenia").click()
    page.get_by_text("Zapisz ten prywatny link").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Wiele ofert z pliku").click()
    page.get_by_role("button", name="Pobierz szablon (XLSX)").wait_for(timeout=30_000)
    screenshot(page, "submit-bulk")
    page.get_by_role("tab", name="Jedna oferta").click()
    link = page.locator("code").filter(has_text="moja-oferta?token=").first.inner_text().strip()
    assert re.match(r"^http://127\.0\.0\.1:\d+/moja-oferta\?token=[\w-]{20,}$", link), link
    screenshot(page, "submit-sent")
    stored = list((root / "photos").rglob("*.jpg"))
    assert len(stored) == 2, "the photo and its thumbnail"
    for path in stored:
        with Image.open(path) as image:
            assert not image.getexif()

    # Pending: the tourist map does not know it yet.
    tourist = offline_page(browser, 1280, 900)
    tourist_dialogs = watch_dialogs(tourist)
    tourist.goto(f"{base}/?q=galeria+img", wait_until="domcontentloaded")
    tourist.get_by_text("Wyniki:").first.wait_for(timeout=60_000)
    tourist.get_by_text("Nic nie pasuje do filtrów").wait_for(timeout=30_000)

    # -- staff -----------------------------------------------------------------------------
    moderator = offline_page(browser, 1280, 1100)
    moderator_dialogs = watch_dialogs(moderator)
    moderator.goto(f"{base}/moderacja", wait_until="domcontentloaded")
    moderator.get_by_role("heading", name="Logowanie pracowników Klastra").wait_for(timeout=60_000)
    assert moderator.get_by_role("button", name="Zatwierdź i opublikuj").count() == 0
    screenshot(moderator, "moderation-login")
    textbox(moderator, "Nazwa użytkownika").fill("anna")
    textbox(moderator, "Hasło").fill(PASSWORD)
    moderator.get_by_role("button", name="Zaloguj").click()
    moderator.get_by_role("tab", name="Do sprawdzenia (1)").wait_for(timeout=60_000)
    heading = moderator.get_by_role("heading", name=HOSTILE.strip())
    heading.wait_for(timeout=30_000)
    moderator.get_by_text("Powiat zgodny z położeniem").wait_for(timeout=30_000)
    moderator.get_by_test_id("stImage").first.wait_for(timeout=30_000)
    review_map = moderator.frame_locator(MAP_FRAME).first
    review_map.locator(".leaflet-interactive").first.wait_for(timeout=30_000)
    moderator.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    moderator.wait_for_timeout(1500)  # let Leaflet finish zooming to the point
    screenshot(moderator, "moderation-review")
    moderator.get_by_role("button", name="Zatwierdź i opublikuj").click()
    moderator.get_by_text("Nic nie czeka na sprawdzenie.").wait_for(timeout=60_000)
    screenshot(moderator, "moderation-approved")
    moderator.get_by_role("tab", name="Partnerzy").click()
    moderator.get_by_role("button", name="Zapisz partnera").wait_for(timeout=30_000)
    screenshot(moderator, "moderation-partners")
    moderator.get_by_role("tab", name="Dziennik zmian").click()
    moderator.get_by_role("button", name="Pobierz dziennik (CSV)").wait_for(timeout=30_000)
    moderator.wait_for_timeout(1500)  # the grid draws its cells after the tab is shown
    screenshot(moderator, "moderation-audit")

    # -- tourist ---------------------------------------------------------------------------
    tourist.goto(f"{base}/", wait_until="domcontentloaded")
    tourist.get_by_role("heading", name="Mapa produktów turystycznych").wait_for(timeout=60_000)
    search = tourist.get_by_role("textbox", name="Szukaj")
    search.fill("galeria img")
    search.press("Enter")
    result = tourist.get_by_role("button", name=re.compile(r"img src=x onerror"))
    result.first.wait_for(timeout=60_000)
    tourist_frame = tourist.frame_locator(MAP_FRAME)
    marker = tourist_frame.locator(".leaflet-marker-icon[title]").first
    marker.wait_for(timeout=30_000)
    assert marker.get_attribute("title") == HOSTILE.strip()
    tourist.locator(MAP_FRAME).scroll_into_view_if_needed()
    marker.hover()
    result.first.click()
    tourist.get_by_role("heading", name=HOSTILE.strip()).wait_for(timeout=30_000)
    # The photo is credited to the partner, under the licence the partner agreed to.
    # (md_escape puts an invisible word joiner before ":" so no "Fot.:" reads as a link)
    credit = re.compile("Fot\\.\u2060?: Gmina Miejska Przemyśl, CC BY 4\\.0")
    tourist.get_by_text(credit).wait_for(timeout=30_000)
    screenshot(tourist, "tourist-finds-it")

    # The partner's link shows it published; a wrong token is refused politely.
    page.goto(link, wait_until="domcontentloaded")
    page.get_by_text("opublikowana — widoczna na mapie").wait_for(timeout=60_000)
    page.get_by_role("button", name="Wyślij zmiany do sprawdzenia").wait_for(timeout=60_000)
    # The form is filled from the offering as the page settles (a run may still be drawing).
    expect(textbox(page, "Nazwa oferty *")).to_have_value(HOSTILE.strip(), timeout=30_000)
    page.wait_for_timeout(1000)
    screenshot(page, "edit-link-published")
    page.goto(f"{base}/moja-oferta?token=not-a-real-token", wait_until="domcontentloaded")
    page.get_by_text("Ten link nie jest ważny").wait_for(timeout=60_000)
    screenshot(page, "edit-link-invalid")

    assert dialogs == [] and tourist_dialogs == [] and moderator_dialogs == []
    # Nothing came from outside the app (only base tiles were asked for and blocked).
    for visited in (page, tourist, moderator):
        assert all("tile.openstreetmap.org" in url for url in visited.blocked_requests)
