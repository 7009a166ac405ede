"""AppTest of the path from a partner's offering to the public map.

A partner submits through the form (widgets by key, the location typed as coordinates),
the offering is pending and absent from the map's component data, staff log in and
approve it, and it is on the map. Rejections reach the edit link; edits of a published
offering stay hidden until approved; wrong tokens, hostile names and hostile images fail
safely; a session without login never sees moderation buttons.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from catalogue import staff
from catalogue.messages import format_message
from catalogue.storage import CatalogueStore
from catalogue.validation.rows import validate_records
from geodata import gminy_of_district, guess_gmina, parse_coordinates
from tests.app.conftest import REPO_ROOT
from tests.app.widgets import choice

SUBMIT = "ui/pages/submit_page.py"
EDIT = "ui/pages/edit_page.py"
MODERATION = "ui/pages/moderation_page.py"
MAP = "ui/pages/map_page.py"
PASSWORD = "correct horse battery"
HOSTILE = "<img src=x onerror=alert(1)>${alert(2)}` "
# A point in Jarosław with no sample offering of a similar name nearby.
POINT = "50.0163, 22.6777"


def shown(elements) -> list[str]:
    """Texts of alert elements as displayed: markdown backslash escapes and the invisible
    word joiners that stop autolinks removed."""
    return [re.sub(r"\\(.)", r"\1", str(e.value)).replace("\u2060", "") for e in elements]


def new_app() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, page: str, **query) -> AppTest:
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, name: str, point: str = POINT, **fields) -> str:
    """Fill the form by key, send it, and return the edit token shown once."""
    open_page(at, SUBMIT)
    at.text_input(key="sub_name").input(name).run()
    choice(at, "selectbox", "sub_category").select(fields.pop("category", "heritage")).run()
    at.text_input(key="sub_coordinates").input(point).run()
    # Who runs it and how to reach them: required of every partner submission.
    partner = choice(at, "selectbox", "sub_partner_id")
    partner.set_value(fields.pop("partner_id", "partner-001")).run()
    fields.setdefault("website", "https://www.jaroslaw.pl")
    for key, value in fields.items():
        widget = next(w for w in [*at.text_input, *at.text_area] if w.key == f"sub_{key}")
        widget.input(value).run()
    consent(at)
    at.button(key="sub_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    token = at.session_state["sub_token"] if "sub_token" in at.session_state else None
    assert token, [e.value for e in at.error]
    return token


def map_data(at: AppTest) -> str:
    """The product layer the public map's st_folium component received."""
    open_page(at, MAP)
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    return args["feature_group"]


def map_ids(at: AppTest) -> set[str]:
    match = re.search(r"var data = (\[.*?\]);\n", map_data(at), re.S)
    assert match, "no product layer on the map"
    return {row[5] for row in json.loads(match.group(1))}


def login(at: AppTest, username: str = "anna", password: str = PASSWORD) -> AppTest:
    open_page(at, MODERATION)
    if "staff_logout" in button_keys(at):
        return at  # still logged in from earlier in the session
    at.text_input(key="staff_username").input(username)
    at.text_input(key="staff_password").input(password)
    at.button(key="staff_login").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def current_revision(store: CatalogueStore, product_id: str) -> int:
    revision = store.pending_revision(product_id)
    assert revision is not None
    return int(revision["id"])


def choose_revision(at: AppTest, store: CatalogueStore, product_id: str) -> AppTest:
    choice(at, "selectbox", "mod_current").select(current_revision(store, product_id)).run()
    return at


def test_submit_pending_hidden_then_approved_on_the_map(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, "Izba Regionalna Testowa", description="Zbiory etnograficzne.")
    product = db.product_for_token(token)
    assert product.status == "pending"
    assert product.district_teryt == "1804"
    assert product.gmina_teryt.startswith("1804")
    # The link is shown once, with its path; only the hash is in the database.
    assert any(token in c.value and "/moja-oferta?token=" in c.value for c in at.code)
    assert token not in json.dumps(db.audit_frame().astype(str).to_dict("records"))

    assert product.id not in map_ids(at)
    assert "Izba Regionalna Testowa" not in map_data(at)

    login(at)
    assert "mod_approve" in button_keys(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_approve").click().run()
    assert not at.exception
    assert db.get_product(product.id).status == "published"
    assert product.id in map_ids(at)


def reachable(at: AppTest, partner_id: str = "partner-001") -> None:
    """Name who runs the offering, give a contact and consent (required of partners)."""
    choice(at, "selectbox", "sub_partner_id").set_value(partner_id).run()
    at.text_input(key="sub_website").input("https://www.jaroslaw.pl").run()
    consent(at)


def consent(at: AppTest, prefix: str = "sub") -> None:
    """Tick the consent to publish the texts and photos under the chosen licence."""
    at.checkbox(key=f"{prefix}_consent").check().run()


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def test_validation_matches_import_and_keeps_what_was_typed(db):
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_name").input("Pasieka pod Lasem").run()
    at.text_input(key="sub_phone").input("123").run()
    at.text_input(key="sub_coordinates").input("52.2297, 21.0122").run()  # Warsaw
    expected, report = validate_records(
        [{"name": "x", "category": "food", "coordinates": "52.2297, 21.0122", "phone": "123"}],
        lang="pl",
    )
    # The same rule and message as a file import, as a sentence of its own.
    import_messages = {sentence(i.detail("pl")) for i in report.errors}
    errors = set(shown(at.error))
    assert sentence(format_message("bad_phone", "pl", {"value": "123"})) in errors
    assert any("poza" in m for m in import_messages) and import_messages & errors
    # Required fields are not nagged about before the first send.
    assert "Wybierz kategorię z listy." not in errors
    at.button(key="sub_send").click().run()
    after = set(shown(at.error))
    assert "Wybierz kategorię z listy." in after, "category is required"
    assert (
        "Podaj, kto prowadzi ofertę: wybierz partnera z listy albo wpisz nazwę nowej organizacji."
        in after
    )
    # A phone was typed (even if it is wrong): no "give a contact" message.
    assert not any("co najmniej jeden kontakt" in m for m in after)
    assert "sub_token" not in at.session_state
    # Nothing typed was lost.
    assert at.text_input(key="sub_name").value == "Pasieka pod Lasem"
    assert at.text_input(key="sub_phone").value == "123"
    assert db.count_products("pending") == 0


def test_english_form_gives_english_messages(db):
    at = new_app()
    choice(at.sidebar, "radio", "lang").set_value("en").run()
    open_page(at, SUBMIT)
    assert "Add an offering" in [t.value for t in at.title]
    at.text_input(key="sub_email").input("not-an-address").run()
    assert format_message("bad_email", "en", {"value": "not-an-address"}) in shown(at.error)


def test_district_and_gmina_appear_when_the_point_is_set(db):
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_coordinates").input("49°46'34\"N 22°38'57\"E").run()
    assert any("powiat przemyski" in m.value for m in at.markdown)
    gmina = choice(at, "selectbox", "sub_gmina")
    # Preselected: the gmina the point lies in, stored as its TERYT, labelled with its kind.
    assert gmina.value == guess_gmina(49.776111, 22.649167, "1813")
    assert gmina.format_func(gmina.value) == "Krasiczyn — gmina wiejska"
    assert "Przemyśl — gmina wiejska" in gmina.options
    other = next(g["teryt"] for g in gminy_of_district("1813") if g["name"] != "Krasiczyn")
    choice(at, "selectbox", "sub_gmina").select(other).run()
    assert choice(at, "selectbox", "sub_gmina").value == other
    # Moving the point to another district resets a gmina chosen for the first one.
    at.text_input(key="sub_coordinates").input(POINT).run()
    assert any("powiat jarosławski" in m.value for m in at.markdown)
    point = parse_coordinates(POINT)
    expected = guess_gmina(float(point.lat), float(point.lon), "1804")
    assert choice(at, "selectbox", "sub_gmina").value == expected
    assert choice(at, "selectbox", "sub_gmina").format_func(expected) == "Jarosław — gmina miejska"
    assert not at.exception


def test_possible_duplicate_is_shown_and_must_be_confirmed(db):
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_name").input("Zamek Krasiczyn").run()
    choice(at, "selectbox", "sub_category").select("heritage").run()
    at.text_input(key="sub_coordinates").input("49.77615, 22.64920").run()
    reachable(at)
    assert any("duplikat" in w.value for w in at.warning)
    assert any("Zamek w Krasiczynie" in m.value for m in at.markdown)
    at.button(key="sub_send").click().run()
    assert "sub_token" not in at.session_state
    assert any("inna oferta" in e.value for e in at.error)
    at.checkbox(key="sub_duplicate_ok").check().run()
    at.button(key="sub_send").click().run()
    assert at.session_state["sub_token"]


def test_new_partner_is_created_with_sector_and_legal_form(db):
    at = new_app()
    open_page(at, SUBMIT)
    choice(at, "radio", "sub_partner_mode").set_value("new").run()
    at.text_input(key="sub_partner_name").input("Koło Gospodyń Wiejskich w Testowie").run()
    at.text_input(key="sub_partner_legal_form").input("koło gospodyń wiejskich").run()
    at.text_input(key="sub_name").input("Pierogi z Testowa").run()
    choice(at, "selectbox", "sub_category").select("food").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    at.text_input(key="sub_phone").input("+48 16 621 00 00").run()
    consent(at)
    # The sector of a new partner is required, exactly as in a file.
    assert any("trzeba podać jego typ" in e.value for e in at.error)
    at.button(key="sub_send").click().run()
    assert "sub_token" not in at.session_state
    choice(at, "selectbox", "sub_partner_sector").select("social_economy").run()
    at.button(key="sub_send").click().run()
    token = at.session_state["sub_token"]
    product = db.product_for_token(token)
    partner = db.get_partner(product.partner_id)
    assert partner.name == "Koło Gospodyń Wiejskich w Testowie"
    assert partner.sector == "social_economy"
    assert partner.legal_form == "koło gospodyń wiejskich"
    # Saved directly, but not listed publicly until an offering of theirs is published.
    open_page(at, "ui/pages/partners_page.py")
    assert not any("Testowie" in m.value for m in at.markdown)


def png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_are_stored_and_hostile_ones_refused(db, tmp_path):
    at = new_app()
    open_page(at, SUBMIT)
    gif = io.BytesIO()
    Image.new("P", (10, 10)).save(gif, format="GIF")
    at.file_uploader(key="sub_photos").set_value(
        [("ok.png", png(), "image/png"), ("fake.jpg", gif.getvalue(), "image/jpeg")]
    ).run()
    assert any("fake.jpg" in m and "JPEG, PNG ani WebP" in m for m in shown(at.error))
    at.text_input(key="sub_name").input("Galeria ze zdjęciami").run()
    choice(at, "selectbox", "sub_category").select("museum").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    reachable(at)
    at.button(key="sub_send").click().run()
    assert "sub_token" not in at.session_state, "a refused photo stops the send"

    at.file_uploader(key="sub_photos").set_value([("ok.png", png(), "image/png")]).run()
    at.button(key="sub_send").click().run()
    token = at.session_state["sub_token"]
    product = db.product_for_token(token)
    rows = db.photos_for(product.id)
    assert len(rows) == 1
    assert (tmp_path / "photos" / rows[0]["path"]).is_file()
    # Default credit of a partner's submission: the partner, CC BY 4.0 (consent ticked).
    partner = db.get_partner("partner-001").name
    assert (product.text_author, product.text_licence) == (partner, "CC-BY-4.0")
    assert (rows[0]["author"], rows[0]["licence"]) == (partner, "CC-BY-4.0")


def test_nothing_is_sent_without_the_consent_and_the_credit_can_be_chosen(db):
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_name").input("Izba regionalna testowa").run()
    choice(at, "selectbox", "sub_category").select("museum").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    choice(at, "selectbox", "sub_partner_id").set_value("partner-001").run()
    at.text_input(key="sub_website").input("https://www.jaroslaw.pl").run()
    at.button(key="sub_send").click().run()
    assert "sub_token" not in at.session_state
    shown_text = [e.value for e in at.error] + [m.value for m in at.markdown]
    assert any("Zaznacz zgodę" in t for t in shown_text), shown_text
    assert at.text_input(key="sub_name").value == "Izba regionalna testowa"  # nothing lost
    at.text_input(key="sub_text_author").input("Anna Nowak-Testowa").run()
    choice(at, "selectbox", "sub_text_licence").set_value("CC-BY-SA-4.0").run()
    consent(at)
    # The preview credits the text as it will be published.
    captions = shown(at.caption)
    assert any("Tekst: Anna Nowak-Testowa, CC BY-SA 4.0" in c for c in captions), captions
    at.button(key="sub_send").click().run()
    product = db.product_for_token(at.session_state["sub_token"])
    assert (product.text_author, product.text_licence) == ("Anna Nowak-Testowa", "CC-BY-SA-4.0")


def hostile_images() -> dict[str, tuple[bytes, str]]:
    """The four refused uploads, made on the fly: (content, expected Polish phrase)."""
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 20, 30)).save(jpeg, format="JPEG")
    gif = io.BytesIO()
    Image.new("P", (10, 10)).save(gif, format="GIF")
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")
    return {
        "cut.jpg": (jpeg.getvalue()[: len(jpeg.getvalue()) // 2], "uszkodzony"),
        "gif.jpg": (gif.getvalue(), "JPEG, PNG ani WebP"),
        "text.png": (b"just some text, not a picture\n", "JPEG, PNG ani WebP"),
        "huge.png": (bomb.getvalue(), "12000×12000"),
        # A file name is partner text too: it must not become a markdown image.
        "![t](http://tracker.invalid/p).png": (b"GIF89a", "JPEG, PNG ani WebP"),
    }


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "name", ["cut.jpg", "gif.jpg", "text.png", "huge.png", "![t](http://tracker.invalid/p).png"]
)
def test_hostile_images_are_refused_with_a_clear_message(db, tmp_path, name):
    content, phrase = hostile_images()[name]
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_name").input("Galeria Testowa").run()
    choice(at, "selectbox", "sub_category").select("museum").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    reachable(at)
    at.file_uploader(key="sub_photos").set_value([(name, content, "image/jpeg")]).run()
    at.button(key="sub_send").click().run()
    assert not at.exception, [e.value for e in at.exception]
    messages = shown(at.error)
    assert any(name in m and phrase in m for m in messages), messages
    assert all("![" not in str(e.value) for e in at.error), "escaped, never an image"
    assert "sub_token" not in at.session_state
    assert db.count_products("pending") == 0
    assert not list((tmp_path / "photos").rglob("*.jpg"))


def test_reject_reason_is_shown_on_the_edit_link(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, "Stadnina Testowa", category="active")
    product = db.product_for_token(token)
    login(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_reject").click().run()
    assert any("powód" in e.value.lower() for e in at.error), "a reason is required"
    assert db.get_product(product.id).status == "pending"
    at.text_area(key="mod_reason").input("Brak adresu i godzin otwarcia.").run()
    at.button(key="mod_reject").click().run()
    assert db.get_product(product.id).status == "rejected"

    open_page(at, EDIT, token=token)
    text = " ".join(e.value for e in at.error)
    assert "Brak adresu i godzin otwarcia" in text.replace("\\", "")
    assert any("odrzucona" in m.value for m in at.markdown)
    assert product.id not in map_ids(at)


def test_edit_of_a_published_offering_waits_for_approval(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, "Izba Pamięci Testowa", category="museum")
    product = db.product_for_token(token)
    login(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_approve").click().run()
    assert "Izba Pamięci Testowa" in map_data(at)

    open_page(at, EDIT, token=token)
    assert at.text_input(key="ed_name").value == "Izba Pamięci Testowa"
    at.text_input(key="ed_name").input("Izba Pamięci Kolejarzy Testowa").run()
    at.button(key="ed_send").click().run()
    assert not at.exception
    assert any("czeka na sprawdzenie" in i.value for i in at.info)
    # The published version stays on the map until the edit is approved.
    data = map_data(at)
    assert "Izba Pamięci Testowa" in data and "Kolejarzy" not in data
    assert db.get_product(product.id).status == "published"

    login(at)
    choose_revision(at, db, product.id)
    assert any("Kolejarzy" in str(df.value) for df in at.dataframe)
    at.button(key="mod_approve").click().run()
    data = map_data(at)
    assert "Izba Pamięci Kolejarzy Testowa" in data


def test_staff_can_correct_before_approving(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, "Spływ Testowy", category="active")
    product = db.product_for_token(token)
    login(at)
    choose_revision(at, db, product.id)
    at.toggle(key="mod_edit_toggle").set_value(True).run()
    assert at.text_input(key="moded_name").value == "Spływ Testowy"
    at.text_input(key="moded_phone").input("abc").run()
    assert at.button(key="mod_approve_edited").disabled
    at.text_input(key="moded_phone").input("16 621 12 34").run()
    at.text_input(key="moded_name").input("Spływ kajakowy Testowy").run()
    at.button(key="mod_approve_edited").click().run()
    assert not at.exception
    published = db.get_product(product.id)
    assert published.status == "published"
    assert published.name_pl == "Spływ kajakowy Testowy"
    assert published.phone == "+48 166 211 234"


def test_withdraw_takes_the_offering_off_the_map(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, "Punkt Widokowy Testowy", category="nature")
    product = db.product_for_token(token)
    login(at)
    choose_revision(at, db, product.id)
    at.button(key="mod_approve").click().run()
    assert product.id in map_ids(at)
    open_page(at, EDIT, token=token)
    assert at.button(key="ed_withdraw").disabled
    at.checkbox(key="ed_withdraw_confirm").check().run()
    at.button(key="ed_withdraw").click().run()
    assert db.get_product(product.id).status == "archived"
    assert product.id not in map_ids(at)


@pytest.mark.parametrize("token", ["nonsense", "x" * 5000, "' OR 1=1 --", "%00"])
def test_wrong_token_shows_a_neutral_message(db, token):
    at = new_app()
    open_page(at, EDIT, token=token)
    assert any("nie jest ważny" in w.value for w in at.warning)
    assert "ed_name" not in {w.key for w in at.text_input}
    assert "ed_send" not in button_keys(at)
    assert "ed_open" in button_keys(at), "the partner can paste the link again"
    shown = " ".join(str(m.value) for m in [*at.markdown, *at.warning])
    assert token not in shown, "the token is never echoed"


def test_without_login_there_is_no_approve_button(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    submit(at, "Oferta Bez Logowania")
    open_page(at, MODERATION)
    keys = button_keys(at)
    assert "staff_login" in keys
    assert not {k for k in keys if k.startswith("mod_")}
    assert not any("Oferta Bez Logowania" in m.value for m in at.markdown)
    # A wrong password changes nothing.
    login(at, password="wrong password!!")
    assert not {k for k in button_keys(at) if k.startswith("mod_")}
    assert any("Nieprawidłowa" in e.value for e in at.error)


def test_removed_account_is_logged_out_on_its_next_run(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    login(at)
    assert "staff_logout" in button_keys(at)
    db.remove_staff("anna", "test")
    at.run()
    assert "staff_login" in button_keys(at)
    assert not {k for k in button_keys(at) if k.startswith("mod_")}


def test_hostile_name_is_text_everywhere(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    token = submit(at, HOSTILE, category="events")
    product = db.product_for_token(token)
    assert product.name_pl == HOSTILE.strip()
    login(at)
    choose_revision(at, db, product.id)
    heading = next(h.value for h in at.subheader if "img" in h.value)
    assert "\\<img" in heading and "\\$" in heading and "\\`" in heading
    assert not re.search(r"(?<!\\)[<`$]", heading), "every metacharacter is escaped"
    at.button(key="mod_approve").click().run()
    data = map_data(at)
    assert "<img" not in data, "names reach the map script as escaped JSON"
    assert "\\u003cimg src=x onerror=alert(1)\\u003e${alert(2)}`" in data
    open_page(at, EDIT, token=token)
    shown = [str(m.value) for m in [*at.markdown, *at.subheader]]
    assert any("img src" in text for text in shown)
    assert not any(re.search(r"(?<!\\)[<`$]", text) for text in shown if "img src" in text)


def test_bulk_upload_sends_valid_rows_for_review(db):
    at = new_app()
    open_page(at, SUBMIT)
    assert at.get("download_button"), "the template can be downloaded"
    csv_text = (
        "nazwa;kategoria;współrzędne;telefon;strona;partner;id\n"
        "Warsztaty Garncarskie Testowe;workshops;50.0163, 22.6777;;https://www.jaroslaw.pl;"
        "Gmina Miejska Przemyśl;sample-001\n"
        "Kuźnia Testowa;workshops;50.0301, 22.6601;16 621 12 34;;Gmina Miejska Przemyśl;\n"
        "Zła Oferta;nieznana;52.2, 21.0;123;;;\n"
        "Bez Kontaktu;workshops;50.0311, 22.6611;;;;\n"
    )
    at.file_uploader(key="sub_bulk_file").set_value(
        ("oferty.csv", csv_text.encode("utf-8"), "text/csv")
    ).run()
    assert not at.exception
    assert any("**2** z 4" in m.value for m in at.markdown)
    # The partners' rule, row by row in the file's report: who runs it, how to reach them.
    report = at.dataframe[0].value
    row5 = report[report.iloc[:, 0] == "Wiersz 5"].iloc[:, 2].tolist()
    assert format_message("contact_required", "pl") in row5
    assert format_message("partner_required", "pl") in report.iloc[:, 2].tolist()
    assert any("id" in i.value for i in at.info), "ids are ignored for anonymous uploads"
    at.button(key="sub_bulk_send").click().run()
    assert not at.exception
    queue = db.moderation_queue()
    assert sorted(queue["name_pl"]) == ["Kuźnia Testowa", "Warsztaty Garncarskie Testowe"]
    assert set(queue["kind"]) == {"new"}
    # sample-001 was not touched through its id.
    assert db.get_product("sample-001").name_pl == "Zamek Kazimierzowski w Przemyślu"


def test_stale_entries_are_listed_and_can_be_confirmed(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    from datetime import timedelta

    from catalogue.database import now_utc
    from catalogue.schema import products_table

    with db.write() as conn:
        conn.execute(
            products_table.update()
            .where(products_table.c.id == "sample-001")
            .values(updated_at=now_utc() - timedelta(days=400))
        )
        db._bump_version(conn)  # as every real write does; pages cache per version
    login(at)
    assert "mod_fresh_sample-001" in button_keys(at)
    at.button(key="mod_fresh_sample-001").click().run()
    assert "mod_fresh_sample-001" not in button_keys(at)


def test_partner_registry_add_and_merge(db):
    staff.add_staff(db, "anna", PASSWORD, role="admin")
    at = new_app()
    login(at)
    at.text_input(key="mod_p_name").input("Fundacja Testowa").run()
    choice(at, "selectbox", "mod_p_sector").select("ngo").run()
    at.text_input(key="mod_p_website").input("www.fundacja-testowa.pl").run()
    at.text_area(key="mod_p_description_en").input("A test foundation.").run()
    at.file_uploader(key="mod_p_logo_0").set_value(("logo.png", png(900, 300), "image/png")).run()
    at.button(key="mod_p_save").click().run()
    assert not at.exception
    partner = db.get_partner("fundacja-testowa")
    assert partner.website == "https://www.fundacja-testowa.pl"
    assert partner.description_en == "A test foundation."
    assert partner.logo_path and open(partner.logo_path, "rb").read(2) == b"\xff\xd8"

    frame = db.partners_frame()
    some = frame[frame["published_count"] > 0].iloc[0]
    choice(at, "selectbox", "mod_merge_from").select(str(some["id"])).run()
    choice(at, "selectbox", "mod_merge_into").select("fundacja-testowa").run()
    assert at.button(key="mod_merge").disabled
    at.checkbox(key="mod_merge_confirm").check().run()
    at.button(key="mod_merge").click().run()
    assert db.get_partner(str(some["id"])) is None
    assert db.partners_frame().set_index("id").loc["fundacja-testowa", "published_count"] == int(
        some["published_count"]
    )


def test_audit_log_can_be_downloaded(db):
    staff.add_staff(db, "anna", PASSWORD)
    at = new_app()
    submit(at, '=HYPERLINK("http://evil")')
    login(at)
    assert any(d.proto.label.startswith("Pobierz dziennik") for d in at.get("download_button"))
    audit = next(d for d in at.dataframe if "Działanie" in d.value.columns)
    assert "submit" in set(audit.value["Działanie"])


def test_form_values_round_trip_through_validation():
    """A product shown in the edit form and sent unchanged validates back to itself."""
    from datetime import date

    from catalogue.model import Product
    from ui.form_values import product_to_values, values_to_record

    original = Product(
        id="x",
        name_pl="Festiwal Testowy",
        category="events",
        lat=50.0163,
        lon=22.6777,
        description_pl="Opis\nw dwóch liniach",
        name_en="Test Festival",
        address="Rynek 1, Jarosław",
        website="https://example.pl",
        email="info@example.pl",
        phone="+48 166 211 234",
        price="20 zł",
        free=False,
        months=[1, 11, 12],  # over New Year
        event_start=date(2027, 8, 15),
        event_end=date(2027, 8, 17),
        wheelchair="limited",
        family=None,
        step_free=True,
        info_deaf=False,
        text_author="Muzeum Testowe",
        text_licence="CC0-1.0",
        pets=False,
        languages=["pl", "uk"],
        tags=["muzyka", "jarmark"],
        gmina_teryt="1804011",
        source_note="strona gminy",
    )
    record = values_to_record(product_to_values(original))
    products, report = validate_records([record], header=list(record), unquote=False)
    assert report.ok, report.to_text("en")
    again = products[0]
    for name in (
        "name_pl",
        "category",
        "description_pl",
        "name_en",
        "address",
        "website",
        "email",
        "phone",
        "price",
        "free",
        "months",
        "event_start",
        "event_end",
        "wheelchair",
        "family",
        "pets",
        "step_free",
        "info_deaf",
        "info_blind",
        "text_author",
        "text_licence",
        "languages",
        "tags",
        "gmina_teryt",
        "source_note",
    ):
        assert getattr(again, name) == getattr(original, name), name
    assert (again.lat, again.lon) == (original.lat, original.lon)
    with pytest.raises(ValueError):
        values_to_record({"partner_mode": "hack"})
    with pytest.raises(ValueError):
        values_to_record({"free": "maybe"})


def test_bulk_upload_warns_about_a_similar_partner_and_uses_the_existing_one(db):
    at = new_app()
    open_page(at, SUBMIT)
    csv_text = (
        "nazwa;kategoria;współrzędne;strona;partner;typ partnera\n"
        "Lekcja muzealna w pałacu;workshops;50.0590, 22.4940;https://muzeum.przeworsk.pl;"
        "Muzeum w Przeworsku;public\n"
    )
    at.file_uploader(key="sub_bulk_file").set_value(
        ("oferty.csv", csv_text.encode("utf-8"), "text/csv")
    ).run()
    assert not at.exception
    existing = "Muzeum w Przeworsku – Zespół Pałacowo-Parkowy"
    assert any("wyglądają jak organizacje" in w.value for w in at.warning)
    question = next(r for r in at.radio if (r.key or "").startswith("sub_bulk_partner_"))
    assert question.value == "existing"
    # The label is markdown: the partner's name is escaped in it.
    assert existing in re.sub(r"\\(.)", r"\1", question.format_func("existing"))
    at.button(key="sub_bulk_send").click().run()
    assert not at.exception
    queue = db.moderation_queue()
    product = db.get_product(str(queue.iloc[0]["product_id"]))
    assert product.partner_id == "partner-037", "no duplicate partner was created"
    frame = db.partners_frame()
    assert (frame["name"] == "Muzeum w Przeworsku").sum() == 0


def test_form_checks_opening_hours_with_the_position_and_keeps_the_rule(db):
    at = new_app()
    open_page(at, SUBMIT)
    at.text_input(key="sub_opening_hours").input("Tu-Su 09:00-1700").run()
    expected = format_message(
        "bad_opening_hours",
        "pl",
        {"value": "Tu-Su 09:00-1700", "position": 13, "fragment": "1700"},
    )
    assert sentence(expected) in shown(at.error)
    at.text_input(key="sub_name").input("Muzeum w Jarosławiu").run()
    choice(at, "selectbox", "sub_category").select("museum").run()
    at.text_input(key="sub_coordinates").input(POINT).run()
    reachable(at)
    at.text_input(key="sub_opening_hours").input("Tu-Su 09:00-17:00; PH off").run()
    assert not any("godzin otwarcia" in m for m in shown(at.error))
    assert any("wt.–nd. 9:00–17:00, nieczynne w święta" in m for m in shown(at.markdown))


def test_link_fields_of_the_registry_are_in_the_form_checked_and_stored(db):
    from catalogue.columns import LINK_COLUMNS

    at = new_app()
    open_page(at, SUBMIT)
    labels = {w.key: w.label for w in at.text_input}
    for column in LINK_COLUMNS:
        assert labels[f"sub_{column.name}"] == column.label["pl"]
    # A script address is refused under the field, in the user's words; the text stays.
    bad = LINK_COLUMNS[-1].name
    at.text_input(key=f"sub_{bad}").input("javascript:alert(1)").run()
    assert sentence(
        format_message("javascript_url", "pl", {"value": "javascript:alert(1)"})
    ) in set(shown(at.error))
    assert at.text_input(key=f"sub_{bad}").value == "javascript:alert(1)"
    at.text_input(key=f"sub_{bad}").input("").run()
    token = submit(
        at, "Izba Regionalna Linkowa", **{c.name: f"www.{c.name}.com/izba" for c in LINK_COLUMNS}
    )
    product = db.product_for_token(token)
    assert product.links() == {c.name: f"https://www.{c.name}.com/izba" for c in LINK_COLUMNS}
