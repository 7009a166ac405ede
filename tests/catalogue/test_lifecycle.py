"""The lifecycle table, walked completely through the store: every (state, action) pair
either reaches the state the table lists or raises and leaves the database unchanged."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
import sqlalchemy as sa

from catalogue import lifecycle
from catalogue.database import now_utc
from catalogue.lifecycle import Action, Role, Subject, TransitionError
from catalogue.model import Product
from catalogue.moderation import hash_token
from catalogue.schema import metadata, products_table, revisions_table
from catalogue.taxonomy import Status

# The role each store method acts as (see the methods' docstrings).
ROLE = {
    Action.SUBMIT: Role.PARTNER,
    Action.IMPORT_PUBLISHED: Role.IMPORT,
    Action.IMPORT_PENDING: Role.IMPORT,
    Action.IMPORT_DRAFT: Role.IMPORT,
    Action.IMPORT_ARCHIVED: Role.IMPORT,
    Action.SUBMIT_EDIT: Role.PARTNER,
    Action.ADD_PHOTOS: Role.PARTNER,
    Action.REMOVE_PHOTO: Role.PARTNER,
    Action.APPROVE: Role.STAFF,
    Action.REJECT: Role.STAFF,
    Action.ARCHIVE: Role.STAFF,
    Action.WITHDRAW: Role.PARTNER,
    Action.CONFIRM_CURRENT: Role.STAFF,
}
IMPORT_STATUS = {
    Action.IMPORT_PUBLISHED: "published",
    Action.IMPORT_PENDING: "pending",
    Action.IMPORT_DRAFT: "draft",
    Action.IMPORT_ARCHIVED: "archived",
}


def offering(product_id: str, **changes) -> Product:
    product = Product(
        id=product_id,
        name_pl="Zamek w Krasiczynie",
        category="heritage",
        lat=49.77611,
        lon=22.64917,
        district_teryt="1813",
        gmina_teryt="1813042",
        source="import",
    )
    return replace(product, **changes)


def snapshot(store) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused action changed nothing."""
    with store.read() as conn:
        return {
            name: sorted(tuple(map(str, row)) for row in conn.execute(sa.select(table)))
            for name, table in metadata.tables.items()
        }


def add_pending_revision(store, product_id: str) -> None:
    """A pending revision by SQL, as a database from before the lifecycle table may hold."""
    with store.write() as conn:
        conn.execute(
            revisions_table.insert().values(
                product_id=product_id,
                kind="new",
                data=json.dumps(offering(product_id, name_pl="Stara kolejka").content_dict()),
                state="pending",
                submitted_by="partner",
                submitted_at=now_utc(),
                decided_by="",
                reason="",
            )
        )


def make(store, state: str | None, product_id: str) -> str | None:
    """An offering ``product_id`` in ``state`` reached through the store; its edit token."""
    if state is None:
        return None
    if state == Status.DRAFT.value:
        store.save_products([offering(product_id, status="draft")], "test")
        token = f"token-{product_id}"
        with store.write() as conn:
            conn.execute(
                products_table.update()
                .where(products_table.c.id == product_id)
                .values(edit_token_hash=hash_token(token))
            )
        return token
    token = store.submit_new(offering(product_id), "partner")
    revision = store.pending_revision(product_id)["id"]
    if state == Status.PUBLISHED.value:
        store.approve(revision, "anna")
    elif state == Status.REJECTED.value:
        store.reject(revision, "anna", "brak zdjęć")
    elif state == Status.ARCHIVED.value:
        store.approve(revision, "anna")
        store.archive(product_id, "anna")
    assert store.get_product(product_id).status == state
    return token


PHOTO = {"path": "products/x.jpg", "thumb_path": "products/x_t.jpg", "width": 8, "height": 8}


def act(store, action: Action, product_id: str, token: str | None) -> None:
    """Take ``action`` on the offering through the store method that does it."""
    if action in IMPORT_STATUS:
        store.save_products([offering(product_id, status=IMPORT_STATUS[action])], "cli")
    elif action == Action.SUBMIT_EDIT:
        store.submit_edit(token or "no-such-token", offering(product_id, name_pl="Zmieniony"))
    elif action == Action.ADD_PHOTOS:
        store.add_photos(product_id, [PHOTO | {"id": f"ph-{product_id}"}])
    elif action == Action.REMOVE_PHOTO:
        store.remove_photo(product_id, f"ph0-{product_id}", "partner")
    elif action in (Action.APPROVE, Action.REJECT):
        pending = store.pending_revision(product_id)
        revision = pending["id"] if pending else 10**9
        if action == Action.APPROVE:
            store.approve(revision, "anna")
        else:
            store.reject(revision, "anna", "nie")
    elif action == Action.ARCHIVE:
        store.archive(product_id, "anna")
    elif action == Action.WITHDRAW:
        store.withdraw(token or "no-such-token")
    elif action == Action.CONFIRM_CURRENT:
        store.confirm_current(product_id, "anna")
    else:  # pragma: no cover - every action has a branch
        raise AssertionError(action)


STATES = [None, *lifecycle.STATES[Subject.OFFERING]]
# Submitting never addresses an existing offering, and removing a photo of a missing
# offering finds no photo: both have their own tests below.
PAIRS = [
    (s, a)
    for s, a in itertools.product(STATES, Action)
    if (a != Action.SUBMIT or s is None) and (s, a) != (None, Action.REMOVE_PHOTO)
]


def test_every_action_has_a_role_and_the_walk_covers_the_table():
    assert set(ROLE) == set(Action)
    listed = {(t.source, t.action) for t in lifecycle.TRANSITIONS if t.subject == "offering"}
    assert listed <= set(PAIRS)


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=lambda v: str(v))
def test_offering_transition(store, state, action):
    product_id = f"o-{state}-{action}"[:60]
    token = make(store, state, product_id)
    if action in (Action.APPROVE, Action.REJECT) and state not in ("pending", "published", None):
        add_pending_revision(store, product_id)  # refused all the same: see the table
    if action in (Action.APPROVE, Action.REJECT) and state == "published":
        store.submit_edit(token, offering(product_id, name_pl="Nowa nazwa"))
    if action == Action.REMOVE_PHOTO and state is not None:
        with store.write() as conn:
            conn.execute(
                metadata.tables["photos"]
                .insert()
                .values(
                    PHOTO | {"id": f"ph0-{product_id}", "product_id": product_id, "position": 0}
                )
            )
    row = lifecycle.transition(Subject.OFFERING, state, action)
    allowed = row is not None and ROLE[action] in row.who
    before = snapshot(store)
    if allowed:
        if action == Action.SUBMIT:
            store.submit_new(offering(product_id), "partner")
        else:
            act(store, action, product_id, token)
        assert store.get_product(product_id).status == row.target
        if row.target == Status.ARCHIVED.value:
            assert store.pending_revision(product_id) is None
        return
    # A missing offering: no token, no revision or UnknownOffering (all LookupErrors).
    expected = LookupError if state is None else TransitionError
    with pytest.raises(expected) as info:
        act(store, action, product_id, token)
    if state is not None:
        assert f"is {state}" in str(info.value)
    assert snapshot(store) == before


def test_remove_photo_of_a_missing_offering_changes_nothing(store):
    before = snapshot(store)
    assert store.remove_photo("missing", "ph", "partner") is None
    assert snapshot(store) == before


def test_submit_never_takes_over_an_existing_offering(store):
    for state in lifecycle.STATES[Subject.OFFERING]:
        make(store, state, f"s-{state}")
        product = offering(f"s-{state}")
        store.submit_new(product, "partner")
        assert product.id == f"s-{state}-2"
        assert store.get_product(f"s-{state}").status == state


@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
@pytest.mark.parametrize("state", lifecycle.STATES[Subject.REVISION])
def test_revision_transition(store, state, action):
    token = make(store, "published", "r")
    store.submit_edit(token, offering("r", name_pl="Pierwsza"))
    first = store.pending_revision("r")["id"]
    if state == "approved":
        store.approve(first, "anna")
    elif state == "rejected":
        store.reject(first, "anna", "nie")
    elif state == "withdrawn":
        store.submit_edit(token, offering("r", name_pl="Druga"))
    assert store.get_revision(first)["state"] == state
    row = lifecycle.transition(Subject.REVISION, state, action)
    before = snapshot(store)
    if row is None:
        with pytest.raises(TransitionError, match=f"revision {first} is {state}"):
            act_on_revision(store, action, first)
        assert snapshot(store) == before
    else:
        act_on_revision(store, action, first)
        assert store.get_revision(first)["state"] == row.target


def act_on_revision(store, action: Action, revision: int) -> None:
    if action == Action.APPROVE:
        store.approve(revision, "anna")
    else:
        store.reject(revision, "anna", "nie")


def test_archive_withdraws_only_pending_revisions(store):
    token = make(store, "published", "w")
    store.submit_edit(token, offering("w", name_pl="A"))
    store.reject(store.pending_revision("w")["id"], "anna", "nie")
    store.submit_edit(token, offering("w", name_pl="B"))
    store.submit_edit(token, offering("w", name_pl="C"))
    store.archive("w", "anna", note="zamknięte")
    with store.read() as conn:
        states = [
            r.state
            for r in conn.execute(
                sa.select(revisions_table.c.state)
                .where(revisions_table.c.product_id == "w")
                .order_by(revisions_table.c.id)
            )
        ]
    assert states == ["approved", "rejected", "withdrawn", "withdrawn"]


def test_approving_a_queued_edit_after_archive_keeps_the_offering_archived(store):
    """Regression: publish, the partner edits, staff archive, the inbox approves the edit."""
    token = make(store, "published", "zamek")
    store.submit_edit(token, offering("zamek", name_pl="Zamek po zmianie"))
    queued = store.pending_revision("zamek")["id"]
    store.archive("zamek", "anna", note="zamknięte na stałe")
    assert store.moderation_queue().empty
    before = snapshot(store)
    with pytest.raises(LookupError, match="withdrawn"):
        store.approve(queued, "bartek")
    assert snapshot(store) == before
    assert store.get_product("zamek").status == Status.ARCHIVED.value
    entry = store.audit_frame().query("action == 'withdraw_pending'").iloc[0]
    assert entry["object_id"] == "zamek" and str(queued) in entry["after"]


def test_a_pending_revision_of_an_archived_offering_is_never_approved(store):
    # A database from before this table could hold one.
    make(store, "archived", "stary")
    add_pending_revision(store, "stary")
    revision = store.pending_revision("stary")["id"]
    before = snapshot(store)
    with pytest.raises(TransitionError, match="offering stary is archived"):
        store.approve(revision, "anna")
    assert snapshot(store) == before


def test_unknown_role_is_refused():
    with pytest.raises(TransitionError, match="as partner"):
        lifecycle.step(Subject.OFFERING, "pending", Action.APPROVE, Role.PARTNER, "x")
    with pytest.raises(KeyError):
        lifecycle.step(Subject.OFFERING, None, Action.ARCHIVE, Role.STAFF, "x")


def _photo(store, product_id: str, photo_id: str) -> None:
    store.add_photos(product_id, [PHOTO | {"id": photo_id}])


def _public(store, product_id: str) -> list[str]:
    return [p["id"] for p in store.photos_for(product_id, reviewed_only=True)]


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_photos_on_a_live_offering_are_public_only_when_approved(store, decision):
    token = make(store, "published", "live")
    _photo(store, "live", "first")
    store.approve(store.pending_revision("live")["id"], "anna")
    _photo(store, "live", "second")
    assert _public(store, "live") == ["first"]
    revision = store.pending_revision("live")["id"]
    if decision == "approve":
        store.approve(revision, "anna")
        assert _public(store, "live") == ["first", "second"]
    else:
        store.reject(revision, "anna", "zdjęcie nie przedstawia oferty")
        assert _public(store, "live") == ["first"]
        # A later approval of a text edit does not publish the rejected photo either.
        store.submit_edit(token, offering("live", name_pl="Nowy opis"))
        store.approve(store.pending_revision("live")["id"], "anna")
        assert _public(store, "live") == ["first"]
        states = {p["id"]: p["review"] for p in store.photos_for("live")}
        assert states == {"first": "approved", "second": "rejected"}
    assert store.get_product("live").status == Status.PUBLISHED.value


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_photos_on_a_new_offering_are_public_only_when_approved(store, decision):
    make(store, "pending", "nowa")
    _photo(store, "nowa", "p1")
    assert _public(store, "nowa") == []
    revision = store.pending_revision("nowa")["id"]
    if decision == "approve":
        store.approve(revision, "anna")
        assert _public(store, "nowa") == ["p1"]
    else:
        store.reject(revision, "anna", "brak opisu")
        assert _public(store, "nowa") == []
        assert store.get_product("nowa").status == Status.REJECTED.value
