"""CatalogueStore on SQLite (and PostgreSQL with TEST_DATABASE_URL): data and lifecycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from catalogue.model import Partner, Product
from catalogue.moderation import TokenError
from catalogue.taxonomy import Status


def castle(**changes) -> Product:
    product = Product(
        id="zamek-krasiczyn",
        name_pl="Zamek w Krasiczynie",
        category="heritage",
        lat=49.77611,
        lon=22.64917,
        description_pl="Renesansowa rezydencja z czterema basztami.",
        name_en="Krasiczyn Castle",
        tags=["zamek", "renesans"],
        district_teryt="1813",
        gmina_teryt="1813042",
        partner_id="arp",
        phone="+48 166 711 321",
        free=False,
        months=[4, 5, 6, 7, 8, 9, 10],
        wheelchair="",
        family=True,
        languages=["pl", "en"],
        status=Status.PUBLISHED.value,
        source="import",
    )
    return replace(product, **changes)


ARP = Partner(id="arp", name="Agencja Rozwoju Przemysłu S.A.", sector="business", member=True)


@pytest.fixture(autouse=True)
def _partner_stored(store):
    """The castle's partner exists: ``products.partner_id`` is a foreign key."""
    store.save_partners([ARP], "staff")


def test_save_and_get_product_with_partner(store):
    assert store.save_products([castle()], "staff", partners=[ARP]) == 1
    got = store.get_product("zamek-krasiczyn")
    assert got.content_dict() == castle().content_dict()
    assert got.status == Status.PUBLISHED.value and got.created_at is not None
    assert store.get_partner("arp") == ARP
    assert store.get_product("missing") is None and store.get_partner("missing") is None


def test_update_product_keeps_created_at(store):
    store.save_products([castle()], "staff", partners=[ARP])
    created = store.get_product("zamek-krasiczyn").created_at
    event = castle(category="events", event_start=date(2027, 8, 15), event_end=date(2027, 8, 16))
    store.save_products([event], "staff")
    got = store.get_product("zamek-krasiczyn")
    assert (got.category, got.event_start, got.event_end) == (
        "events",
        date(2027, 8, 15),
        date(2027, 8, 16),
    )
    assert got.created_at == created and store.count_products() == 1


def test_partners_save_update_and_count_published(store):
    store.save_partners([ARP], "staff")
    store.save_partners([replace(ARP, website="https://arp.pl")], "staff")
    assert store.get_partner("arp").website == "https://arp.pl"
    store.save_products([castle(), castle(id="hotel", status="archived")], "staff")
    frame = store.partners_frame()
    assert list(frame["id"]) == ["arp"] and int(frame["published_count"].iloc[0]) == 1


def test_products_frame_joins_partner_and_filters_status(store):
    store.save_products(
        [castle(), castle(id="draft", status=Status.DRAFT.value)], "staff", partners=[ARP]
    )
    frame = store.products_frame()
    assert list(frame["id"]) == ["zamek-krasiczyn"]
    row = frame.iloc[0]
    assert (row["partner_name"], row["partner_sector"]) == (ARP.name, "business")
    assert row["tags"] == "zamek;renesans" and int(row["months_mask"]) == 0b1111111000
    both = store.products_frame(statuses=[Status.PUBLISHED, Status.DRAFT])
    assert sorted(both["id"]) == ["draft", "zamek-krasiczyn"]
    assert store.count_products(Status.DRAFT) == 1 and store.count_products() == 2


def test_submit_new_is_pending_until_approved(store):
    token = store.submit_new(castle(status="draft"), submitted_by="partner@example.org")
    assert store.get_product("zamek-krasiczyn").status == Status.PENDING.value
    assert store.products_frame().empty
    assert store.product_for_token(token).id == "zamek-krasiczyn"
    queue = store.moderation_queue()
    assert list(queue["kind"]) == ["new"] and queue["status"].iloc[0] == "pending"
    product = store.approve(int(queue["revision_id"].iloc[0]), "moderator")
    assert product.status == Status.PUBLISHED.value and product.decided_by == "moderator"
    assert list(store.products_frame()["id"]) == ["zamek-krasiczyn"]
    assert store.moderation_queue().empty
    assert store.get_product("zamek-krasiczyn").submitted_by == "partner@example.org"


def test_edit_of_published_is_held_while_old_version_stays_live(store):
    token = store.submit_new(castle(), submitted_by="partner")
    store.approve(int(store.moderation_queue()["revision_id"].iloc[0]), "moderator")
    revision = store.submit_edit(token, castle(name_pl="Zamek Krasickich"))
    assert store.get_product("zamek-krasiczyn").name_pl == "Zamek w Krasiczynie"
    assert store.products_frame()["name_pl"].tolist() == ["Zamek w Krasiczynie"]
    pending = store.pending_revision("zamek-krasiczyn")
    assert pending["id"] == revision and pending["kind"] == "edit"
    assert pending["data"]["name_pl"] == "Zamek Krasickich"
    store.approve(revision, "moderator")
    assert store.get_product("zamek-krasiczyn").name_pl == "Zamek Krasickich"


def test_reject_new_and_rejected_edit(store):
    token = store.submit_new(castle(), submitted_by="partner")
    revision = int(store.moderation_queue()["revision_id"].iloc[0])
    with pytest.raises(ValueError, match="reason"):
        store.reject(revision, "moderator", "  ")
    store.reject(revision, "moderator", "Brak zdjęcia i godzin otwarcia")
    rejected = store.product_for_token(token)
    assert rejected.status == Status.REJECTED.value
    assert rejected.decision_note == "Brak zdjęcia i godzin otwarcia"
    assert store.last_revision("zamek-krasiczyn")["state"] == "rejected"
    with pytest.raises(LookupError):
        store.approve(revision, "moderator")  # no longer pending

    # A rejected edit leaves the published version untouched.
    token2 = store.submit_new(castle(id="hotel", name_pl="Hotel"), submitted_by="partner")
    store.approve(store.pending_revision("hotel")["id"], "moderator")
    edit = store.submit_edit(token2, castle(id="hotel", name_pl="Hotel ***"))
    store.reject(edit, "moderator", "Gwiazdki bez kategoryzacji")
    hotel = store.get_product("hotel")
    assert (hotel.name_pl, hotel.status) == ("Hotel", Status.PUBLISHED.value)


def test_withdraw_archives_and_closes_pending_revisions(store):
    token = store.submit_new(castle(), submitted_by="partner")
    store.withdraw(token)
    assert store.get_product("zamek-krasiczyn").status == Status.ARCHIVED.value
    assert store.pending_revision("zamek-krasiczyn") is None
    assert store.last_revision("zamek-krasiczyn")["state"] == "withdrawn"
    assert store.moderation_queue().empty


def test_wrong_token(store):
    store.submit_new(castle(), submitted_by="partner")
    assert store.product_for_token("not-a-token") is None
    assert store.product_for_token("") is None
    assert store.product_for_token("x" * 500) is None
    with pytest.raises(TokenError):
        store.submit_edit("not-a-token", castle(name_pl="Hack"))
    with pytest.raises(TokenError):
        store.withdraw("not-a-token")
    assert store.get_product("zamek-krasiczyn").name_pl == "Zamek w Krasiczynie"


def test_archive(store):
    store.save_products([castle()], "staff")
    store.archive("zamek-krasiczyn", "moderator", note="zamknięty na remont")
    assert store.get_product("zamek-krasiczyn").status == Status.ARCHIVED.value
    with pytest.raises(KeyError):
        store.archive("missing", "moderator")


def test_audit_entries_record_who_did_what(store):
    token = store.submit_new(castle(), submitted_by="partner@example.org")
    revision = int(store.moderation_queue()["revision_id"].iloc[0])
    store.approve(revision, "moderator")
    store.submit_edit(token, castle(name_pl="Zamek Krasickich"))
    store.save_partners([replace(ARP, website="https://arp.pl")], "staff")
    audit = store.audit_frame()
    actions = list(zip(audit["actor"], audit["action"], audit["object_id"], strict=True))
    assert actions == [
        ("staff", "update", "arp"),
        ("partner@example.org", "submit_edit", "zamek-krasiczyn"),
        ("moderator", "approve", "zamek-krasiczyn"),
        ("partner@example.org", "submit", "zamek-krasiczyn"),
        ("staff", "create", "arp"),
    ]
    approve = audit[audit["action"] == "approve"].iloc[0]
    assert (
        '"status": "pending"' in approve["before"] and '"status": "published"' in approve["after"]
    )


def test_catalogue_version_bumps_on_every_write(store):
    versions = [store.catalogue_version()]
    token = store.submit_new(castle(), submitted_by="partner")
    versions.append(store.catalogue_version())
    store.approve(store.pending_revision("zamek-krasiczyn")["id"], "moderator")
    versions.append(store.catalogue_version())
    store.submit_edit(token, castle(name_pl="Nowa"))
    versions.append(store.catalogue_version())
    store.save_partners([ARP], "staff")
    versions.append(store.catalogue_version())
    store.archive("zamek-krasiczyn", "moderator")
    versions.append(store.catalogue_version())
    assert versions == sorted(set(versions)) and len(versions) == 6
    store.products_frame()  # reading does not bump
    assert store.catalogue_version() == versions[-1]


def test_pending_products_saved_in_bulk_join_the_queue(store):
    store.save_products([castle()], "staff")
    store.save_products(
        [castle(name_pl="Zmieniony", status="pending"), castle(id="nowy", status="pending")],
        "importer",
    )
    assert store.get_product("zamek-krasiczyn").name_pl == "Zamek w Krasiczynie"
    assert store.get_product("nowy").status == Status.PENDING.value
    queue = store.moderation_queue().set_index("product_id")
    assert queue.loc["zamek-krasiczyn", "kind"] == "edit" and queue.loc["nowy", "kind"] == "new"
    assert queue.loc["nowy", "submitted_by"] == "importer"
