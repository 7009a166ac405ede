"""Backup and restore: one file of database and photos, made while partners submit, restores
into an empty database consistent and complete; a non-empty database is refused."""

from __future__ import annotations

import json
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from catalogue import backup as bk
from catalogue.__main__ import main
from catalogue.photos import resolve, store_photo
from catalogue.schema import metadata
from catalogue.storage import CatalogueStore
from tests.app.map_args import marker_rows
from tests.catalogue.filled import fill_catalogue, jpeg, new_offering

REPO_ROOT = Path(__file__).resolve().parents[2]


def rows(store: CatalogueStore) -> dict[str, list[tuple]]:
    """Every row but the write counter's, comparable across SQLite and PostgreSQL."""
    with store.read() as conn:
        return {
            name: sorted(tuple(map(_plain, r)) for r in conn.execute(sa.select(table)))
            for name, table in metadata.tables.items()
            if name != "meta"
        }


def _plain(value) -> str:
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return str(value)


def assert_consistent(store: CatalogueStore, photo_dir: Path) -> None:
    """No revision or photo row without its product, no photo row without its files."""
    with store.read() as conn:
        products = set(conn.execute(sa.text("SELECT id FROM products")).scalars())
        revisions = set(conn.execute(sa.text("SELECT product_id FROM revisions")).scalars())
        photos = conn.execute(sa.text("SELECT product_id, path, thumb_path FROM photos")).all()
    assert revisions <= products
    for product_id, path, thumb in photos:
        assert product_id in products
        assert resolve(path, photo_dir).is_file() and resolve(thumb, photo_dir).is_file()


def test_backup_while_eight_partners_submit_restores_a_consistent_snapshot(
    store, tmp_path, monkeypatch
):
    photo_dir = tmp_path / "photos"
    fill_catalogue(store, photo_dir)
    errors: list[BaseException] = []
    started = threading.Barrier(9)

    def partner(worker: int) -> None:
        try:
            started.wait()
            for i in range(6):
                product = new_offering(f"w{worker}-{i}")
                store.submit_new(product, f"partner-{worker}")
                photo = store_photo(jpeg((worker * 30, i * 40, 90)), "p.jpg", base=photo_dir)
                store.add_photos(product.id, [photo])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=partner, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    started.wait()
    manifests = [bk.backup(store, tmp_path / f"backup-{n}.zip", photos=photo_dir) for n in range(3)]
    for thread in threads:
        thread.join()
    assert not errors, errors
    # The backups really were taken while partners wrote: they differ.
    assert (
        len({m["rows"]["revisions"] for m in manifests}) > 1
        or manifests[0]["rows"]["products"] < store.count_products()
    )

    for n, manifest in enumerate(manifests):
        target = CatalogueStore(f"sqlite:///{tmp_path / f'restored-{n}.sqlite'}")
        restored_photos = tmp_path / f"restored-photos-{n}"
        bk.restore(target, tmp_path / f"backup-{n}.zip", photos=restored_photos)
        assert_consistent(target, restored_photos)
        counts = {name: len(r) for name, r in rows(target).items()}
        assert counts == {k: v for k, v in manifest["rows"].items() if k != "meta"}
        assert counts["photos"] >= 2 and manifest["photos"]
        target.dispose()

    # The app renders the last restored copy.
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "restored-2.sqlite"))
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "restored-photos-2"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(REPO_ROOT)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    restored = CatalogueStore(f"sqlite:///{tmp_path / 'restored-2.sqlite'}")
    assert len(marker_rows(at)) == restored.count_products("published") > 80
    restored.dispose()


def test_restore_round_trips_every_row_and_photo_and_refuses_a_full_database(store, tmp_path):
    source = CatalogueStore(f"sqlite:///{tmp_path / 'source.sqlite'}")
    source.create_schema()
    source_photos = tmp_path / "source-photos"
    made = fill_catalogue(source, source_photos)
    assert bk.last_backup(source) is None
    manifest = bk.backup(source, tmp_path / "b.zip", photos=source_photos)
    assert bk.last_backup(source).isoformat() == manifest["created_at"]

    photo_dir = tmp_path / "photos"
    bk.restore(store, tmp_path / "b.zip", photos=photo_dir)
    assert rows(store) == rows(source)
    for relative in manifest["photos"]:
        assert (
            resolve(relative, photo_dir).read_bytes()
            == resolve(relative, source_photos).read_bytes()
        )
    # The restored catalogue works on: its partner link opens, new ids do not collide.
    assert store.product_for_token(made["token"]).id == "nowa-oferta"
    store.submit_new(new_offering("po-przywroceniu"), "partner")
    store.approve(store.pending_revision("po-przywroceniu")["id"], "anna")

    before = rows(store)
    with pytest.raises(bk.BackupError, match="--force"):
        bk.restore(store, tmp_path / "b.zip", photos=photo_dir)
    assert rows(store) == before
    bk.restore(store, tmp_path / "b.zip", photos=photo_dir, force=True)
    assert rows(store) == rows(source)
    source.dispose()


def test_a_broken_file_is_refused_and_changes_nothing(store, tmp_path):
    bad = tmp_path / "not-a-backup.zip"
    bad.write_bytes(b"PK\x03\x04 nothing")
    with pytest.raises(bk.BackupError, match="not a catalogue backup"):
        bk.restore(store, bad, photos=tmp_path / "photos")
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr(
            "manifest.json", json.dumps({"format": bk.FORMAT, "schema_revision": "9999"})
        )
    with pytest.raises(bk.BackupError, match="newer version"):
        bk.restore(store, newer, photos=tmp_path / "photos")
    assert bk.is_empty(store)


def test_command_line_backup_and_restore(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "a.sqlite"))
    monkeypatch.setenv("CATALOGUE_PHOTOS", str(tmp_path / "photos-a"))
    assert main(["init"]) == 0
    assert main(["backup", "--out", str(tmp_path / "out" / "b.zip")]) == 0
    assert "Backup written" in capsys.readouterr().out
    monkeypatch.setenv("CATALOGUE_DB", str(tmp_path / "b.sqlite"))
    assert main(["restore", str(tmp_path / "out" / "b.zip")]) == 0
    assert main(["restore", str(tmp_path / "out" / "b.zip")]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", "--force", str(tmp_path / "out" / "b.zip")]) == 0
