"""Importing the same file again updates the offerings instead of doubling them."""

from __future__ import annotations

from catalogue.importing import import_file

HEADER = "nazwa;kategoria;szerokość;długość;opis\n"
ROWS = (
    "Zamek w Krasiczynie;Zabytki i atrakcje;49,7761;22,6492;Renesansowy zamek.\n"
    "Park w Krasiczynie;Przyroda;49,7745;22,6530;Park krajobrazowy.\n"
    "Muzeum Dzwonów i Fajek;Zabytki i atrakcje;49,7838;22,7677;Wieża zegarowa.\n"
)


def test_reimporting_a_file_without_ids_updates_every_row(sqlite_store):
    first = import_file(sqlite_store, (HEADER + ROWS).encode(), filename="oferty.csv")
    assert first.report.ok and len(first.created_ids) == 3
    edited = ROWS.replace("Renesansowy zamek.", "Renesansowy zamek z basztami.")
    second = import_file(sqlite_store, (HEADER + edited).encode(), filename="oferty.csv")
    assert second.report.ok
    assert sqlite_store.count_products() == 3
    assert sorted(second.updated_ids) == sorted(first.created_ids)
    assert second.created_ids == []
    assert sorted(second.matched_rows) == [2, 3, 4]
    castle = sqlite_store.get_product(second.matched_rows[2])
    assert castle.description_pl == "Renesansowy zamek z basztami."
    assert "zaktualizowane: 3" in second.summary("pl")


def test_a_different_offering_at_the_same_place_is_new(sqlite_store):
    import_file(sqlite_store, (HEADER + ROWS).encode(), filename="oferty.csv")
    cafe = "Kawiarnia Zamkowa;Gastronomia;49,7761;22,6492;Kawa.\n"
    result = import_file(sqlite_store, (HEADER + cafe).encode(), filename="nowe.csv")
    assert result.report.ok and len(result.created_ids) == 1 and result.matched_rows == {}
    assert sqlite_store.count_products() == 4


def test_one_catalogue_product_is_matched_by_one_row_at_most(sqlite_store):
    import_file(sqlite_store, (HEADER + ROWS.splitlines(True)[0]).encode(), filename="a.csv")
    twice = ROWS.splitlines(True)[0] * 2
    result = import_file(sqlite_store, (HEADER + twice).encode(), filename="b.csv")
    assert list(result.matched_rows) == [2]
    assert len(result.updated_ids) == 1 and len(result.created_ids) == 1


def test_an_explicit_id_is_never_redirected(sqlite_store):
    first = import_file(sqlite_store, (HEADER + ROWS).encode(), filename="oferty.csv")
    castle_id = first.created_ids[0]
    header = HEADER.replace("\n", ";id\n")
    row = ROWS.splitlines()[0] + ";zamek-nowy\n"
    result = import_file(sqlite_store, (header + row).encode(), filename="c.csv")
    assert result.created_ids == ["zamek-nowy"] and result.matched_rows == {}
    assert sqlite_store.get_product(castle_id) is not None
