"""The embedded default serves the static site through the app's own static serving
(``/app/static/…``): its version symlink and the offering pages' shared folder
(publish.pagestore) are followed, and an approved edit shows after the rebuild."""

from __future__ import annotations

import shutil
import urllib.request
import uuid

import pytest

from catalogue.sample_loading import load_sample_catalogue
from catalogue.storage import CatalogueStore
from mapview.assets import STATIC_DIR
from publish import build_site


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback http
        return response.status, response.read().decode("utf-8")


@pytest.fixture
def site_in_static(tmp_path):
    store = CatalogueStore(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
    store.create_schema()
    load_sample_catalogue(store)
    out = STATIC_DIR / f"pytest-site-{uuid.uuid4().hex[:8]}"
    try:
        yield store, out
    finally:
        store.dispose()
        for path in (out, out.parent / f".{out.name}.versions", out.parent / f".{out.name}.lock"):
            if path.is_symlink() or path.is_file():
                path.unlink()
            else:
                shutil.rmtree(path, ignore_errors=True)


def test_the_app_serves_the_site_and_an_approved_edit_after_the_rebuild(app_server, site_in_static):
    store, out = site_in_static
    build_site(store, out, base_url=app_server)
    url = f"{app_server}/app/static/{out.name}"
    status, index = _get(f"{url}/pl/index.html")
    assert status == 200 and index.rstrip().endswith("</html>")
    status, page = _get(f"{url}/pl/offer/sample-001.html")
    assert status == 200
    name = store.get_product("sample-001").name_pl
    assert f"<title>{name}" in page

    [(product, token)] = store.reissue_tokens(["sample-001"])
    product.description_pl = "Opis po zatwierdzonej zmianie, widoczny w statycznej stronie."
    store.submit_edit(token, product)
    store.approve(store.pending_revision("sample-001")["id"], actor="anna")
    build_site(store, out, base_url=app_server)
    status, page = _get(f"{url}/pl/offer/sample-001.html")
    assert status == 200 and "widoczny w statycznej stronie" in page
