"""Schema migrations: a database made before migrations existed upgrades in place with
nothing lost, on SQLite and PostgreSQL; the migrations build exactly the model's schema."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from streamlit.testing.v1 import AppTest

from catalogue import migrations
from catalogue.filters import ProductFilter, apply_filter, prepare_frame
from catalogue.photos import resolve
from catalogue.schema import metadata
from catalogue.staff import authenticate
from catalogue.storage import CatalogueStore
from tests.app.map_args import marker_rows
from tests.catalogue.conftest import _postgres_url
from tests.catalogue.filled import fill_catalogue

REPO_ROOT = Path(__file__).resolve().parents[2]
OLD_SCHEMA = REPO_ROOT / "tests" / "data" / "catalogue" / "schema_before_migrations.sql"
# Columns later revisions add, with the empty value old rows must get.
_ADDED_AFTER_BASELINE = {
    "products": (
        "opening_hours",
        "step_free",
        "accessible_toilet",
        "disabled_parking",
        "info_blind",
        "info_deaf",
        "badges",
        "text_author",
        "text_licence",
    ),
    "photos": ("author", "licence"),
    "partners": (
        "nip",
        "regon",
        "krs",
        "legal_form_code",
        "social_enterprise",
        "se_decision_number",
        "se_decision_date",
        "owes",
        "email",
        "phone",
    ),
}
# Columns whose type a later revision changed, left out of "keeps its values as read by
# the old reflection" and checked on their own: wheelchair was a yes/no flag until 0101.
_RETYPED = {"products": ("wheelchair",)}
_OLD_FLAG = {"yes": True, "no": False, "": None}
TABLES = ("partners", "products", "revisions", "photos", "audit_log", "staff", "meta")


def _statements(sql: str) -> dict[str, str]:
    """CREATE statements by object name, whitespace collapsed."""
    found = {}
    for statement in sql.split(";"):
        text = " ".join(line for line in statement.splitlines() if not line.startswith("--"))
        text = re.sub(r"\s+", " ", text).strip()
        match = re.match(r"CREATE (?:UNIQUE )?(?:TABLE|INDEX) (\w+)", text)
        if match:
            found[match.group(1)] = text
    return found


def test_baseline_revision_is_the_schema_main_made(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'baseline.sqlite'}")
    with engine.begin() as conn:
        command.upgrade(migrations.alembic_config(conn), migrations.BASELINE)
        made = ";".join(
            row[0] for row in conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE sql>''")
        )
    engine.dispose()
    made = {k: v for k, v in _statements(made).items() if k != "alembic_version"}
    assert made == _statements(OLD_SCHEMA.read_text())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_database(request, tmp_path):
    """A URL of an empty database holding the tables main made before migrations."""
    if request.param == "sqlite":
        path = tmp_path / "old.sqlite"
        with sqlite3.connect(path) as conn:
            conn.executescript(OLD_SCHEMA.read_text())
        yield f"sqlite:///{path}"
        return
    url = _postgres_url()
    store = CatalogueStore(url)
    store.drop_schema()
    with store.write() as conn:
        command.upgrade(migrations.alembic_config(conn), migrations.BASELINE)
        conn.execute(sa.text("DROP TABLE alembic_version"))
    store.dispose()
    yield url
    store = CatalogueStore(url)
    store.drop_schema()
    store.dispose()


def _rows(engine: sa.Engine, tables: dict[str, sa.Table]) -> dict[str, list[dict]]:
    """Every row of ``tables`` (reflected, so only the old columns), comparable across DBs."""
    found = {}
    with engine.connect() as conn:
        for name in TABLES:
            table = tables[name]
            order = list(table.primary_key.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings().all()
            found[name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return found


def _plain(value):
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def _old_tables(engine: sa.Engine) -> dict[str, sa.Table]:
    reflected = sa.MetaData()
    reflected.reflect(bind=engine, only=list(TABLES))
    return dict(reflected.tables)


def _without_retyped(tables: dict[str, sa.Table]) -> dict[str, sa.Table]:
    """The reflected tables without the columns of :data:`_RETYPED` (read apart)."""
    out = {}
    for name, table in tables.items():
        keep = [
            sa.Column(c.name, c.type, primary_key=c.primary_key)
            for c in table.columns
            if c.name not in _RETYPED.get(name, ())
        ]
        out[name] = sa.Table(name, sa.MetaData(), *keep)
    return out


def _wheelchair_flags(engine: sa.Engine) -> dict[str, bool | None]:
    table = sa.table("products", sa.column("id"), sa.column("wheelchair", sa.Boolean))
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.id, table.c.wheelchair)).all())


def _wheelchair_levels(engine: sa.Engine) -> dict[str, str]:
    table = sa.table("products", sa.column("id"), sa.column("wheelchair", sa.Text))
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.id, table.c.wheelchair)).all())


def test_database_of_old_main_upgrades_with_nothing_lost(old_database, tmp_path, monkeypatch):
    photo_dir = tmp_path / "photos"
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(photo_dir))
    # What the old main would have written: filled through today's API into a scratch
    # database, then copied column by column into the old tables.
    source = CatalogueStore(f"sqlite:///{tmp_path / 'source.sqlite'}")
    source.create_schema()
    made = fill_catalogue(source, photo_dir)
    with source.write() as conn:  # the sample states one "yes": add a "no"
        products = metadata.tables["products"]
        conn.execute(products.update().where(products.c.id == "sample-002").values(wheelchair="no"))
    old_engine = sa.create_engine(old_database)
    old = _old_tables(old_engine)
    with source.read() as src, old_engine.begin() as dst:
        for name in TABLES:
            columns = [metadata.tables[name].c[c.name] for c in old[name].columns]
            rows = [dict(r) for r in src.execute(sa.select(*columns)).mappings()]
            for row in rows:
                if "wheelchair" in row:  # the old flag: the sample states only yes or no
                    row["wheelchair"] = _OLD_FLAG[row["wheelchair"]]
            if rows:
                dst.execute(old[name].insert(), rows)
    source.dispose()
    flags = _wheelchair_flags(old_engine)
    assert set(flags.values()) == {True, False, None}  # the sample has all three
    old = _without_retyped(old)
    before = _rows(old_engine, old)
    assert all(before[name] for name in TABLES)
    assert len(before["photos"]) == 2 and len(before["staff"]) == 1

    store = CatalogueStore(old_database)
    store.create_schema()
    with store.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    # Every old column keeps its values (read through the pre-upgrade reflection) ...
    assert _rows(old_engine, old) == before
    # ... the old wheelchair flag became its level ...
    assert _wheelchair_levels(old_engine) == {
        pid: {True: "yes", False: "no", None: ""}[flag] for pid, flag in flags.items()
    }
    # ... and the fields added after the baseline start empty (unknown).
    upgraded = _old_tables(old_engine)
    with old_engine.connect() as conn:
        for name, added in _ADDED_AFTER_BASELINE.items():
            assert set(added) <= set(upgraded[name].columns.keys())
            values = conn.execute(sa.select(*(upgraded[name].c[c] for c in added))).all()
            assert values and {v for row in values for v in row} <= {"", None}
    old_engine.dispose()

    # The upgraded database works through the store as it did.
    live = made["published_with_photo"]
    public = store.photos_for(live, reviewed_only=True)
    assert len(public) == 1 and resolve(public[0]["path"], photo_dir).is_file()
    assert store.photos_for(made["pending_new"], reviewed_only=True) == []
    assert len(store.photos_for(made["pending_new"])) == 1
    assert store.pending_revision(made["pending_edit"])["data"]["name_pl"] == "Oferta po zmianie"
    assert set(store.moderation_queue()["product_id"]) == {"nowa-oferta", "do-edycji"}
    assert store.product_for_token(made["token"]).id == "nowa-oferta"
    assert authenticate(store, "anna", "a long enough password 123")
    published = store.count_products("published")

    # And the app renders it.
    if old_database.startswith("sqlite"):
        monkeypatch.setenv("CATALOGUE_DB", old_database.removeprefix("sqlite:///"))
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", old_database)
    store.dispose()
    monkeypatch.chdir(REPO_ROOT)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(marker_rows(at)) == published


def test_the_migrations_build_the_models_schema(store):
    # A new database is made from the model at once (create_schema); this checks that it is
    # what the migrations build, so a column added to the model without one shows up here.
    with store.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    store.drop_schema()
    with store.migration_connection() as conn:
        command.upgrade(migrations.alembic_config(conn), "head")
    store.create_schema()  # at head already: nothing to do
    with store.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_unrecognised_old_tables_are_refused_and_left_alone(tmp_path):
    path = tmp_path / "older.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA.read_text())
        conn.execute("ALTER TABLE products DROP COLUMN decision_note")
    store = CatalogueStore(f"sqlite:///{path}")
    with pytest.raises(migrations.SchemaError, match=r"products\.decision_note"):
        store.create_schema()
    store.dispose()
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "alembic_version" not in names


def test_foreign_keys_refuse_rows_that_refer_to_nothing(store):
    from catalogue.schema import photos_table, products_table, revisions_table

    now = datetime.now(UTC)
    bad = [
        products_table.insert().values(
            id="p", name_pl="P", category="heritage", lat=50.0, lon=22.7, partner_id="nobody",
            status="published", source="import", months_mask=0,
        ),
        revisions_table.insert().values(
            product_id="nothing", kind="new", data="{}", state="pending", submitted_at=now
        ),
        photos_table.insert().values(
            id="x", product_id="nothing", position=0, path="a", thumb_path="b", width=1, height=1
        ),
    ]  # fmt: skip
    for statement in bad:
        with pytest.raises(sa.exc.IntegrityError):
            with store.write() as conn:
                conn.execute(statement)
    assert store.count_products() == 0


def test_orphans_in_an_old_database_are_resolved_with_audit_entries(old_database):
    engine = sa.create_engine(old_database)
    old = _old_tables(engine)
    now = datetime.now(UTC)
    product = {
        "id": "p1", "name_pl": "Zamek", "name_en": "", "name_uk": "", "description_pl": "",
        "description_en": "", "description_uk": "", "category": "heritage", "tags": "",
        "lat": 49.77, "lon": 22.65, "district_teryt": "1813", "gmina_teryt": "", "address": "",
        "partner_id": "gone", "website": "", "email": "", "phone": "", "price": "",
        "months_mask": 0, "languages": "", "status": "published", "source": "import",
        "source_note": "", "submitted_by": "", "decided_by": "", "decision_note": "",
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(old["products"].insert().values(**product))
        conn.execute(
            old["revisions"].insert().values(
                product_id="deleted-by-hand", kind="new", data="{}", state="pending",
                submitted_by="", decided_by="", reason="", submitted_at=now,
            )
        )  # fmt: skip
        conn.execute(
            old["photos"].insert().values(
                id="ph", product_id="deleted-by-hand", position=0, path="products/ph.jpg",
                thumb_path="products/ph_thumb.jpg", width=10, height=10, created_at=now,
            )
        )  # fmt: skip
    engine.dispose()
    store = CatalogueStore(old_database)
    store.create_schema()
    assert store.get_product("p1").partner_id == ""
    with store.read() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM revisions")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM photos")).scalar() == 0
    audit = store.audit_frame()
    audit = audit[audit["actor"] == "migration"].set_index("action")
    assert set(audit.index) == {"orphan_partner", "orphan_revision", "orphan_photo"}
    assert '"partner_id": "gone"' in audit.loc["orphan_partner", "before"]
    assert "products/ph.jpg" in audit.loc["orphan_photo", "before"]
    store.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_at_0100(request, tmp_path):
    """A URL of a database as the release before migration 0101 left it (schema at 0100)."""
    url = f"sqlite:///{tmp_path / 'r0100.sqlite'}" if request.param == "sqlite" else None
    url = url or _postgres_url()
    store = CatalogueStore(url)
    store.drop_schema()
    with store.migration_connection() as conn:
        command.upgrade(migrations.alembic_config(conn), "0100")
    store.dispose()
    yield url
    store = CatalogueStore(url)
    store.drop_schema()
    store.dispose()


def test_release_0100_database_upgrades_wheelchair_flags_to_levels(database_at_0100):
    engine = sa.create_engine(database_at_0100)
    old = _old_tables(engine)
    now = datetime.now(UTC)
    base = {
        "name_en": "", "name_uk": "", "description_pl": "", "description_en": "",
        "description_uk": "", "category": "heritage", "tags": "", "lat": 49.77, "lon": 22.65,
        "district_teryt": "1813", "gmina_teryt": "", "address": "", "partner_id": "p",
        "website": "", "email": "", "phone": "", "price": "", "months_mask": 0,
        "languages": "", "status": "published", "source": "import", "source_note": "",
        "submitted_by": "", "decided_by": "", "decision_note": "",
        "opening_hours": "Tu-Su 10:00-17:00", "step_free": True,
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            old["partners"].insert().values(
                id="p", name="Muzeum", sector="public", legal_form="", gmina_teryt="",
                website="https://muzeum.example.org", member=False, description_pl="",
                description_en="", description_uk="", logo_path="", source="", nip="7951009633",
            )
        )  # fmt: skip
        for pid, flag in (("yes", True), ("no", False), ("unknown", None)):
            conn.execute(
                old["products"]
                .insert()
                .values(id=pid, name_pl=f"Oferta {pid}", wheelchair=flag, **base)
            )
        data = {"id": "no", "name_pl": "Oferta po zmianie", "wheelchair": True, "lat": 49.77}
        conn.execute(
            old["revisions"].insert().values(
                product_id="no", kind="edit", data=json.dumps(data), state="pending",
                submitted_by="partner", decided_by="", reason="", submitted_at=now,
            )
        )  # fmt: skip
        conn.execute(
            old["photos"].insert().values(
                id="ph", product_id="yes", position=0, path="products/ph.jpg",
                thumb_path="products/ph_thumb.jpg", width=10, height=10, created_at=now,
                review="approved",
            )
        )  # fmt: skip
    engine.dispose()

    store = CatalogueStore(database_at_0100)
    store.create_schema()
    with store.read() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    levels = {pid: store.get_product(pid).wheelchair for pid in ("yes", "no", "unknown")}
    assert levels == {"yes": "yes", "no": "no", "unknown": ""}
    kept = store.get_product("yes")
    assert (kept.opening_hours, kept.step_free, kept.partner_id) == ("Tu-Su 10:00-17:00", True, "p")
    assert (kept.text_author, kept.text_licence) == ("", "")
    # The waiting edit's JSON was converted too, and still decides.
    pending = store.pending_revision("no")
    assert pending["data"]["wheelchair"] == "yes"
    assert [(p["id"], p["author"], p["licence"]) for p in store.photos_for("yes")] == [
        ("ph", "", "")
    ]
    partner = store.get_partner("p")
    assert (partner.nip, partner.website, partner.email, partner.phone) == (
        "7951009633",
        "https://muzeum.example.org",
        "",
        "",
    )
    # The filter reads the levels straight from the upgraded rows.
    frame = prepare_frame(store.products_frame())
    assert sorted(apply_filter(frame, ProductFilter(wheelchair="yes"))["id"]) == ["yes"]
    store.dispose()
