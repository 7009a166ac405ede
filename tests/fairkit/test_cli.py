"""``python -m fairkit``: brochure, card and offline-map, exit codes and messages."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from catalogue.storage import CatalogueStore
from fairkit.__main__ import main
from tests.fairkit.print_helpers import decode_qr, page_texts, sample_store

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """An empty catalogue database the CLI will fill with the sample."""
    path = tmp_path / "catalogue.sqlite"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("CATALOGUE_DB", str(path))
    return path


def _pages(path: Path) -> int:
    return len(pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_brochure_from_an_empty_database_uses_the_sample(db, tmp_path, capsys):
    out = tmp_path / "katalog.pdf"
    assert main(["brochure", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    texts = page_texts(out.read_bytes())
    assert "Zamek w Krasiczynie" in " ".join(texts)
    assert f"strona 2 z {len(texts)}" in texts[1]
    assert CatalogueStore().count_products() > 0


def test_brochure_a5_filtered_in_ukrainian(db, tmp_path):
    out = tmp_path / "ulotka.pdf"
    code = main(
        ["brochure", "--out", str(out), "--format", "a5", "--district", "1813", "--lang", "uk"]
        + ["--category", "heritage", "--base-url", "https://mapa.example.org/"]
    )
    assert code == 0
    texts = page_texts(out.read_bytes())
    everything = " ".join(texts)
    assert "Замок" in everything
    assert "Zamek Kazimierzowski" not in everything  # the city of Przemyśl is 1862, not 1813
    codes = {c for page in range(2, _pages(out)) for c in decode_qr(out, page)}
    assert (
        "https://mapa.example.org/?product=sample-019&cat=heritage&district=1813&lang=uk" in codes
    )


def test_filter_matching_nothing_exits_1_and_writes_nothing(db, tmp_path, capsys):
    store = sample_store(db)
    for product_id in store.products_frame().query("district_teryt == '1809'")["id"]:
        store.archive(product_id, actor="test")
    store.dispose()
    out = tmp_path / "nothing.pdf"
    out.write_bytes(b"old file")
    code = main(["brochure", "--out", str(out), "--district", "1809", "--category", "food"])
    assert code == 1
    err = capsys.readouterr().err
    assert "no published products match" in err
    assert "--district 1809 (powiat lubaczowski)" in err
    assert "--category food (Gastronomia)" in err
    assert out.read_bytes() == b"old file"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["--district", "1861"], ["1804", "1809", "1813", "1814", "1862"]),
        (["--category", "castles"], ["heritage", "museum", "nature", "services"]),
        (["--sector", "church"], ["public", "business", "ngo", "social_economy"]),
        (["--lang", "de"], ["pl", "en", "uk"]),
        (["--format", "a3"], ["a4", "a5"]),
    ],
)
def test_unknown_choices_are_argparse_errors(db, tmp_path, capsys, args, choices):
    with pytest.raises(SystemExit) as exc:
        main(["brochure", "--out", str(tmp_path / "x.pdf"), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err
    for choice in choices:
        assert choice in err
    assert not (tmp_path / "x.pdf").exists()


def test_bad_base_url_is_an_argparse_error(db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["brochure", "--out", str(tmp_path / "x.pdf"), "--base-url", "mapa.example.org"])
    assert exc.value.code == 2
    assert "absolute http(s) URL" in capsys.readouterr().err


def test_card(db, tmp_path, capsys):
    out = tmp_path / "karta.pdf"
    assert main(["card", "sample-019", "--out", str(out)]) == 0
    assert "A6 card of sample-019" in capsys.readouterr().out
    assert _pages(out) == 1
    assert "Zamek w Krasiczynie" in page_texts(out.read_bytes())[0]
    assert decode_qr(out, 1) == ["http://localhost:8501/?product=sample-019"]


def test_card_of_unknown_or_unpublished_product_exits_1(db, tmp_path, capsys):
    out = tmp_path / "karta.pdf"
    assert main(["card", "no-such-product", "--out", str(out)]) == 1
    assert "no product with id 'no-such-product'" in capsys.readouterr().err
    store = sample_store(db)
    store.archive("sample-019", actor="test")
    store.dispose()
    assert main(["card", "sample-019", "--out", str(out)]) == 1
    assert "is archived, not published" in capsys.readouterr().err
    assert not out.exists()


def test_offline_map_calls_the_offline_module(db, tmp_path, capsys):
    if importlib.util.find_spec("fairkit.offline") is None:
        pytest.skip("fairkit/offline.py is not there yet")
    out = tmp_path / "mapa.html"
    assert main(["offline-map", "--out", str(out), "--category", "heritage"]) == 0
    assert "offline map of" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "<html" in page.lower()
    assert "Zamek w Krasiczynie" in page


def test_offline_map_without_the_module_is_a_clear_error(db, tmp_path, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "fairkit.offline" else real(name, *a),
    )
    assert main(["offline-map", "--out", str(tmp_path / "m.html")]) == 2
    assert "fairkit/offline.py is missing" in capsys.readouterr().err


def test_offline_map_filter_matching_nothing_exits_1(db, tmp_path, capsys):
    if importlib.util.find_spec("fairkit.offline") is None:
        pytest.skip("fairkit/offline.py is not there yet")
    store = sample_store(db)
    for product_id in store.products_frame().query("district_teryt == '1809'")["id"]:
        store.archive(product_id, actor="test")
    store.dispose()
    assert main(["offline-map", "--out", str(tmp_path / "m.html"), "--district", "1809"]) == 1
    assert "--district 1809" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists()


def test_python_dash_m_fairkit(db, tmp_path):
    # One real process per exit code; everything else calls main() in this process.
    out = tmp_path / "karta.pdf"
    env = {**os.environ, "CATALOGUE_DB": str(db), "PUBLIC_BASE_URL": "https://m.example.org"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "fairkit", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("card", "sample-001", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert decode_qr(out, 1) == ["https://m.example.org/?product=sample-001"]
    done = run("card", "no-such-offering", "--out", str(tmp_path / "none.pdf"))
    assert done.returncode == 1 and "no-such-offering" in done.stderr
    done = run("card", "sample-001", "--out", str(out), "--lang", "de")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_printing_without_a_public_address_warns_loudly(db, tmp_path, capsys):
    assert main(["card", "sample-019", "--out", str(tmp_path / "a.pdf")]) == 0
    err = capsys.readouterr().err
    assert "WARNING: PUBLIC_BASE_URL is not set" in err and "http://localhost:8501" in err
    assert main(["brochure", "--out", str(tmp_path / "b.pdf"), "--district", "1862"]) == 0
    assert "WARNING: PUBLIC_BASE_URL" in capsys.readouterr().err
    url = "https://mapa.example.org"
    assert main(["card", "sample-019", "--out", str(tmp_path / "c.pdf"), "--base-url", url]) == 0
    assert "WARNING" not in capsys.readouterr().err
