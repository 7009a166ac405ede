"""The offering and partner pages' shared folder: one copy of each page for every version, pages
replaced whole, a build that stops half-way repaired by the next."""

from __future__ import annotations

import os

import pytest

from publish.pagestore import SharedPages, is_shared_page


def page(text: str):
    return lambda: f"<html>{text}</html>\n".encode()


def test_only_offering_and_partner_pages_go_to_the_store():
    assert is_shared_page("pl/offer/sample-001.html")
    assert is_shared_page("uk/offer/x.html")
    assert is_shared_page("en/partner/p1.html")
    for other in ("pl/district/1804.html", "pl/index.html", "pl/map/1804.js", "sitemap.xml"):
        assert not is_shared_page(other)
    assert not is_shared_page("data/catalogue.csv") and not is_shared_page("pl/offer/a/b.html")


def test_a_page_is_rendered_once_per_key_and_written_once_per_bytes(tmp_path):
    store = SharedPages(tmp_path, fresh=True)
    assert store.write([("pl/offer/a.html", "k1", page("a"))], trust_keys=True) == [
        "pl/offer/a.html"
    ]
    inode = os.stat(store.path("pl/offer/a.html")).st_ino

    def never():
        raise AssertionError("a page with its recorded key must not be rendered")

    reopened = SharedPages(tmp_path, fresh=False)
    assert reopened.write([("pl/offer/a.html", "k1", never)], trust_keys=True) == []
    # A new key that renders the same bytes: rendered, not rewritten (same file).
    assert reopened.write([("pl/offer/a.html", "k2", page("a"))], trust_keys=True) == []
    assert os.stat(store.path("pl/offer/a.html")).st_ino == inode
    # A full build renders everything and rewrites a page missing on disk.
    os.unlink(store.path("pl/offer/a.html"))
    assert reopened.write([("pl/offer/a.html", "k2", page("a"))], trust_keys=False) == [
        "pl/offer/a.html"
    ]


def test_a_build_that_stops_half_way_is_repaired_by_the_next(tmp_path):
    store = SharedPages(tmp_path, fresh=True)
    store.write(
        [("pl/offer/a.html", "a1", page("a1")), ("pl/offer/b.html", "b1", page("b1"))], True
    )

    def broken():
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        store.write(
            [("pl/offer/a.html", "a2", page("a2")), ("pl/offer/b.html", "b2", broken)], True
        )
    # a.html already holds a2's bytes while the state on disk still says a1: the next build
    # must not trust it, even if the catalogue went back to what made a1.
    assert b"a2" in open(store.path("pl/offer/a.html"), "rb").read()
    reopened = SharedPages(tmp_path, fresh=False)
    assert "pl/offer/a.html" not in reopened.files and "pl/offer/b.html" not in reopened.files
    reopened.write(
        [("pl/offer/a.html", "a1", page("a1")), ("pl/offer/b.html", "b1", page("b1"))], True
    )
    assert b"a1" in open(store.path("pl/offer/a.html"), "rb").read()


def test_removed_pages_leave_the_folder_and_the_state(tmp_path):
    store = SharedPages(tmp_path, fresh=True)
    store.write([("pl/offer/a.html", "a", page("a")), ("en/offer/a.html", "a", page("a"))], True)
    store.remove(["pl/offer/a.html", "pl/offer/never-there.html"])
    assert not os.path.exists(store.path("pl/offer/a.html"))
    assert set(SharedPages(tmp_path, fresh=False).files) == {"en/offer/a.html"}
    # A first build into an empty site starts the store empty.
    assert SharedPages(tmp_path, fresh=True).files == {}
    assert not os.path.exists(store.path("en/offer/a.html"))


def test_every_version_links_the_one_folder(tmp_path):
    store = SharedPages(tmp_path, fresh=True)
    store.write([("pl/offer/a.html", "a", page("a"))], True)
    for version in ("000001", "000002"):
        store.link_into(tmp_path / version, ["pl", "en"])
        assert os.path.islink(tmp_path / version / "pl" / "offer")
        assert (tmp_path / version / "pl" / "offer" / "a.html").read_bytes() == b"<html>a</html>\n"
    # Relative links: the whole folder can move (or be served from another mount point).
    assert not os.readlink(tmp_path / "000001" / "pl" / "offer").startswith("/")
