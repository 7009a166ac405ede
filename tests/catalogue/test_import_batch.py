"""A big import holds the write lock for a few statements, not one round trip per row."""

from __future__ import annotations

import sqlalchemy as sa

from catalogue.importing import import_file


def _big_file(rows: int) -> bytes:
    lines = ["nazwa;kategoria;szerokość;długość"]
    for i in range(rows):
        lat, lon = 49.70 + (i % 40) * 0.004, 22.62 + (i // 40) * 0.004
        lines.append(f"Punkt widokowy numer {i:05d};Przyroda;{lat:.5f};{lon:.5f}")
    return ("\n".join(lines) + "\n").encode()


def test_import_writes_in_a_few_statements_and_reimport_updates(sqlite_store):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    data = _big_file(200)
    sa.event.listen(sqlite_store.write_engine, "before_cursor_execute", count)
    try:
        first = import_file(sqlite_store, data, filename="duzy.csv")
        written_first = list(statements)
        statements.clear()
        second = import_file(sqlite_store, data, filename="duzy.csv")
    finally:
        sa.event.remove(sqlite_store.write_engine, "before_cursor_execute", count)
    assert first.report.ok, first.report.to_text("en")[:500]
    assert len(first.created_ids) == 200
    # 200 products and their audit entries: a handful of statements, not 400+.
    assert written_first.count("INSERT") <= 5, written_first[:20]
    assert len(written_first) < 30
    # The same file again: every row updates its product, nothing is doubled.
    assert len(second.updated_ids) == 200 and second.created_ids == []
    assert sqlite_store.count_products() == 200
    assert statements.count("UPDATE") <= 5 and len(statements) < 30
