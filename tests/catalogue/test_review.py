"""Review helpers: field differences, stale entries, partner checks, partner merges."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from catalogue.messages import format_message
from catalogue.model import Partner, Product
from catalogue.review import (
    audit_csv,
    check_partner_fields,
    diff_fields,
    new_partner_id,
    stale_products,
)
from catalogue.validation.rows import validate_records


def product(**changes) -> Product:
    base = Product(
        id="zamek",
        name_pl="Zamek w Krasiczynie",
        category="heritage",
        lat=49.7761,
        lon=22.6492,
        tags=["zamek", "park"],
        months=[5, 6, 7],
        event_start=date(2027, 8, 15),
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_new_offering_lists_every_filled_field():
    after = product().content_dict()
    changes = diff_fields(None, after)
    fields = [f for f, _, _ in changes]
    assert fields[:5] == ["id", "name_pl", "category", "lat", "lon"]
    assert all(before is None for _, before, _ in changes)
    assert "description_pl" not in fields, "empty fields are not news"
    assert "free" not in fields


def test_edit_lists_only_changed_fields_in_form_order():
    before = product().content_dict()
    after = product(name_pl="Zamek Krasickich", months=[5, 6, 7, 8], phone="+48 16 671 83 21")
    changes = diff_fields(before, after.content_dict())
    assert changes == [
        ("name_pl", "Zamek w Krasiczynie", "Zamek Krasickich"),
        ("phone", "", "+48 16 671 83 21"),
        ("months", [5, 6, 7], [5, 6, 7, 8]),
    ]


def test_json_round_trip_and_empties_are_not_changes():
    before = product().content_dict()
    # A revision's data comes back from JSON: dates as text, lists as lists.
    after = json.loads(json.dumps(before, default=str))
    after["lat"] += 1e-9
    after["description_en"] = None
    assert diff_fields(before, after) == []


def test_lifecycle_fields_are_ignored():
    before = asdict(product(status="published", decided_by="anna"))
    after = asdict(product(status="pending", decided_by=""))
    assert diff_fields(before, after) == []


def test_booleans_none_and_false_differ():
    before = product(free=None).content_dict()
    after = product(free=False).content_dict()
    assert diff_fields(before, after) == [("free", None, False)]


def test_stale_products_are_published_and_older_than_a_year():
    now = datetime(2027, 6, 1, tzinfo=UTC)
    frame = pd.DataFrame(
        {
            "id": ["old", "fresh", "old-pending", "never", "naive-old"],
            "status": ["published", "published", "pending", "published", "published"],
            "updated_at": [
                now - timedelta(days=400),
                now - timedelta(days=10),
                now - timedelta(days=800),
                None,
                (now - timedelta(days=366)).replace(tzinfo=None),  # as SQLite returns it
            ],
        }
    )
    stale = stale_products(frame, now)
    assert list(stale["id"]) == ["never", "old", "naive-old"]
    assert stale_products(frame.iloc[0:0], now).empty


def test_partner_fields_are_checked_like_imports():
    values, problems = check_partner_fields(
        {"name": "  Koło   Gospodyń ", "sector": "ngo", "website": "www.kgw.pl"}, "en"
    )
    assert problems == {}
    assert values["name"] == "Koło Gospodyń"
    assert values["website"] == "https://www.kgw.pl"

    _, problems = check_partner_fields(
        {"name": "", "sector": "church", "website": "javascript:alert(1)"}, "pl"
    )
    assert set(problems) == {"name", "sector", "website"}
    assert "javascript" in problems["website"]
    _, problems = check_partner_fields(
        {"name": "X\u202e", "sector": "ngo", "description_pl": "x" * 5001}, "en"
    )
    assert "control characters" in problems["name"]
    assert "5001" in problems["description_pl"]


def test_partner_contact_is_checked_like_the_import_columns():
    values, problems = check_partner_fields(
        {
            "name": "KGW",
            "sector": "ngo",
            "email": " MAILTO:kgw@example.pl ",
            "phone": "016 621 12 34",
        }
    )
    assert problems == {}
    assert (values["email"], values["phone"]) == ("kgw@example.pl", "+48 166 211 234")
    values, problems = check_partner_fields({"name": "KGW", "sector": "ngo"})
    assert problems == {} and values["email"] == values["phone"] == ""
    _, problems = check_partner_fields(
        {"name": "KGW", "sector": "ngo", "email": "kgw@", "phone": "+49 30 123"}, "uk"
    )
    assert problems == {
        "email": format_message("bad_email", "uk", {"value": "kgw@"}),
        "phone": format_message("bad_phone", "uk", {"value": "+49 30 123"}),
    }


def test_new_partner_id_is_unique():
    assert new_partner_id("Koło Gospodyń Wiejskich", []) == "kolo-gospodyn-wiejskich"
    assert (
        new_partner_id("Koło Gospodyń Wiejskich", ["kolo-gospodyn-wiejskich"])
        == "kolo-gospodyn-wiejskich-2"
    )


def test_merge_moves_products_and_pending_revisions(store):
    store.save_partners(
        [
            Partner(id="a", name="Fundacja A", sector="ngo"),
            Partner(id="b", name="Fundacja B", sector="ngo"),
        ],
        "test",
    )
    published = Product(
        id="p1", name_pl="Zamek", category="heritage", lat=49.77, lon=22.65, partner_id="a"
    )
    published.status = "published"
    store.save_products([published], "test")
    pending = Product(
        id="p2", name_pl="Muzeum", category="museum", lat=49.78, lon=22.77, partner_id="a"
    )
    token = store.submit_new(pending, "partner")
    assert token

    moved = store.merge_partners("a", "b", "anna")
    assert sorted(moved) == ["p1", "p2"]
    assert store.get_partner("a") is None
    assert store.get_product("p1").partner_id == "b"
    revision = store.pending_revision("p2")
    assert revision["data"]["partner_id"] == "b"
    approved = store.approve(revision["id"], "anna")
    assert approved.partner_id == "b"
    merge = store.audit_frame().query("action == 'merge'").iloc[0]
    assert merge["object_id"] == "a" and "p1" in merge["after"]

    with pytest.raises(ValueError):
        store.merge_partners("b", "b", "anna")
    with pytest.raises(KeyError):
        store.merge_partners("a", "b", "anna")


def test_submit_new_makes_a_taken_id_unique_and_saves_the_new_partner(store):
    first = Product(id="zamek", name_pl="Zamek", category="heritage", lat=49.77, lon=22.65)
    second = Product(id="zamek", name_pl="Zamek", category="heritage", lat=49.9, lon=22.8)
    partner = Partner(id="kgw", name="KGW", sector="ngo", legal_form="stowarzyszenie")
    store.submit_new(first, "partner")
    token = store.submit_new(second, "partner", partners=[partner])
    assert second.id == "zamek-2"
    assert store.product_for_token(token).id == "zamek-2"
    assert store.get_partner("kgw").legal_form == "stowarzyszenie"


def test_confirm_current_refreshes_updated_at(store):
    item = Product(id="p1", name_pl="Zamek", category="heritage", lat=49.77, lon=22.65)
    item.status = "published"
    store.save_products([item], "test")
    before = store.get_product("p1").updated_at
    store.confirm_current("p1", "anna")
    assert store.get_product("p1").updated_at > before
    with pytest.raises(KeyError):
        store.confirm_current("missing", "anna")


def test_audit_csv_neutralises_formulas():
    import csv
    import io

    frame = pd.DataFrame(
        {
            "actor": ["partner-form", "=cmd|' /C calc'!A0"],
            "after": ['{"name_pl": "=HYPERLINK(1)"}', None],
            "at": [datetime(2027, 1, 1, tzinfo=UTC), pd.NaT],
        }
    )
    data = audit_csv(frame)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["actor", "after", "at"]
    assert rows[2][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][1] == '{"name_pl": "=HYPERLINK(1)"}', "a cell starting with { is safe"
    assert rows[2][1] == "" and rows[2][2] == ""


def test_concurrent_submissions_and_approvals_lose_nothing(store):
    """Partners submit (with colliding names) while staff approve, through one store."""
    existing = store.products_frame(statuses=["published", "pending"])[
        ["id", "name_pl", "lat", "lon"]
    ]
    submitted: list[str] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def partner(worker: int) -> None:
        try:
            for i in range(8):
                name = f"Oferta {i % 3}"  # the same names from every worker
                products, report = validate_records(
                    [{"name": name, "category": "food", "coordinates": f"50.0{worker}1, 22.6{i}"}],
                    existing,
                )
                assert report.ok, report.to_text()
                product = products[0]
                store.submit_new(product, f"partner-{worker}")
                photo = {"id": f"w{worker}-{i}", "path": "p.jpg", "thumb_path": "t.jpg"}
                store.add_photos(product.id, [photo | {"width": 10, "height": 10}])
                submitted.append(product.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def moderator() -> None:
        try:
            while True:
                # Read the flag before the queue: a queue read earlier may miss the last ones.
                finished = done.is_set()
                queue = store.moderation_queue()
                for revision_id in queue["revision_id"]:
                    try:
                        store.approve(int(revision_id), "anna")
                    except LookupError:
                        pass
                if finished and queue.empty:
                    return
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    partners = [threading.Thread(target=partner, args=(w,)) for w in range(4)]
    staff_thread = threading.Thread(target=moderator)
    staff_thread.start()
    for thread in partners:
        thread.start()
    for thread in partners:
        thread.join()
    done.set()
    staff_thread.join(timeout=120)
    assert not errors, errors
    assert len(submitted) == 32 and len(set(submitted)) == 32, "every id unique"
    published = set(store.products_frame()["id"])
    assert set(submitted) <= published
    assert store.moderation_queue().empty
    audit = store.audit_frame(limit=10_000)
    assert (audit["action"] == "submit").sum() == 32
    # A photo stored after staff already approved the offering queues it once more, so there
    # may be more approvals than offerings; every photo ends up reviewed either way.
    assert (audit["action"] == "approve").sum() >= 32
    assert sum(len(store.photos_for(pid)) for pid in submitted) == 32
    assert sum(len(store.photos_for(pid, reviewed_only=True)) for pid in submitted) == 32
