"""A partner-supplied name built to run script shows as text everywhere and runs nothing."""

from __future__ import annotations

import time

import pytest

from catalogue.model import Partner, Product
from catalogue.storage import CatalogueStore
from tests.e2e.conftest import MAP_FRAME, offline_page, screenshot, start_app, stop_app

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}`"
# Everything GitHub-flavoured markdown would autolink, in every partner text field.
AUTOLINKS = (
    "Zobacz http://evil.example/a oraz HTTPS://evil.example/b, www.evil.pl, WWW.Evil.pl; "
    "napisz: jan@evil.pl albo mailto:jan@evil.pl, xmpp:jan@evil.pl"
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "catalogue.sqlite"
    store = CatalogueStore(f"sqlite:///{db}")
    store.create_schema()
    partner = Partner(id="evil", name=HOSTILE, sector="social_economy", gmina_teryt="1862011")
    products = [
        Product(
            id=f"evil-{i}",
            name_pl=HOSTILE if i == 0 else f"{HOSTILE} {i}",
            description_pl=HOSTILE,
            category="heritage",
            lat=49.7836 + i * 0.01,
            lon=22.7678,
            district_teryt="1862",
            gmina_teryt="1862011",
            partner_id="evil",
            website="javascript:alert(5)",
            status="published",
        )
        for i in range(3)
    ]
    linker = Partner(
        id="linker", name="Fundacja www.evil-partner.pl", sector="ngo", gmina_teryt="1862011"
    )
    products.append(
        Product(
            id="autolink",
            name_pl="Muzeum http://evil-name.example",
            description_pl=AUTOLINKS,
            category="heritage",
            lat=49.7836,
            lon=22.7878,
            district_teryt="1862",
            gmina_teryt="1862011",
            partner_id="linker",
            address="ul. www.evil-address.pl 1, kontakt@evil-address.pl",
            price="http://evil-price.example",
            tags=["www.evil-tag.pl", "tag@evil.pl"],
            website="https://www.krasiczyn.pl/zamek",
            status="published",
        )
    )
    products.append(
        Product(
            id="userinfo",
            name_pl="Bank",
            category="heritage",
            lat=49.7936,
            lon=22.7878,
            district_teryt="1862",
            gmina_teryt="1862011",
            partner_id="linker",
            website="https://www.bank.pl:haslo@evil.example/",
            status="published",
        )
    )
    store.save_products(products, actor="test", partners=[partner, linker])
    store.dispose()
    proc, base = start_app(db)
    try:
        yield base
    finally:
        stop_app(proc)


def test_hostile_name_is_shown_as_text_and_runs_nothing(browser, hostile_server):
    page = offline_page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The search zooms the map to the three markers, so each can be hovered and clicked.
    page.goto(f"{hostile_server}/?q=onerror", wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".pm").first.wait_for(timeout=60_000)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    page.wait_for_timeout(1500)

    # Hover and click every marker: tooltips open, clicks are sent back to the app.
    for marker in frame.locator(".leaflet-marker-icon[title]").all():
        marker.hover()
        page.wait_for_timeout(200)
    tooltip = frame.locator(".leaflet-tooltip").last.inner_text()
    assert HOSTILE in tooltip or tooltip.startswith("<img")
    frame.locator(".leaflet-marker-icon[title]").first.click()
    page.wait_for_timeout(1500)

    heading = page.locator("h3").filter(has_text="<img src=x").first
    heading.wait_for(timeout=30_000)
    assert heading.inner_text().startswith("<img src=x onerror=alert(1)>${alert(2)}`")
    assert page.locator("img[src='x']").count() == 0
    assert frame.locator("img[src='x']").count() == 0
    # The javascript: website is not offered as a link.
    assert page.locator("a[href^='javascript']").count() == 0
    assert dialogs == []
    screenshot(page, "hostile-name")


def _links(page) -> list[tuple[str, str]]:
    """(href, text) of every link in the app's own document (not the map iframe)."""
    return page.eval_on_selector_all(
        "[data-testid='stMain'] a", "els => els.map(a => [a.href, a.innerText])"
    )


# Links the app builds itself from coordinates (directions), never from partner text.
APP_MADE = ("https://www.openstreetmap.org/directions?", "https://www.google.com/maps/")


def _external(link: list[str], base: str) -> bool:
    return not link[0].startswith((base, *APP_MADE))


def test_partner_text_never_becomes_a_link(browser, hostile_server):
    page = offline_page(browser)
    page.goto(f"{hostile_server}/?product=autolink", wait_until="domcontentloaded")
    page.get_by_text("Zobacz http").first.wait_for(timeout=60_000)
    details = page.locator("[data-testid='stMain']")

    def shown_text() -> str:
        return details.inner_text().replace("\u2060", "")

    # The panel fills in over a run or two on a busy machine: read it once the address is in.
    deadline = time.monotonic() + 30
    while "evil-address" not in shown_text() and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    text = shown_text()
    # The text reads as written (the joiners are invisible)...
    assert "http://evil.example/a" in text and "jan@evil.pl" in text
    assert "www.evil-address.pl" in text
    links = _links(page)
    from_partner = [link for link in links if "evil" in link[0]]
    assert from_partner == [], from_partner
    # ...and the one link off the app is the validated website, labelled with its real host.
    external = [link for link in links if _external(link, hostile_server)]
    assert external == [["https://www.krasiczyn.pl/zamek", "Strona internetowa (www.krasiczyn.pl)"]]
    screenshot(page, "autolink-details")

    # A website hiding its host behind user:password@ is not linked at all.
    page.goto(f"{hostile_server}/?product=userinfo", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Bank").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert [link for link in _links(page) if _external(link, hostile_server)] == []

    # The partner's page: its name and the offering's texts stay text too.
    page.goto(f"{hostile_server}/partnerzy?partner=linker", wait_until="domcontentloaded")
    page.get_by_text("evil-partner").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    # Only the app's own links (to the offering), none to anything a partner typed.
    assert [link for link in _links(page) if _external(link, hostile_server)] == []
    assert [link for link in _links(page) if "evil" in link[0]] == []
    page.context.close()
