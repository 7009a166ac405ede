"""Storing an import (``CatalogueStore.save_products``): what lands in every table.

The expected rows, revisions and audit entries are written out here from the products given,
not read from the code under test, for a mixed save: new offerings, updates of existing ones,
offerings of an existing partner, a new and a changed partner, pending rows (new, an edit of
a published offering, an edit of a pending one) and an archived one. Runs on SQLite and, with
``TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from catalogue.lifecycle import TransitionError
from catalogue.model import Partner, Product
from catalogue.schema import audit_table, partners_table, products_table, revisions_table
from catalogue.taxonomy import Status

OLD_PARTNER = Partner(id="stary-partner", name="Stary partner", sector="ngo")
CHANGED_PARTNER = Partner(id="zmieniany-partner", name="Przed zmianą", sector="ngo")
NEW_PARTNER = Partner(id="nowy-partner", name="Nowy partner", sector="social_economy")


def offering(product_id: str, name: str, **fields) -> Product:
    """A valid offering in Jarosław."""
    values = {
        "category": "heritage",
        "lat": 50.0163,
        "lon": 22.6777,
        "district_teryt": "1804",
        "gmina_teryt": "1804011",
        "source": "import",
        "status": Status.PUBLISHED.value,
    }
    return Product(id=product_id, name_pl=name, **(values | fields))


def rows(store, table, order) -> list[dict]:
    with store.read() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(order)).mappings()]


def product_rows(store) -> dict[str, dict]:
    return {r["id"]: r for r in rows(store, products_table, products_table.c.id)}


def audit_after(store, since: int) -> list[dict]:
    entries = rows(store, audit_table, audit_table.c.id)
    return [e for e in entries if e["id"] > since]


def last_audit_id(store) -> int:
    entries = rows(store, audit_table, audit_table.c.id)
    return entries[-1]["id"] if entries else 0


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def decoded(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


def comparable(row: dict) -> dict:
    """A stored row as the audit log's JSON holds it, without its times (SQLite hands them
    back without a zone) and without the edit token's hash."""
    skip = {"created_at", "updated_at", "decided_at", "edit_token_hash"}
    return json.loads(json.dumps({k: v for k, v in row.items() if k not in skip}, default=str))


@pytest.fixture
def seeded(store):
    """Two published offerings of the old partner and the partner about to change."""
    store.save_partners([OLD_PARTNER, CHANGED_PARTNER], actor="seed")
    store.save_products(
        [
            offering("zmieniana", "Przed zmianą", partner_id=OLD_PARTNER.id, tags=["a"]),
            offering("druga", "Druga", partner_id=CHANGED_PARTNER.id, months=[5, 6]),
        ],
        actor="seed",
    )
    return store


def test_mixed_published_save_writes_exactly_these_rows(seeded):
    store = seeded
    before = product_rows(store)
    version = store.catalogue_version()
    since = last_audit_id(store)
    started = datetime.now(UTC)
    changed_partner = replace(CHANGED_PARTNER, name="Po zmianie", website="https://example.org")
    products = [
        offering("zmieniana", "Po zmianie", partner_id=OLD_PARTNER.id, tags=["b", "c"]),
        offering("nowa-starego", "Nowa starego partnera", partner_id=OLD_PARTNER.id),
        offering(
            "nowa-nowego",
            "Nowa nowego partnera",
            partner_id=NEW_PARTNER.id,
            months=[1, 12],
            languages=["pl", "uk"],
            family=True,
            wheelchair="limited",
        ),
    ]
    assert (
        store.save_products(
            products, actor="staff", partners=[OLD_PARTNER, NEW_PARTNER, changed_partner]
        )
        == 3
    )

    after = product_rows(store)
    assert set(after) == {"zmieniana", "druga", "nowa-starego", "nowa-nowego"}
    assert after["druga"] == before["druga"]
    expected = {
        "zmieniana": {"name_pl": "Po zmianie", "tags": "b;c", "partner_id": OLD_PARTNER.id},
        "nowa-starego": {"name_pl": "Nowa starego partnera", "partner_id": OLD_PARTNER.id},
        "nowa-nowego": {
            "name_pl": "Nowa nowego partnera",
            "partner_id": NEW_PARTNER.id,
            "months_mask": 0b100000000001,
            "languages": "pl;uk",
            "family": True,
            "wheelchair": "limited",
        },
    }
    for product_id, values in expected.items():
        row = after[product_id]
        assert {k: row[k] for k in values} == values
        assert row["status"] == Status.PUBLISHED.value and row["source"] == "import"
        assert utc(row["updated_at"]) >= started
    # An update keeps its creation time; a new row is created now.
    assert after["zmieniana"]["created_at"] == before["zmieniana"]["created_at"]
    assert utc(after["nowa-starego"]["created_at"]) >= started

    partners = {r["id"]: r for r in rows(store, partners_table, partners_table.c.id)}
    assert partners[CHANGED_PARTNER.id]["name"] == "Po zmianie"
    assert partners[NEW_PARTNER.id]["sector"] == "social_economy"
    assert partners[OLD_PARTNER.id]["updated_at"] == partners[OLD_PARTNER.id]["created_at"]

    entries = audit_after(store, since)
    assert [(e["action"], e["object_type"], e["object_id"]) for e in entries] == [
        ("create", "partner", NEW_PARTNER.id),
        ("update", "partner", CHANGED_PARTNER.id),
        ("import", "product", "zmieniana"),
        ("import", "product", "nowa-starego"),
        ("import", "product", "nowa-nowego"),
    ]
    assert {e["actor"] for e in entries} == {"staff"} and {e["note"] for e in entries} == {""}
    assert decoded(entries[0]["before"]) is None
    assert decoded(entries[0]["after"]) == json.loads(json.dumps(asdict(NEW_PARTNER)))
    assert decoded(entries[1]["before"])["name"] == "Przed zmianą"
    assert decoded(entries[1]["after"]) == json.loads(json.dumps(asdict(changed_partner)))
    # Each product entry holds the row before (None for a new one) and the row written.
    for entry in entries[2:]:
        product_id = entry["object_id"]
        old = before.get(product_id)
        assert (decoded(entry["before"]) is None) == (old is None)
        if old is not None:
            assert comparable(decoded(entry["before"])) == comparable(old)
        assert comparable(decoded(entry["after"])) == comparable(after[product_id])
        assert "edit_token_hash" not in decoded(entry["after"])
    assert store.catalogue_version() == version + 1


def test_pending_save_queues_revisions_like_submissions(seeded):
    store = seeded
    # "czekajaca" waits for review already (an earlier pending import).
    store.save_products(
        [offering("czekajaca", "Pierwsza wersja", status=Status.PENDING.value)], actor="seed"
    )
    (first_revision,) = rows(store, revisions_table, revisions_table.c.id)
    before = product_rows(store)
    version = store.catalogue_version()
    since = last_audit_id(store)
    products = [
        offering("zmieniana", "Zmiana do przejrzenia", status=Status.PENDING.value),
        offering("czekajaca", "Druga wersja", status=Status.PENDING.value),
        offering("calkiem-nowa", "Całkiem nowa", status=Status.PENDING.value, submitted_by="Ola"),
    ]
    store.save_products(products, actor="staff")

    after = product_rows(store)
    # The published offering stays live as it was until the edit is approved.
    assert after["zmieniana"] == before["zmieniana"]
    assert after["czekajaca"]["name_pl"] == "Druga wersja"
    assert after["czekajaca"]["status"] == Status.PENDING.value
    assert after["czekajaca"]["created_at"] == before["czekajaca"]["created_at"]
    assert after["calkiem-nowa"]["status"] == Status.PENDING.value
    assert after["calkiem-nowa"]["submitted_by"] == "Ola"
    assert after["czekajaca"]["submitted_by"] == "staff"
    for product_id in ("czekajaca", "calkiem-nowa"):
        assert after[product_id]["decided_by"] == "" and after[product_id]["decided_at"] is None

    revisions = rows(store, revisions_table, revisions_table.c.id)
    assert revisions[0]["id"] == first_revision["id"]
    assert revisions[0]["state"] == "withdrawn" and revisions[0]["decided_by"] == "staff"
    assert [(r["product_id"], r["kind"], r["state"], r["submitted_by"]) for r in revisions[1:]] == [
        ("zmieniana", "edit", "pending", "staff"),
        ("czekajaca", "new", "pending", "staff"),
        ("calkiem-nowa", "new", "pending", "Ola"),
    ]
    assert [json.loads(r["data"])["name_pl"] for r in revisions[1:]] == [
        "Zmiana do przejrzenia",
        "Druga wersja",
        "Całkiem nowa",
    ]

    entries = audit_after(store, since)
    assert [(e["action"], e["object_id"], e["note"]) for e in entries] == [
        ("import", "zmieniana", "held for review"),
        ("import", "czekajaca", "held for review"),
        ("import", "calkiem-nowa", "held for review"),
    ]
    assert comparable(decoded(entries[0]["before"])) == comparable(before["zmieniana"])
    assert decoded(entries[2]["before"]) is None
    for entry, revision in zip(entries, revisions[1:], strict=True):
        assert decoded(entry["after"]) == json.loads(revision["data"]) | {"status": "pending"}
    assert store.catalogue_version() == version + 1


def test_archived_save_withdraws_what_waits(seeded):
    store = seeded
    store.save_products(
        [offering("druga", "Druga, poprawiona", status=Status.PENDING.value)], actor="partner"
    )
    store.save_products([offering("druga", "Druga", status=Status.ARCHIVED.value)], actor="staff")
    assert product_rows(store)["druga"]["status"] == Status.ARCHIVED.value
    (revision,) = rows(store, revisions_table, revisions_table.c.id)
    assert (revision["state"], revision["decided_by"]) == ("withdrawn", "staff")


def test_a_forbidden_move_stores_nothing(seeded):
    store = seeded
    before = product_rows(store)
    version, since = store.catalogue_version(), last_audit_id(store)
    products = [
        offering("jeszcze-jedna", "Jeszcze jedna"),
        # A published offering cannot go back to draft by import.
        offering("zmieniana", "Szkic", status=Status.DRAFT.value),
    ]
    with pytest.raises(TransitionError):
        store.save_products(products, actor="staff", partners=[NEW_PARTNER])
    assert product_rows(store) == before
    assert audit_after(store, since) == []
    assert store.get_partner(NEW_PARTNER.id) is None
    assert store.catalogue_version() == version
