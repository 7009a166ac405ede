"""Rebuilds: only what changed is rewritten, archived offerings disappear, two builds at
once queue, readers never see a half-built site, and the app's background rebuild."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
import time

import pandas as pd
import pytest

from catalogue.storage import CatalogueStore
from catalogue.taxonomy import LANGUAGES
from publish import build_site, load_state, rebuild_in_background
from tests.publish.conftest import APP, SITE, mentions, offering, populate, publish_new, site_files


def snapshot(out) -> dict[str, tuple[str, int, int]]:
    return {
        path: (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_ino, f.stat().st_mtime_ns)
        for path, f in site_files(out).items()
    }


def changed(before: dict, after: dict) -> set[str]:
    return {p for p in after if p in before and after[p][0] != before[p][0]}


@pytest.fixture(scope="module")
def site(tmp_path_factory, photo_env):
    root = tmp_path_factory.mktemp("incremental")
    store = CatalogueStore(f"sqlite:///{root / 'catalogue.sqlite'}")
    populate(store)
    # Kraków Gate? No: a real place, the Jarosław town hall, well inside the sample's area.
    token = publish_new(
        store, offering("x-edit", "Ratusz w Jarosławiu", lat=50.01632, lon=22.67785)
    )
    out = root / "site"
    build_site(store, out, base_url=APP, site_url=SITE)
    yield store, out, token
    store.dispose()


def build(store, out):
    return build_site(store, out, base_url=APP, site_url=SITE)


def approve_edit(store, token, **changes):
    product = store.product_for_token(token)
    for key, value in changes.items():
        setattr(product, key, value)
    store.submit_edit(token, product)
    store.approve(store.pending_revision(product.id)["id"], actor="anna")


def test_nothing_changed_rewrites_nothing(site):
    store, out, _ = site
    before = snapshot(out)
    result = build(store, out)
    assert result.written == [] and result.kept == len(before)
    assert snapshot(out) == before


def test_an_approved_edit_rewrites_only_that_offering_and_lists_naming_it(site):
    store, out, token = site
    before = snapshot(out)
    # The DCAT modification time is given in whole seconds: let the edit fall in a later
    # second than the first build's newest offering (it failed once when both shared one).
    newest = pd.to_datetime(store.products_frame()["updated_at"], utc=True).max().floor("s")
    while pd.Timestamp.now(tz="UTC").floor("s") <= newest:
        time.sleep(0.05)
    approve_edit(store, token, description_pl="Renesansowy ratusz na środku rynku.")
    result = build(store, out)
    after = snapshot(out)
    diff = changed(before, after)
    own = {f"{lang}/offer/x-edit.html" for lang in ("pl", "en", "uk")}
    assert own <= diff
    # A description is shown on the offering's own page and in lists that carry it (the map
    # details, the open data); pages that only name it (neighbours, partner, district)
    # keep their bytes.
    assert {p for p in diff if "/offer/" in p} == own
    # The DCAT metadata names no offering but carries the dataset's modification time.
    assert "data/dcat.jsonld" in diff
    updated = store.get_product("x-edit").updated_at.replace(microsecond=0).isoformat()
    assert updated in (out / "data/dcat.jsonld").read_text()
    for path in diff - own - {"data/dcat.jsonld"}:
        assert mentions((out / path).read_bytes(), "x-edit"), path
    assert sorted(result.written) == sorted(diff)
    for path in set(before) - diff:
        assert after[path] == before[path], f"{path} was rewritten"  # same bytes, inode, mtime
    assert "Renesansowy ratusz" in (out / "pl/offer/x-edit.html").read_text()


DATA_FILES = {
    "data/catalogue.geojson",
    "data/catalogue.csv",
    "data/catalogue-excel.csv",
    "data/events.ics",
    "data/changes.json",
    "data/dcat.jsonld",
}


def test_an_approval_rewrites_its_pages_its_districts_data_and_the_open_data_only(site):
    store, out, token = site
    before = snapshot(out)
    approve_edit(store, token, description_pl="Ratusz z wieżą zegarową i krużgankami.")
    result = build(store, out)
    after = snapshot(out)
    own = {f"{lang}/offer/x-edit.html" for lang in LANGUAGES}
    district = {f"{lang}/map/1804.js" for lang in LANGUAGES}  # the details show descriptions
    allowed = own | district | {f"{lang}/search/1804.js" for lang in LANGUAGES} | DATA_FILES
    assert own | district <= set(result.written) <= allowed
    assert "Ratusz z wieżą" in (out / "pl" / "map" / "1804.js").read_text()
    for path in set(before) - set(result.written):
        assert after[path] == before[path], f"{path} was rewritten"  # bytes, inode, mtime
    assert set(after) == set(before)


def test_a_renamed_offering_changes_the_neighbours_that_list_it(site):
    store, out, token = site
    before = snapshot(out)
    approve_edit(store, token, name_pl="Ratusz na Rynku w Jarosławiu")
    build(store, out)
    after = snapshot(out)
    diff = changed(before, after)
    offers = {p for p in diff if "/offer/" in p}
    neighbours = {p for p in offers if "x-edit" not in p}
    assert neighbours, "offerings within 5 km list the new name"
    for path in neighbours:
        assert "Ratusz na Rynku w Jarosławiu" in (out / path).read_text()
    # The district's list names it (lists are keyed by what their entries show).
    for lang in LANGUAGES:
        assert f"{lang}/district/1804.html" in diff
    assert "Ratusz na Rynku w Jarosławiu" in (out / "pl/district/1804.html").read_text()
    for path in set(before) - diff:
        assert after[path] == before[path]
        if path.endswith(".html") and "x-edit" not in path:
            assert "Ratusz na Rynku" not in (out / path).read_text(), path


def test_archive_removes_its_pages_from_the_site_and_the_sitemap(site):
    store, out, _ = site
    store.archive("x-edit", "anna")
    result = build(store, out)
    for lang in ("pl", "en", "uk"):
        assert not (out / lang / "offer" / "x-edit.html").exists()
        assert f"{lang}/offer/x-edit.html" in result.removed
    assert "x-edit" not in (out / "sitemap.xml").read_text()
    assert "x-edit" not in (out / "data" / "catalogue.geojson").read_text()
    changes = json.loads((out / "data" / "changes.json").read_bytes())
    assert [r["id"] for r in changes["removed"]] == ["x-edit"]
    assert "x-edit" not in [o["id"] for o in changes["offerings"]]
    for path, file in site_files(out).items():
        if path != "data/changes.json":
            assert not mentions(file.read_bytes(), "x-edit"), path


def test_two_builds_at_once_queue_and_readers_always_see_a_whole_site(site):
    store, out, _ = site
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                assert (out / "pl" / "index.html").read_bytes().endswith(b"</html>\n")
                assert (out / "sitemap.xml").read_bytes().endswith(b"</urlset>\n")
                # Offering pages are replaced in place (publish.pagestore): always whole.
                assert (
                    (out / "pl" / "offer" / "sample-001.html").read_bytes().endswith(b"</html>\n")
                )
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    def builder():
        try:
            build_site(store, out, base_url=APP, site_url=SITE, full=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    watcher = threading.Thread(target=reader)
    watcher.start()
    threads = [threading.Thread(target=builder) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    stop.set()
    watcher.join(10)
    assert errors == []
    versions = out.parent / f".{out.name}.versions"
    assert os.path.islink(out) and (out / "pl" / "index.html").is_file()
    # Old versions cleaned; the offering pages' shared folder stays.
    assert len([p for p in versions.iterdir() if p.is_dir() and p.name.isdigit()]) <= 2
    assert not [p for p in out.parent.iterdir() if ".swap-" in p.name]


def test_background_rebuild_follows_the_catalogue(site):
    store, out, _ = site
    publish_new(store, offering("x-late", "Brama Krakowska w Jarosławiu", lat=50.0158, lon=22.6800))
    worker = rebuild_in_background(store, out, delay=0.2, poll=60)
    deadline = time.monotonic() + 60
    # The new page is in place before the swap; the build is done when the state says so.
    while (
        time.monotonic() < deadline
        and load_state(out).get("catalogue_version") != store.catalogue_version()
    ):
        time.sleep(0.2)
    assert load_state(out)["catalogue_version"] == store.catalogue_version(), worker.last_error
    assert (out / "pl/offer/x-late.html").exists()


def test_background_rebuild_never_overwrites_a_site_of_another_database(site, tmp_path):
    store, out, _ = site
    other = CatalogueStore(f"sqlite:///{tmp_path / 'other.sqlite'}")
    other.create_schema()
    worker = rebuild_in_background(other, out, delay=0.1, poll=60)
    assert worker.rebuild_if_needed() is None
    assert (out / "pl/offer/sample-001.html").exists()
    other.dispose()


def test_a_lost_record_of_the_shared_pages_means_they_are_rendered_again(site):
    store, out, _ = site
    build(store, out)  # with this test's addresses (the background rebuild used the defaults)
    before = snapshot(out)
    versions = out.parent / f".{out.name}.versions"
    record = versions / "pages.state.pickle"
    # As a site of the previous layout: the version's own state lists every page, the
    # shared folder has no record.
    state_path = versions / f"{os.readlink(out).rsplit('/', 1)[1]}.state.json"
    state = json.loads(state_path.read_text())
    state["files"].update(pickle.loads(record.read_bytes()))
    state_path.write_text(json.dumps(state))
    record.unlink()
    result = build(store, out)
    after = snapshot(out)
    assert set(after) == set(before)
    # Every offering and partner page was rendered and checked again; the same bytes.
    assert all(after[p][0] == before[p][0] for p in before)
    assert any("/offer/" in p for p in result.written)
