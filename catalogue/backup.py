"""Backup and restore: one file holding the database and the photos, made while the app runs.

The file is a zip archive::

    manifest.json        format, when, schema revision, rows per table, photo files
    catalogue.sqlite     every table, as a SQLite database at the backup's schema revision
    photos/...           the photo files the database refers to (paths as in the photos table)

SQLite is copied with its online backup API (a consistent snapshot while others write);
PostgreSQL is read table by table in one ``REPEATABLE READ`` transaction through SQLAlchemy
(a consistent snapshot, and no ``pg_dump`` whose version must match the server's). Either
way the snapshot lands in the same SQLite file, so a backup restores into either engine.

Photos stay files beside the database (see the README, "Backups"): files are written before
their row and deleted after it, so every row in the snapshot has its file unless it was
removed right after; such a row is dropped from the copy and listed in the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from catalogue import migrations
from catalogue.database import now_utc
from catalogue.photos import photos_dir, resolve
from catalogue.schema import meta_table, metadata
from catalogue.storage import CatalogueStore

FORMAT = "rkesi-catalogue-backup/1"
LAST_BACKUP_KEY = "last_backup"
DATABASE_NAME = "catalogue.sqlite"
# Parents before children, so rows can be inserted in this order with foreign keys on.
TABLE_ORDER = tuple(t.name for t in metadata.sorted_tables)
# Tables whose rows make a database "not empty" for restore.
DATA_TABLES = ("partners", "products", "revisions", "photos", "audit_log", "staff")


class BackupError(RuntimeError):
    """A backup that cannot be made, or a file that cannot be restored; says why."""


def backup(store: CatalogueStore, out: str | Path, photos: Path | None = None) -> dict:
    """Write one backup file of ``store`` and its photos to ``out``; returns the manifest.

    The file appears complete or not at all (written beside ``out``, then renamed). The time
    is recorded in the database (:func:`last_backup`).
    """
    out = Path(out)
    photo_root = photos or photos_dir()
    with tempfile.TemporaryDirectory(prefix="catalogue-backup-") as scratch:
        snapshot = Path(scratch) / DATABASE_NAME
        if store.is_sqlite:
            _sqlite_snapshot(store, snapshot)
        else:
            _export_snapshot(store, snapshot)
        missing = _drop_rows_without_files(snapshot, photo_root)
        manifest = _manifest(snapshot, missing)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f".{out.name}.partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.write(snapshot, DATABASE_NAME)
            for relative in manifest["photos"]:
                # JPEGs are compressed already.
                archive.write(
                    resolve(relative, photo_root),
                    f"photos/{relative}",
                    compress_type=zipfile.ZIP_STORED,
                )
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)
    _record(store, manifest["created_at"], out)
    return manifest


def _sqlite_snapshot(store: CatalogueStore, target: Path) -> None:
    source_path = store.url.removeprefix("sqlite:///")
    source = sqlite3.connect(source_path, timeout=30)
    dest = sqlite3.connect(target)
    try:
        # pages=-1: one step under one read transaction, so the copy is one moment's state.
        source.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode=DELETE")  # everything in the one file
    finally:
        dest.close()
        source.close()


def _export_snapshot(store: CatalogueStore, target: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with store.write_engine.connect() as src:
            src = src.execution_options(isolation_level="REPEATABLE READ")
            with src.begin(), engine.begin() as dst:
                revision = migrations.current_revision(src)
                if revision != migrations.head_revision():
                    raise BackupError(
                        f"the database is at schema {revision}, this code at "
                        f"{migrations.head_revision()}: run `python -m catalogue init` first"
                    )
                metadata.create_all(dst)
                _stamp(dst, revision)
                for name in TABLE_ORDER:
                    table = metadata.tables[name]
                    rows = [dict(r) for r in src.execute(sa.select(table)).mappings()]
                    if rows:
                        dst.execute(table.insert(), rows)
    finally:
        engine.dispose()


def _stamp(conn, revision: str) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) PRIMARY KEY)"
    )
    conn.exec_driver_sql("DELETE FROM alembic_version")
    conn.exec_driver_sql("INSERT INTO alembic_version VALUES (?)", (revision,))


def _drop_rows_without_files(snapshot: Path, photo_root: Path) -> list[str]:
    """Remove photo rows whose files are gone (deleted after the snapshot); their ids."""
    conn = sqlite3.connect(snapshot)
    try:
        gone = []
        for photo_id, path, thumb in conn.execute("SELECT id, path, thumb_path FROM photos"):
            if not all(_exists(p, photo_root) for p in (path, thumb)):
                gone.append(photo_id)
        conn.executemany("DELETE FROM photos WHERE id = ?", [(g,) for g in gone])
        conn.commit()
        return gone
    finally:
        conn.close()


def _exists(relative: str, root: Path) -> bool:
    try:
        return resolve(relative, root).is_file()
    except ValueError:
        return False


def _manifest(snapshot: Path, missing: list[str]) -> dict:
    conn = sqlite3.connect(snapshot)
    try:
        counts = {
            name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            for name in TABLE_ORDER
        }
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        files = sorted(
            {p for row in conn.execute("SELECT path, thumb_path FROM photos") for p in row}
        )
    finally:
        conn.close()
    return {
        "format": FORMAT,
        "created_at": now_utc().isoformat(),
        "schema_revision": revision,
        "rows": counts,
        "photos": files,
        "photo_rows_dropped_files_gone": missing,
    }


def _record(store: CatalogueStore, when: str, out: Path) -> None:
    value = json.dumps({"at": when, "file": out.name})
    with store.write() as conn:
        updated = conn.execute(
            meta_table.update().where(meta_table.c.key == LAST_BACKUP_KEY).values(value=value)
        )
        if updated.rowcount == 0:
            conn.execute(meta_table.insert().values(key=LAST_BACKUP_KEY, value=value))


def last_backup(store: CatalogueStore) -> datetime | None:
    """When the last backup of this database was made (UTC), or None if never."""
    with store.read() as conn:
        value = conn.execute(
            sa.select(meta_table.c.value).where(meta_table.c.key == LAST_BACKUP_KEY)
        ).scalar()
    if not value:
        return None
    return datetime.fromisoformat(json.loads(value)["at"])


# -- restore ---------------------------------------------------------------------------------


def is_empty(store: CatalogueStore) -> bool:
    """True when no table holding catalogue data has a row."""
    inspector_tables = set(sa.inspect(store.read_engine).get_table_names())
    with store.read() as conn:
        for name in DATA_TABLES:
            if (
                name in inspector_tables
                and conn.execute(
                    sa.select(sa.func.count()).select_from(metadata.tables[name])
                ).scalar()
            ):
                return False
    return True


def restore(
    store: CatalogueStore, archive_path: str | Path, photos: Path | None = None, force: bool = False
) -> dict:
    """Restore a backup file into ``store`` and the photo directory; returns its manifest.

    Refuses a database that holds data unless ``force`` (then its rows are replaced). A
    backup from an older schema is upgraded first; one from a newer schema is refused. The
    photos are written first, then every row in one transaction: a failure leaves the
    database as it was.
    """
    archive_path = Path(archive_path)
    photo_root = photos or photos_dir()
    store.create_schema()
    if not force and not is_empty(store):
        raise BackupError(
            "the database already holds a catalogue; restore into an empty one, or pass "
            "--force to replace everything in it"
        )
    with tempfile.TemporaryDirectory(prefix="catalogue-restore-") as scratch:
        manifest = _unpack(archive_path, Path(scratch), photo_root)
        snapshot = CatalogueStore(f"sqlite:///{Path(scratch) / DATABASE_NAME}")
        try:
            snapshot.create_schema()  # an older backup's schema is upgraded in the copy
            _copy_rows(snapshot, store)
        finally:
            snapshot.dispose()
    return manifest


def _unpack(archive_path: Path, scratch: Path, photo_root: Path) -> dict:
    try:
        archive = zipfile.ZipFile(archive_path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{archive_path} is not a catalogue backup: {exc}") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{archive_path} has no readable manifest.json") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive_path}: unknown backup format {manifest.get('format')!r}")
        known = _known_revisions()
        if manifest.get("schema_revision") not in known:
            raise BackupError(
                f"{archive_path} was made by a newer version (schema "
                f"{manifest.get('schema_revision')}); update this installation first"
            )
        with archive.open(DATABASE_NAME) as src, open(scratch / DATABASE_NAME, "wb") as dst:
            shutil.copyfileobj(src, dst)
        for relative in manifest["photos"]:
            target = resolve(relative, photo_root)  # refuses paths outside the directory
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            with archive.open(f"photos/{relative}") as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(partial, target)
    return manifest


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrations.alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _copy_rows(source: CatalogueStore, target: CatalogueStore) -> None:
    with source.read() as src, target.write() as dst:
        for name in reversed(TABLE_ORDER):
            dst.execute(metadata.tables[name].delete())
        for name in TABLE_ORDER:
            table = metadata.tables[name]
            rows = [dict(r) for r in src.execute(sa.select(table)).mappings()]
            for chunk in _chunks(rows, 500):
                dst.execute(table.insert(), chunk)
        if dst.dialect.name == "postgresql":
            # Serial ids continue after the restored rows.
            for table in metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True:
                        sql = (  # names come from our metadata, never from input
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "  # noqa: S608
                            f"'{column.name}'), COALESCE(MAX({column.name}), 0) + 1, false) "
                            f"FROM {table.name}"
                        )
                        dst.execute(sa.text(sql))


def _chunks(rows: list[dict], size: int) -> Iterable[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
