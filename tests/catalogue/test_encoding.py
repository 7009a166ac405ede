"""Strict decoding of partner CSV files: UTF-8, UTF-16 with a BOM, Windows-1250, never mixed."""

from __future__ import annotations

import pytest

from catalogue.file_reading import FileRefused, decode_text, read_table
from catalogue.importing import import_file

HEADER = "nazwa;kategoria;lat;lon\n"
ROW = "Zażółć gęślą jaźń;Zabytki i atrakcje;49,7761;22,6492\n"


def test_mixed_utf8_and_cp1250_is_refused_with_the_rows_named(sqlite_store):
    data = (
        HEADER.encode()
        + ROW.encode("utf-8")
        + ROW.replace("Zażółć", "Dwór").encode("cp1250")
        + b"Park;Zabytki i atrakcje;49,78;22,65\n"
        + ROW.replace("Zażółć", "Młyn").encode("cp1250")
    )
    with pytest.raises(FileRefused) as refused:
        import_file(sqlite_store, data, filename="mieszany.csv")
    assert refused.value.code == "mixed_encoding"
    assert "(wiersze w innym kodowaniu: 3, 5)" in refused.value.message("pl")
    assert "rows in the other encoding: 3, 5" in refused.value.message("en")
    assert "рядки в іншому кодуванні: 3, 5" in refused.value.message("uk")
    assert sqlite_store.count_products() == 0


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_a_bom_is_read(codec):
    text = (HEADER + ROW).replace(";", "\t")  # Excel's "Unicode text" is tab-separated
    data = text.encode(codec)
    if codec != "utf-16":
        data = "\ufeff".encode(codec) + data
    records, header = read_table(data, "unicode.txt")
    assert header == ["nazwa", "kategoria", "lat", "lon"]
    assert records[0]["nazwa"] == "Zażółć gęślą jaźń"


def test_utf16_without_a_bom_is_refused_not_read_as_spaced_letters():
    with pytest.raises(FileRefused) as refused:
        read_table((HEADER + ROW).encode("utf-16-le"), "x.csv")
    assert refused.value.code == "unknown_encoding"


def test_whole_files_in_one_encoding_are_read():
    assert decode_text((HEADER + ROW).encode("cp1250")) == HEADER + ROW
    assert decode_text(b"\xef\xbb\xbf" + (HEADER + ROW).encode()) == HEADER + ROW
    # Bytes that are not cp1250 at all (0x81, 0x98 are unassigned) are refused, not guessed.
    with pytest.raises(FileRefused) as refused:
        decode_text(b"nazwa\n\x81\x98\n")
    assert refused.value.code == "unknown_encoding"
