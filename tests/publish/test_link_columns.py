"""The registry's link columns (facebook, instagram…) on the static offering pages."""

from __future__ import annotations

import json

import pytest

from catalogue.columns import LINK_COLUMNS
from catalogue.storage import CatalogueStore
from publish import build_site
from tests.publish.conftest import APP, SITE, offering, parse_head, publish_new

pytestmark = pytest.mark.skipif(not LINK_COLUMNS, reason="the registry has no link column")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    store = CatalogueStore(f"sqlite:///{root / 'links.sqlite'}")
    store.create_schema()
    links = {c.name: f"https://www.{c.name}.com/rynek_jaroslaw?a=1&b=2" for c in LINK_COLUMNS}
    # A link column holding something that is not a web address is never a link on the page.
    publish_new(
        store, offering("x-links", "Rynek w Jarosławiu", website="https://jaroslaw.pl", **links)
    )
    publish_new(
        store, offering("x-bad", "Bez linku", **{LINK_COLUMNS[0].name: "javascript:alert(1)"})
    )
    build_site(store, root / "site", base_url=APP, site_url=SITE)
    yield root / "site", links
    store.dispose()


@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_every_link_is_on_the_page_under_its_label_and_in_jsonld(site, lang):
    out, links = site
    page = (out / lang / "offer" / "x-links.html").read_text()
    for column in LINK_COLUMNS:
        url = links[column.name].replace("&", "&amp;")
        assert f'<a href="{url}" rel="nofollow noopener">{column.label[lang]}</a>' in page
    doc = json.loads(parse_head(page).jsonld[0])
    assert doc["sameAs"] == ["https://jaroslaw.pl", *links.values()]


def test_an_address_that_is_not_http_is_left_out(site):
    out, _ = site
    page = (out / "pl" / "offer" / "x-bad.html").read_text()
    assert "javascript:" not in page
    assert "sameAs" not in json.loads(parse_head(page).jsonld[0])
