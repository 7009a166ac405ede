"""New edit tokens for lost-link recovery and the yearly check: the old link stops working."""

from __future__ import annotations

import pytest

from catalogue.model import Product
from catalogue.storage import CatalogueStore


@pytest.fixture
def store(tmp_path):
    store = CatalogueStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    store.create_schema()
    yield store
    store.dispose()


def offering(pid: str, email: str) -> Product:
    return Product(id=pid, name_pl=pid, category="heritage", lat=50.0, lon=22.6, email=email)


def test_by_email_case_insensitive_old_tokens_refused(store):
    old_a = store.submit_new(offering("a", " Partner@Example.org"), "t")
    old_b = store.submit_new(offering("b", "partner@example.org"), "t")
    store.submit_new(offering("c", "other@example.org"), "t")
    issued = store.reissue_tokens(email="PARTNER@example.org ")
    assert sorted(p.id for p, _ in issued) == ["a", "b"]
    for product, token in issued:
        assert store.product_for_token(token).id == product.id
    assert store.product_for_token(old_a) is None and store.product_for_token(old_b) is None
    assert store.reissue_tokens(email="nobody@example.org") == []
    assert store.reissue_tokens() == []
    actions = store.audit_frame()["action"].tolist()
    assert actions.count("reissue_token") == 2
    assert not any(t in store.audit_frame().to_string() for _, t in issued)


def test_by_id(store):
    old = store.submit_new(offering("a", "x@example.org"), "t")
    [(product, token)] = store.reissue_tokens(["a"])
    assert product.id == "a" and token != old
    assert store.product_for_token(old) is None
