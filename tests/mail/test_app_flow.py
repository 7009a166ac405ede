"""The partner's journey by mail, driven through the app (AppTest) against a real SMTP
server: submit, approve, reject, edit, recover a lost link, bulk upload, the yearly
"still correct?" — the right messages arrive, in the partner's language, with links that
open the right page; the old link is refused after recovery."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from catalogue import staff
from catalogue.database import now_utc
from catalogue.schema import products_table
from catalogue.storage import CatalogueStore
from mail import events
from mail.__main__ import main as mail_cli
from mail.config import load_settings
from mail.queue import MailQueue
from tests.app.conftest import point_app_at
from tests.app.test_submission_flow import (
    EDIT,
    HOSTILE,
    MODERATION,
    PASSWORD,
    SUBMIT,
    button_keys,
    choose_revision,
    login,
    open_page,
    submit,
)
from tests.app.widgets import choice
from tests.mail.conftest import REPO_ROOT, html_part, links, text_part

PUBLIC = "https://mapa.example.org"
PARTNER = "izba.testowa@example.org"


@pytest.fixture
def db(tmp_path, monkeypatch, repo_cwd):
    store = CatalogueStore(f"sqlite:///{point_app_at(tmp_path, monkeypatch)}")
    store.create_schema()
    staff.add_staff(store, "anna", PASSWORD)
    yield store
    store.dispose()


def new_app(lang: str = "pl") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    if lang != "pl":
        choice(at, "radio", "lang").set_value(lang).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def token_of(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    return {k: v[0] for k, v in parse_qs(parts.query).items()} | {"_path": parts.path}


def open_link(at: AppTest, link: str) -> AppTest:
    """Open an e-mailed edit link: check its address, then the page with its parameters."""
    assert link.startswith(f"{PUBLIC}/moja-oferta?"), link
    params = token_of(link)
    params.pop("_path")
    lang = params.pop("lang", None)
    if lang:
        choice(at, "radio", "lang").set_value(lang).run()
    return open_page(at, EDIT, **params)


def edit_page_works(at: AppTest, name: str) -> bool:
    return "ed_send" in button_keys(at) and any(name in s.value for s in at.subheader)


def test_submit_approve_reject_in_english_with_working_links(db, smtp):
    at = new_app("en")
    token = submit(at, "Izba Regionalna Testowa", email=PARTNER)
    product = db.product_for_token(token)
    [received] = smtp.wait_for(1)
    assert received["To"] == PARTNER
    assert received["From"] == "mapa@klaster.example.org"
    assert received["Subject"] == "We have received the offering “Izba Regionalna Testowa”"
    body = text_part(received)
    assert "usually within 5 working days" in body
    assert "koordynator@klaster.example.org" in body
    assert received.get_body(("html",)) is not None
    [edit] = links(received)
    assert token_of(edit)["token"] == token and token_of(edit)["lang"] == "en"
    assert edit_page_works(open_link(at, edit), "Izba Regionalna Testowa")

    login(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_approve").click().run()
    assert not at.exception
    approved = smtp.wait_for(2)[1]
    assert approved["Subject"] == "The offering “Izba Regionalna Testowa” is on the map"
    assert f"{PUBLIC}/?product={product.id}&lang=en" in links(approved)

    # A second offering of the same partner, rejected with a reason.
    open_page(at, SUBMIT)
    at.button(key="sub_another").click().run()
    token2 = submit(at, "Stadnina Testowa", category="active", email=PARTNER)
    second = db.product_for_token(token2)
    smtp.wait_for(3)
    login(at)
    choose_revision(at, db, second.id)
    at.text_area(key="mod_reason").input("Brak adresu & godzin <otwarcia>.").run()
    at.button(key="mod_reject").click().run()
    rejected = smtp.wait_for(4)[3]
    assert rejected["Subject"] == "The offering “Stadnina Testowa” needs corrections"
    assert "> Brak adresu & godzin <otwarcia>." in text_part(rejected)
    assert "Brak adresu &amp; godzin &lt;otwarcia&gt;." in html_part(rejected)
    assert len(smtp.messages) == 4, "one message per event"


def test_polish_edit_is_held_and_withdrawal_reported(db, smtp):
    at = new_app()
    token = submit(at, "Kuźnia Testowa", email=PARTNER)
    smtp.wait_for(1)
    open_page(at, EDIT, token=token)
    at.text_area(key="ed_description").input("Pokazy kucia w soboty.").run()
    at.button(key="ed_send").click().run()
    assert not at.exception
    held = smtp.wait_for(2)[1]
    assert held["Subject"] == "Zmiany oferty „Kuźnia Testowa” czekają na sprawdzenie"
    assert "zwykle w ciągu 5 dni roboczych" in text_part(held)
    open_page(at, EDIT, token=token)
    at.checkbox(key="ed_withdraw_confirm").check().run()
    at.button(key="ed_withdraw").click().run()
    archived = smtp.wait_for(3)[2]
    assert archived["Subject"] == "Oferta „Kuźnia Testowa” nie jest już na mapie"


def test_lost_link_recovery_gives_a_new_link_and_refuses_the_old(db, smtp):
    at = new_app("uk")
    old = submit(at, "Музей Тестовий", email=PARTNER)
    smtp.wait_for(1)
    open_page(at, EDIT)
    at.text_input(key="ed_lost_email").input("  IZBA.testowa@example.org ").run()
    at.button(key="ed_lost_send").click().run()
    known_answer = [i.value for i in at.info]
    [recovery] = smtp.wait_for(2)[1:]
    assert recovery["Subject"] == "Нове посилання на ваші пропозиції"
    assert recovery["To"] == "izba.testowa@example.org"
    [new] = links(recovery)
    assert "Музей Тестовий" in text_part(recovery)
    assert token_of(new)["token"] != old
    assert edit_page_works(open_link(at, new), "Музей Тестовий")
    open_page(at, EDIT, token=old)
    assert at.warning and "ed_send" not in button_keys(at), "the old link is refused"

    # An unknown address gets the very same answer and no message.
    open_page(at, EDIT)
    at.text_input(key="ed_lost_email").input("nobody@example.org").run()
    at.button(key="ed_lost_send").click().run()
    assert [i.value for i in at.info] == known_answer
    # Per address: three requests an hour; the fourth is refused without a message.
    for _ in range(3):
        at.text_input(key="ed_lost_email").input(PARTNER).run()
        at.button(key="ed_lost_send").click().run()
    assert [i.value for i in at.info] != known_answer
    assert len(smtp.wait_for(4)) == 4  # two more recoveries went out, then the limit
    assert len(smtp.messages) == 4


def test_bulk_rows_each_get_their_own_link(db, smtp):
    at = new_app()
    open_page(at, SUBMIT)
    csv_text = (
        "nazwa;kategoria;współrzędne;partner;typ partnera;e-mail;strona www\n"
        "Warsztaty Garncarskie Testowe;workshops;50.0163, 22.6777;Koło Testowe;ngo;"
        "garncarz@example.org;\n"
        "Kuźnia Testowa;workshops;50.0301, 22.6601;Koło Testowe;ngo;kowal@example.org;\n"
        "Pasieka Testowa;food;50.0400, 22.6500;Koło Testowe;ngo;pszczelarz@example.org;\n"
        # Reachable through its website only: accepted, but no address to send a link to.
        "Bez Adresu Testowa;workshops;50.0450, 22.6400;Koło Testowe;ngo;;https://www.jaroslaw.pl\n"
    )
    at.file_uploader(key="sub_bulk_file").set_value(
        ("oferty.csv", csv_text.encode("utf-8"), "text/csv")
    ).run()
    at.button(key="sub_bulk_send").click().run()
    assert not at.exception
    assert any("3 wiadomości" in s.value for s in at.success), [s.value for s in at.success]
    messages = smtp.wait_for(3)
    by_to = {m["To"]: m for m in messages}
    assert set(by_to) == {"garncarz@example.org", "kowal@example.org", "pszczelarz@example.org"}
    [link] = links(by_to["kowal@example.org"])
    assert edit_page_works(open_link(at, link), "Kuźnia Testowa")


def test_yearly_check_asks_once_and_confirm_link_confirms(db, smtp, capsys):
    at = new_app()
    token = submit(at, "Skansen Testowy", email=PARTNER)
    product = db.product_for_token(token)
    login(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_approve").click().run()
    smtp.wait_for(2)
    with db.write() as conn:
        conn.execute(
            products_table.update()
            .where(products_table.c.id == product.id)
            .values(updated_at=now_utc() - timedelta(days=400))
        )
        db._bump_version(conn)
    assert mail_cli(["still-correct"]) == 0
    assert mail_cli(["still-correct"]) == 0  # cron again: nobody is asked twice
    assert "asked: 1" in capsys.readouterr().out
    messages = smtp.wait_for(3)
    assert len(messages) == 3
    question = messages[2]
    assert question["Subject"] == "Czy oferta „Skansen Testowy” jest nadal aktualna?"
    confirm, edit, close = links(question)
    assert token_of(confirm)["do"] == "confirm" and token_of(close)["do"] == "close"
    assert "do" not in token_of(edit)

    open_page(at, MODERATION)
    stale_text = " ".join(m.value for m in at.markdown)
    assert re.search(
        rf"zapytano {re.escape(PARTNER)} \d{{1,2}}\.\d{{1,2}}\.\d{{4}}, \d\d:\d\d \((wysłana|w kolejce)\)",
        # What a reader sees: markdown escapes and the invisible word joiners that stop
        # addresses and times from becoming links are not part of the text.
        stale_text.replace("\\", "").replace("\u2060", ""),
    )

    open_link(at, confirm)
    at.button(key="ed_confirm").click().run()
    assert not at.exception
    confirmed = pd.Timestamp(db.get_product(product.id).updated_at)
    assert confirmed.tz_localize("UTC") > pd.Timestamp(now_utc()) - timedelta(minutes=5)
    assert any("aktualna" in s.value for s in at.success)
    open_link(at, close)
    assert "ed_withdraw" in button_keys(at)


def test_hostile_name_is_escaped_in_the_html_part(db, smtp):
    at = new_app()
    submit(at, "Zamek " + HOSTILE, email=PARTNER)
    [message] = smtp.wait_for(1)
    html = html_part(message)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert "<img src=x onerror=alert(1)>" in text_part(message), "plain text keeps the text"


def test_outbox_mode_writes_eml_files_staff_can_see(db, mail_env):
    at = new_app()
    submit(at, "Izba Regionalna Testowa", email=PARTNER)
    settings = load_settings()
    assert settings.mode == "outbox"
    queue = MailQueue(settings.queue_dir)
    events.sender.drain_once(settings)  # the thread may have done it already
    [record] = queue.records()
    assert record["status"] == "sent" and record["via"] == "outbox"
    [eml] = list(settings.outbox_dir.glob("*.eml"))
    assert b"Izba Regionalna Testowa" in eml.read_bytes() or b"=?utf-8?" in eml.read_bytes()
    login(at)
    open_page(at, MODERATION)
    [table] = [d.value for d in at.dataframe if "Zdarzenie" in d.value.columns]
    assert list(table.iloc[0])[1:5] == ["zgłoszenie", PARTNER, record["subject"], "wysłana"]
    assert any(str(settings.outbox_dir) in c.value for c in at.caption)
