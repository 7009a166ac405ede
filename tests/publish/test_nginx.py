"""The built site through Debian's nginx with deploy/nginx-site.conf: what a crawler or a
link preview gets without JavaScript, compression and cache headers."""

from __future__ import annotations

import gzip
import json
import urllib.request

import pytest

from catalogue.storage import CatalogueStore
from fairkit.brochure import build_brochure
from fairkit.card import build_card
from fairkit.pdf_common import product_link
from publish import build_site
from publish.nginx import free_port, serve
from tests.e2e.conftest import offline_page, screenshot
from tests.fairkit.print_helpers import decode_qr
from tests.publish.conftest import APP, HOSTILE, parse_head, populate


@pytest.fixture(scope="module")
def built(tmp_path_factory, photo_env):
    """The populated store built with the site's address being the nginx server below, so
    that links can be followed in the browser."""
    root = tmp_path_factory.mktemp("nginx-site")
    store = CatalogueStore(f"sqlite:///{root / 'catalogue.sqlite'}")
    facts = populate(store)
    port = free_port()
    out = root / "site"
    build_site(store, out, base_url=APP, site_url=f"http://127.0.0.1:{port}")
    yield store, out, facts, port
    store.dispose()


@pytest.fixture(scope="module")
def nginx(built, tmp_path_factory):
    _, out, _, port = built
    with serve(out, tmp_path_factory.mktemp("nginx"), port=port) as url:
        yield url


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_pages_carry_the_name_in_title_and_og_title_without_javascript(built, nginx):
    store, _, _, _ = built
    frame = store.products_frame().set_index("id")
    for pid, lang in (("sample-001", "pl"), ("sample-001", "en"), ("sample-002", "uk")):
        status, headers, body = fetch(f"{nginx}/{lang}/offer/{pid}.html")
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        head = parse_head(body)
        name = frame.at[pid, f"name_{lang}"] or frame.at[pid, "name_pl"]
        assert name in head.title and head.meta["og:title"] == [head.title]
        assert head.lang == lang
    _, _, body = fetch(f"{nginx}/pl/offer/x-hostile.html")
    assert parse_head(body).title.startswith(HOSTILE)


def test_gzip_and_cache_headers(built, nginx):
    _, out, facts, _ = built
    _, headers, body = fetch(f"{nginx}/pl/map.html", **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == (out / "pl" / "map.html").read_bytes()
    assert headers["cache-control"] == "public, max-age=300"
    _, headers, _ = fetch(f"{nginx}/photos/{facts['reviewed_photo']}.jpg")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"] == "image/jpeg"
    _, headers, body = fetch(f"{nginx}/data/catalogue.geojson", **{"Accept-Encoding": "gzip"})
    assert headers["content-type"].startswith("application/geo+json")
    assert headers["access-control-allow-origin"] == "*"
    assert json.loads(gzip.decompress(body))["type"] == "FeatureCollection"
    _, headers, _ = fetch(f"{nginx}/data/events.ics")
    assert headers["content-type"].startswith("text/calendar")


def test_hidden_files_and_missing_pages_are_not_served(built, nginx):
    _, out, _, _ = built
    (out / ".hidden").write_text("bookkeeping")
    for path, code in (("/.hidden", 403), ("/pl/offer/x-pending.html", 404)):
        with pytest.raises(urllib.error.HTTPError) as err:
            fetch(nginx + path)
        assert err.value.code == code


def test_hostile_name_is_text_in_chromium_and_runs_nothing(browser, nginx):
    page = offline_page(browser, 1100, 900)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{nginx}/pl/offer/x-hostile.html")
    assert page.locator("h1").inner_text() == HOSTILE
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("main b").count() == 0  # "<b>bold</b>" in the description is text
    doc = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert doc["name"] == HOSTILE and doc["@type"] == "TouristAttraction"
    assert page.title().startswith(HOSTILE)
    screenshot(page, "publish-hostile-offer")
    # The offline search of the index shows the name as text too.
    page.goto(f"{nginx}/pl/index.html")
    page.fill("#q", "script img")
    result = page.locator("#q-results a")
    result.first.wait_for()
    assert HOSTILE in result.all_inner_texts()
    page.wait_for_timeout(300)
    assert dialogs == []
    page.context.close()


def test_offline_search_finds_offerings_without_polish_letters(browser, nginx):
    page = offline_page(browser, 1100, 900)
    page.goto(f"{nginx}/en/index.html")
    page.fill("#q", "zamek krasiczyn")
    links = page.locator("#q-results a")
    links.first.wait_for()
    assert links.count() >= 1 and all("Krasiczyn" in t for t in links.all_inner_texts())
    assert page.locator("#q-count").inner_text().startswith("Results: ")
    links.first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{nginx}/en/offer/") and page.locator("h1").inner_text()
    page.goto(f"{nginx}/en/index.html")
    page.fill("#q", "przemysl")
    page.locator("#q-results a").first.wait_for()
    screenshot(page, "publish-index-search")
    # The single-file map inside the index draws its markers with the network cut.
    frame = page.frame_locator("iframe[src='map.html']")
    frame.locator(".leaflet-container").wait_for()
    page.context.close()


def test_printed_qr_codes_open_the_static_page(built, nginx, tmp_path, monkeypatch):
    store, _, _, _ = built
    monkeypatch.setenv("PUBLIC_SITE_URL", nginx)
    frame = store.products_frame()
    row = frame[frame["id"] == "sample-019"].iloc[0].to_dict()
    card = tmp_path / "card.pdf"
    card.write_bytes(build_card(row, lang="en", base_url=APP).data)
    (link,) = decode_qr(card, 1)
    assert link == f"{nginx}/en/offer/sample-019.html"
    status, _, body = fetch(link)
    head = parse_head(body)
    assert status == 200 and row["name_en"] in head.title
    # The static page leads on to the live map.
    assert f'href="{APP}/?product=sample-019&amp;lang=en"' in body.decode()
    brochure = tmp_path / "brochure.pdf"
    chosen = frame[frame["id"].isin(["sample-019", "sample-001"])]
    brochure.write_bytes(build_brochure(chosen, fmt="a5", base_url=APP).data)
    links = [code for page in range(1, 4) for code in decode_qr(brochure, page)]
    assert f"{nginx}/pl/offer/sample-019.html" in links
    assert all(link.startswith(f"{nginx}/pl/offer/") for link in links)


def test_without_a_static_site_qr_codes_keep_the_app_link(monkeypatch):
    monkeypatch.delenv("PUBLIC_SITE_URL", raising=False)
    assert product_link("sample-019", APP, lang="en") == f"{APP}/?product=sample-019&lang=en"
    monkeypatch.setenv("PUBLIC_SITE_URL", "ftp://nope")
    with pytest.raises(ValueError, match="absolute http"):
        product_link("sample-019", APP)


def _map_checks(page, frame, offer_pages: int) -> None:
    """The map (a page or an iframe) drew one marker per offering from the district data
    files, and its own search finds an offering without Polish letters."""
    frame.locator(".leaflet-marker-icon").first.wait_for()
    count = frame.locator("#ofm-count")
    assert count.inner_text().endswith(f": {offer_pages}")
    frame.locator("#ofm-q").fill("zamek krasiczyn")
    hits = frame.locator("#ofm-results button")
    hits.first.wait_for()
    assert all("Krasiczyn" in t for t in hits.all_inner_texts())
    hits.first.click()
    frame.locator("#ofm-panel h2").wait_for()
    assert "Krasiczyn" in frame.locator("#ofm-panel h2").inner_text()


def test_the_index_map_draws_every_offering_from_the_district_files(browser, built, nginx):
    _, out, _, _ = built
    offer_pages = len(list((out / "pl" / "offer").glob("*.html")))
    page = offline_page(browser, 1100, 900)
    page.goto(f"{nginx}/pl/index.html")
    frame = page.frame_locator("iframe[src='map.html']")
    _map_checks(page, frame, offer_pages)
    screenshot(page, "publish-index-map")
    assert page.blocked_requests == []
    page.context.close()
    # The same page works without any server, opened as a file (anything else is refused).
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    refused: list[str] = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    page.goto((out / "pl" / "map.html").resolve().as_uri())
    _map_checks(page, page, offer_pages)
    assert refused == []
    context.close()
