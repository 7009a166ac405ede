"""The site built from the sample: pages in three languages, nothing unpublished, JSON-LD,
head tags, sitemap and the open data files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from catalogue.importing import import_file
from catalogue.storage import CatalogueStore
from catalogue.taxonomy import LANGUAGES
from geodata import DISTRICT_TERYTS
from publish import build_site
from publish.pages import SCHEMA_TYPES
from tests.publish.conftest import APP, HOSTILE, PHOTO_AUTHOR, SITE, parse_head, site_files

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_published_offering_has_a_page_in_three_languages(built):
    store, out, _ = built
    frame = store.products_frame()
    assert len(frame) > 90  # the sample and the published test offerings
    for row in frame.to_dict("records"):
        for lang in LANGUAGES:
            page = out / lang / "offer" / f"{row['id']}.html"
            head = parse_head(page.read_bytes())
            name = row[f"name_{lang}"] or row["name_pl"]
            assert head.lang == lang
            assert name in head.title and head.h1.strip() == name
            assert head.meta["og:title"] == [head.title]
            assert head.meta["description"][0].strip()
            assert head.meta["twitter:card"]
            canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
            assert canonical == [f"{SITE}/{lang}/offer/{row['id']}.html"]
            hreflang = {
                link["hreflang"]: link["href"] for link in head.links if link.get("hreflang")
            }
            assert set(hreflang) == {"pl", "en", "uk", "x-default"}
            assert hreflang["uk"] == f"{SITE}/uk/offer/{row['id']}.html"


def test_nothing_unpublished_and_no_unreviewed_photo_anywhere(built):
    store, out, facts = built
    files = site_files(out)
    assert f"photos/{facts['reviewed_photo']}.jpg" in files
    forbidden = [b"NOT-PUBLIC", b"x-pending", b"x-rejected", facts["unreviewed_photo"].encode()]
    for path, file in files.items():
        data = file.read_bytes()
        for word in forbidden:
            assert word not in data, f"{word!r} in {path}"
        # An archived offering that was never removed from a previous build is not named
        # at all (its removal is listed only once it had been public on the site).
        assert b"x-archived" not in data, path
    page = (out / "pl" / "offer" / "x-photo.html").read_text()
    assert f"{SITE}/photos/{facts['reviewed_photo']}.jpg" in page
    assert parse_head(page).meta["og:image"] == [f"{SITE}/photos/{facts['reviewed_photo']}.jpg"]


def test_jsonld_parses_with_the_category_type(built):
    store, out, _ = built
    for row in store.products_frame().to_dict("records"):
        for lang in LANGUAGES:
            head = parse_head((out / lang / "offer" / f"{row['id']}.html").read_bytes())
            assert len(head.jsonld) == 1
            doc = json.loads(head.jsonld[0])
            assert doc["@type"] == SCHEMA_TYPES[row["category"]]
            geo = doc["geo"] if doc["@type"] != "Event" else doc["location"]["geo"]
            assert (geo["latitude"], geo["longitude"]) == (row["lat"], row["lon"])
            place = doc if doc["@type"] != "Event" else doc["location"]
            assert place["containedInPlace"]["identifier"] == f"TERYT {row['district_teryt']}"
    event = json.loads(parse_head((out / "en/offer/x-event.html").read_bytes()).jsonld[0])
    assert event["startDate"] == "2027-08-14" and event["endDate"] == "2027-08-16"
    assert event["isAccessibleForFree"] is True


def test_photo_and_text_credits_on_the_page_and_in_jsonld(built):
    _, out, facts = built
    page = (out / "pl" / "offer" / "x-photo.html").read_text()
    assert "<b>Gospodyń</b>" not in page  # the partner's text is escaped
    assert (
        '<figcaption class="credit">Fot.: Koło &lt;b&gt;Gospodyń&lt;/b&gt; &amp; Co, CC BY 4.0'
        "</figcaption>" in page
    )
    assert '<p class="credit">Tekst: Stowarzyszenie Testowe, CC BY-SA 4.0</p>' in page
    en = (out / "en" / "offer" / "x-photo.html").read_text()
    assert "Photo: Koło &lt;b&gt;" in en and "Text: Stowarzyszenie Testowe" in en
    doc = json.loads(parse_head(page).jsonld[0])
    assert doc["image"] == {
        "@type": "ImageObject",
        "contentUrl": f"{SITE}/photos/{facts['reviewed_photo']}.jpg",
        "url": f"{SITE}/photos/{facts['reviewed_photo']}.jpg",
        "creditText": PHOTO_AUTHOR,
        "license": "https://creativecommons.org/licenses/by/4.0/deed.pl",
    }
    # Without a credit nothing is claimed: no caption, the image stays a plain URL.
    plain = (out / "pl" / "offer" / "sample-001.html").read_text()
    assert 'class="credit"' not in plain


def test_hostile_text_is_escaped_in_html_and_jsonld(built):
    _, out, _ = built
    raw = (out / "pl" / "offer" / "x-hostile.html").read_text()
    assert "<img src=x" not in raw and "<b>bold</b>" not in raw
    head = parse_head(raw)
    assert head.h1 == HOSTILE
    doc = json.loads(head.jsonld[0])
    assert doc["name"] == HOSTILE and doc["description"].startswith(HOSTILE)
    # Inside the script block no "<" survives, so "</script>" cannot end it early.
    assert "<" not in head.jsonld[0]


def test_offering_page_shows_the_facts_and_links(built):
    _, out, _ = built
    page = (out / "en" / "offer" / "sample-001.html").read_text()
    assert f'href="{APP}/?product=sample-001&amp;lang=en"' in page  # the interactive map
    assert "openstreetmap.org/directions" in page and "google.com/maps/dir" in page
    assert f'href="{SITE}/en/district/1862.html"' in page
    assert "Nearby (within 5 km)" in page and f"{SITE}/en/offer/sample-002.html" in page
    uk = (out / "uk" / "offer" / "x-photo.html").read_text()
    assert "Показано польською" in uk and 'lang="pl"' in uk  # fallback marked


def test_partner_and_district_pages(built):
    store, out, _ = built
    partners = store.partners_frame()
    social = partners[(partners["sector"] == "social_economy") & (partners["published_count"] > 0)]
    assert not social.empty
    pid = social.iloc[0]["id"]
    page = (out / "pl" / "partner" / f"{pid}.html").read_text()
    assert "★ Ekonomia społeczna" in page
    assert parse_head(page).title == social.iloc[0]["name"]
    district = (out / "en" / "district" / "1804.html").read_text()
    assert "x-event.html" in district and "x-pending" not in district


def test_index_has_the_map_and_offline_search(built):
    _, out, _ = built
    index = (out / "pl" / "index.html").read_text()
    assert '<iframe src="map.html"' in index
    # The map and the search carry no offering themselves: one data file per district
    # (plus one for anything outside the five), so one approval rewrites one district's.
    buckets = [*DISTRICT_TERYTS, "other"]
    for bucket in buckets:
        assert f'<script src="search/{bucket}.js">' in index
    page = (out / "pl" / "map.html").read_text()
    assert page.count("L.map(") == 1 and "sample-001" not in page
    for bucket in buckets:
        assert f'<script src="map/{bucket}.js"></script>' in page
    data = {b: (out / "pl" / "search" / f"{b}.js").read_text() for b in buckets}
    markers = {b: (out / "pl" / "map" / f"{b}.js").read_text() for b in buckets}
    for bucket in buckets:
        assert data[bucket].startswith("(window.SITE_SEARCH_PARTS=")
        assert markers[bucket].startswith("(window.OFFLINE_MAP_PARTS=")
        assert "<" not in data[bucket] + markers[bucket]  # the hostile name travels as \u003c
    sample = store_district(built, "sample-001")
    assert "sample-001.html" in data[sample] and '"sample-001"' in markers[sample]
    for bucket in set(buckets) - {sample}:
        assert "sample-001" not in data[bucket] + markers[bucket]


def store_district(built, pid: str) -> str:
    frame = built[0].products_frame()
    return str(frame.loc[frame["id"] == pid, "district_teryt"].iloc[0])


def test_sitemap_and_robots_list_every_page(built):
    store, out, _ = built
    sitemap = (out / "sitemap.xml").read_text()
    for row in store.products_frame().to_dict("records"):
        for lang in LANGUAGES:
            assert f"<loc>{SITE}/{lang}/offer/{row['id']}.html</loc>" in sitemap
    pages = [p for p in site_files(out) if p.endswith(".html") and "/" in p]
    assert sitemap.count("<loc>") == len([p for p in pages if not p.endswith("map.html")])
    assert f"Sitemap: {SITE}/sitemap.xml" in (out / "robots.txt").read_text()


def test_geojson_is_rfc7946(built):
    store, out, _ = built
    doc = json.loads((out / "data" / "catalogue.geojson").read_bytes())
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    published = store.products_frame().set_index("id")
    assert {f["id"] for f in doc["features"]} == set(published.index)
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (
            published.at[feature["id"], "lat"],
            published.at[feature["id"], "lon"],
        )
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and lon < lat  # Poland: lon 22, lat 50
        assert "status" not in feature["properties"]


def test_events_ics_parses_with_icalendar(built):
    _, out, _ = built
    cal = Calendar.from_ical((out / "data" / "events.ics").read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    event = events["x-event@mapa.example.org"]
    assert str(event["summary"]) == "Jarmark Jarosławski (test)"
    assert event.decoded("dtstart").isoformat() == "2027-08-14"
    assert event.decoded("dtend").isoformat() == "2027-08-17"  # exclusive end
    assert str(event["url"]) == f"{SITE}/pl/offer/x-event.html"
    # The same writer as the map's downloads: the yearly recurrence is in the open data too.
    assert event["rrule"].to_ical() == b"FREQ=YEARLY"
    assert event.decoded("dtstamp").tzinfo is not None


def test_excel_csv_reimports_through_the_importer(built, tmp_path):
    store, out, _ = built
    data = (out / "data" / "catalogue-excel.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["id", "name", "category", "lat", "lon"]
    assert rows[1][3].count(",") == 1 and "." not in rows[1][3]  # decimal comma
    fresh = CatalogueStore(f"sqlite:///{tmp_path / 'again.sqlite'}")
    fresh.create_schema()
    result = import_file(fresh, data, filename="catalogue-excel.csv")
    assert result.report.ok, result.report.to_text("en")
    again = fresh.products_frame().set_index("id")
    before = store.products_frame().set_index("id")
    assert set(again.index) == set(before.index)
    assert again.at["sample-001", "lat"] == before.at["sample-001", "lat"]
    assert again.at["x-hostile", "name_pl"] == HOSTILE
    fresh.dispose()


def test_dcat_and_changes_feed(built):
    store, out, _ = built
    dcat = json.loads((out / "data" / "dcat.jsonld").read_bytes())
    assert dcat["@type"] == "dcat:Catalog"
    dataset = dcat["dcat:dataset"][0]
    assert dataset["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    urls = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
    assert f"{SITE}/data/catalogue.geojson" in urls and f"{SITE}/data/events.ics" in urls
    changes = json.loads((out / "data" / "changes.json").read_bytes())
    ids = [o["id"] for o in changes["offerings"]]
    assert set(ids) == set(store.products_frame()["id"]) and changes["removed"] == []
    stamps = [o["updated"] for o in changes["offerings"]]
    assert stamps == sorted(stamps, reverse=True) and all(stamps)


def test_licence_is_configurable_and_checked(built, tmp_path):
    store, _, _ = built
    out = tmp_path / "site"
    build_site(store, out, base_url=APP, site_url=SITE, licence="CC0-1.0")
    dcat = json.loads((out / "data" / "dcat.jsonld").read_bytes())
    assert "publicdomain/zero" in dcat["dct:license"]["@id"]
    with pytest.raises(ValueError, match="unknown licence 'GPL'"):
        build_site(store, out, base_url=APP, site_url=SITE, licence="GPL")


def test_a_directory_not_built_by_publish_is_refused(built, tmp_path):
    store, _, _ = built
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a site built by publish"):
        build_site(store, tmp_path / "site", base_url=APP, site_url=SITE)
    assert (tmp_path / "site" / "precious.txt").read_text() == "keep me"


def test_command_line_imports_then_publishes(built, tmp_path, monkeypatch, capsys):
    from publish.__main__ import main

    _, out, _ = built
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "fresh.sqlite"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    site = tmp_path / "site"
    data = out / "data" / "catalogue-excel.csv"
    args = ["--out", str(site), "--base-url", APP, "--site-url", SITE, "--import", str(data)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "files written" in printed
    assert (site / "pl" / "offer" / "x-hostile.html").is_file()
    assert main(["--out", str(site), "--base-url", APP, "--site-url", SITE]) == 0
    assert "0 files written" in capsys.readouterr().out
    assert main(["--out", str(site), "--site-url", "ftp://x"]) == 2
    assert "absolute http(s) URL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--import", str(REPO_ROOT / "tests/data/catalogue/problems.csv")], 1, "Imported 0"),
        (["--site-url", "ftp://x"], 2, "absolute http(s) URL"),
    ],
)
def test_python_dash_m_publish(tmp_path, args, code, says):
    # One real process per exit code but 0 (a whole build; main() above builds in-process).
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CATALOGUE_DB=str(tmp_path / "c.sqlite"), PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "publish", "--out", str(tmp_path / "site"), *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert says in done.stdout + done.stderr
    assert not (tmp_path / "site").exists()
