"""The messages partners receive, in Polish, English and Ukrainian, as plain text plus HTML.

Each message is a subject and paragraphs with ``{placeholders}``; :func:`render` fills them
once as text and once for HTML, where every value (names a partner typed, the staff's reason,
links) is escaped by MarkupSafe / Jinja2's autoescaping. Subjects lose every control
character, so no value can start a second header line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from catalogue.localise import localised, plural_text
from catalogue.taxonomy import check_language

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SUBJECT_CHARS = 150
EVENTS = (
    "received",
    "approved",
    "rejected",
    "edit_held",
    "archived",
    "recovery",
    "still_correct",
)

# Plural forms by CLDR category (babel decides which applies to a number).
PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "review_days": {
        "pl": {"one": "{n} dnia roboczego", "few": "{n} dni roboczych", "many": "{n} dni roboczych", "other": "{n} dnia roboczego"},
        "en": {"one": "{n} working day", "other": "{n} working days"},
        "uk": {"one": "{n} робочого дня", "few": "{n} робочих днів", "many": "{n} робочих днів", "other": "{n} робочого дня"},
    },
    "messages": {
        "pl": {"one": "{n} wiadomość", "few": "{n} wiadomości", "many": "{n} wiadomości", "other": "{n} wiadomości"},
        "en": {"one": "{n} message", "other": "{n} messages"},
        "uk": {"one": "{n} повідомлення", "few": "{n} повідомлення", "many": "{n} повідомлень", "other": "{n} повідомлення"},
    },
}  # fmt: skip


def plural(word: str, n: int, lang: str) -> str:
    """``n`` with the right form of ``word`` in ``lang`` (CLDR rules via babel):
    pl 1 wiadomość, 2 wiadomości, 5 wiadomości; uk 1 повідомлення, 5 повідомлень."""
    return plural_text(n, PLURALS[word], check_language(lang))


COMMON = {
    "greeting": {"pl": "Dzień dobry!", "en": "Hello,", "uk": "Добрий день!"},
    "signature": {
        "pl": "Regionalny Klaster Ekonomii Społecznej i Innowacji, Jarosław",
        "en": "Regional Social Economy and Innovation Cluster, Jarosław",
        "uk": "Регіональний кластер соціальної економіки та інновацій, Ярослав",
    },
    "footer": {
        "pl": "Wiadomość wysłana automatycznie przez mapę produktów turystycznych. "
        "Pytania: {contact}.",
        "en": "Sent automatically by the tourist product map. Questions: {contact}.",
        "uk": "Надіслано автоматично мапою туристичних продуктів. Питання: {contact}.",
    },
    "contact": {
        "pl": "Pytania? Napisz do koordynatora Klastra: {contact}.",
        "en": "Questions? Write to the cluster's coordinator: {contact}.",
        "uk": "Питання? Напишіть координатору кластера: {contact}.",
    },
}

# Per event and language: subject, paragraphs before the quote and links, paragraphs after.
MESSAGES: dict[str, dict[str, dict]] = {
    "received": {
        "pl": {
            "subject": "Otrzymaliśmy ofertę „{name}”",
            "before": [
                "dziękujemy za zgłoszenie oferty „{name}” na mapę produktów turystycznych Klastra.",
                "Co dalej: pracownicy Klastra sprawdzą ofertę, zwykle w ciągu {days}. "
                "Do tego czasu nie jest widoczna na mapie. Napiszemy, gdy zostanie "
                "opublikowana albo gdy będzie wymagała poprawek.",
                "Pod prywatnym linkiem poniżej sprawdzisz status oferty, poprawisz ją albo "
                "wycofasz. Nie przekazuj go nikomu: kto ma link, może zmieniać ofertę.",
            ],
            "link": "Moja oferta (prywatny link)",
            "after": ["{contact_line}"],
        },
        "en": {
            "subject": "We have received the offering “{name}”",
            "before": [
                "thank you for submitting the offering “{name}” to the cluster's tourist "
                "product map.",
                "What happens next: cluster staff review it, usually within {days}. Until "
                "then it is not on the map. We will write when it is published or if it "
                "needs corrections.",
                "With the private link below you can check its status, correct it or "
                "withdraw it. Do not pass it on: whoever has the link can change the "
                "offering.",
            ],
            "link": "My offering (private link)",
            "after": ["{contact_line}"],
        },
        "uk": {
            "subject": "Ми отримали пропозицію «{name}»",
            "before": [
                "дякуємо, що надіслали пропозицію «{name}» на мапу туристичних продуктів кластера.",
                "Що далі: працівники кластера перевірять її, зазвичай протягом {days}. До "
                "того часу її не видно на мапі. Ми напишемо, коли її опублікують або якщо "
                "вона потребуватиме виправлень.",
                "За приватним посиланням нижче ви перевірите статус пропозиції, виправите її "
                "або відкличете. Нікому його не передавайте: хто має посилання, може "
                "змінювати пропозицію.",
            ],
            "link": "Моя пропозиція (приватне посилання)",
            "after": ["{contact_line}"],
        },
    },
    "approved": {
        "pl": {
            "subject": "Oferta „{name}” jest na mapie",
            "before": [
                "pracownicy Klastra sprawdzili i opublikowali ofertę „{name}”. Jej aktualna "
                "wersja jest widoczna na mapie pod adresem poniżej.",
            ],
            "link": "Oferta na mapie",
            "after": [
                "Aby ją poprawić, otwórz prywatny link z pierwszej wiadomości. Jeśli go nie "
                "masz, na stronie „Moja oferta” podaj ten adres e-mail, a wyślemy nowy.",
                "{contact_line}",
            ],
        },
        "en": {
            "subject": "The offering “{name}” is on the map",
            "before": [
                "cluster staff have reviewed and published the offering “{name}”. Its "
                "current version is on the map at the address below.",
            ],
            "link": "The offering on the map",
            "after": [
                "To correct it, open the private link from our first message. If you do not "
                "have it, enter this e-mail address on the “My offering” page and we will "
                "send a new one.",
                "{contact_line}",
            ],
        },
        "uk": {
            "subject": "Пропозиція «{name}» на мапі",
            "before": [
                "працівники кластера перевірили й опублікували пропозицію «{name}». Її "
                "актуальна версія на мапі за адресою нижче.",
            ],
            "link": "Пропозиція на мапі",
            "after": [
                "Щоб виправити її, відкрийте приватне посилання з першого листа. Якщо його "
                "немає, вкажіть цю адресу e-mail на сторінці «Моя пропозиція», і ми "
                "надішлемо нове.",
                "{contact_line}",
            ],
        },
    },
    "rejected": {
        "pl": {
            "subject": "Oferta „{name}” wymaga poprawek",
            "before": [
                "pracownicy Klastra nie mogą opublikować oferty „{name}” w tej postaci. "
                "Uzasadnienie:",
            ],
            "link": "Moja oferta",
            "after": [
                "Popraw ofertę pod prywatnym linkiem z pierwszej wiadomości i wyślij ją "
                "ponownie. Jeśli była to zmiana opublikowanej oferty, na mapie pozostaje "
                "poprzednia wersja.",
                "{contact_line}",
            ],
        },
        "en": {
            "subject": "The offering “{name}” needs corrections",
            "before": [
                "cluster staff cannot publish the offering “{name}” as it is. Their reason:",
            ],
            "link": "My offering",
            "after": [
                "Correct the offering with the private link from our first message and send "
                "it again. If this was a change to a published offering, the map keeps the "
                "previous version.",
                "{contact_line}",
            ],
        },
        "uk": {
            "subject": "Пропозиція «{name}» потребує виправлень",
            "before": [
                "працівники кластера не можуть опублікувати пропозицію «{name}» у такому "
                "вигляді. Причина:",
            ],
            "link": "Моя пропозиція",
            "after": [
                "Виправте пропозицію за приватним посиланням з першого листа й надішліть її "
                "знову. Якщо це була зміна опублікованої пропозиції, на мапі лишається "
                "попередня версія.",
                "{contact_line}",
            ],
        },
    },
    "edit_held": {
        "pl": {
            "subject": "Zmiany oferty „{name}” czekają na sprawdzenie",
            "before": [
                "otrzymaliśmy zmiany oferty „{name}”. Pracownicy Klastra sprawdzą je, "
                "zwykle w ciągu {days}; do tego czasu na mapie jest poprzednia wersja.",
                "Jeśli to nie Ty wysłałeś zmiany, napisz do nas od razu.",
            ],
            "link": "Moja oferta",
            "after": ["{contact_line}"],
        },
        "en": {
            "subject": "Changes to “{name}” are waiting for review",
            "before": [
                "we have received changes to the offering “{name}”. Cluster staff review "
                "them, usually within {days}; until then the map shows the previous version.",
                "If you did not send these changes, write to us straight away.",
            ],
            "link": "My offering",
            "after": ["{contact_line}"],
        },
        "uk": {
            "subject": "Зміни пропозиції «{name}» чекають на перевірку",
            "before": [
                "ми отримали зміни пропозиції «{name}». Працівники кластера перевірять їх, "
                "зазвичай протягом {days}; до того часу на мапі попередня версія.",
                "Якщо ці зміни надіслали не ви, одразу напишіть нам.",
            ],
            "link": "Моя пропозиція",
            "after": ["{contact_line}"],
        },
    },
    "archived": {
        "pl": {
            "subject": "Oferta „{name}” nie jest już na mapie",
            "before": [
                "oferta „{name}” została zdjęta z mapy i nie jest już widoczna dla turystów.",
                "Jeśli to pomyłka, popraw ją pod prywatnym linkiem i wyślij ponownie do "
                "sprawdzenia albo napisz do nas.",
            ],
            "link": "Moja oferta",
            "after": ["{contact_line}"],
        },
        "en": {
            "subject": "The offering “{name}” is no longer on the map",
            "before": [
                "the offering “{name}” has been taken off the map and tourists no longer see it.",
                "If this is a mistake, correct it with your private link and send it for "
                "review again, or write to us.",
            ],
            "link": "My offering",
            "after": ["{contact_line}"],
        },
        "uk": {
            "subject": "Пропозиції «{name}» більше немає на мапі",
            "before": [
                "пропозицію «{name}» знято з мапи, і туристи її більше не бачать.",
                "Якщо це помилка, виправте її за приватним посиланням і знову надішліть на "
                "перевірку або напишіть нам.",
            ],
            "link": "Моя пропозиція",
            "after": ["{contact_line}"],
        },
    },
    "recovery": {
        "pl": {
            "subject": "Nowy link do Twoich ofert",
            "before": [
                "na stronie „Moja oferta” poproszono o nowy link do ofert podanych z tym "
                "adresem e-mail. Oto nowe prywatne linki; poprzednie przestały działać.",
            ],
            "link": "",
            "after": [
                "Jeśli to nie Ty prosiłeś o link, nic nie musisz robić: nowe linki są tylko "
                "w tej wiadomości.",
                "{contact_line}",
            ],
        },
        "en": {
            "subject": "A new link to your offerings",
            "before": [
                "a new link to the offerings given with this e-mail address was requested "
                "on the “My offering” page. Here are the new private links; the earlier "
                "ones no longer work.",
            ],
            "link": "",
            "after": [
                "If you did not ask for it, there is nothing to do: the new links are only "
                "in this message.",
                "{contact_line}",
            ],
        },
        "uk": {
            "subject": "Нове посилання на ваші пропозиції",
            "before": [
                "на сторінці «Моя пропозиція» попросили нове посилання на пропозиції, "
                "подані з цією адресою e-mail. Ось нові приватні посилання; попередні "
                "більше не діють.",
            ],
            "link": "",
            "after": [
                "Якщо ви не просили посилання, нічого робити не треба: нові посилання є "
                "лише в цьому листі.",
                "{contact_line}",
            ],
        },
    },
    "still_correct": {
        "pl": {
            "subject": "Czy oferta „{name}” jest nadal aktualna?",
            "before": [
                "oferta „{name}” jest na mapie produktów turystycznych Klastra, ale od "
                "ponad roku nikt nie potwierdził, że jest aktualna. Sprawdź proszę opis, "
                "terminy, ceny i kontakt.",
            ],
            "links": [
                "Tak, jest aktualna (potwierdź)",
                "Chcę ją poprawić",
                "Zamknij ofertę (zdejmij z mapy)",
            ],
            "after": [
                "Te linki zastępują wcześniejszy prywatny link do tej oferty. Bez "
                "potwierdzenia oferta trafi na listę do przejrzenia przez pracowników Klastra.",
                "{contact_line}",
            ],
        },
        "en": {
            "subject": "Is the offering “{name}” still correct?",
            "before": [
                "the offering “{name}” is on the cluster's tourist product map, but nobody "
                "has confirmed for over a year that it is still correct. Please check its "
                "description, dates, prices and contact.",
            ],
            "links": [
                "Yes, it is still correct (confirm)",
                "I want to correct it",
                "Close the offering (take it off the map)",
            ],
            "after": [
                "These links replace the earlier private link to this offering. Without a "
                "confirmation cluster staff will review the offering.",
                "{contact_line}",
            ],
        },
        "uk": {
            "subject": "Чи пропозиція «{name}» досі актуальна?",
            "before": [
                "пропозиція «{name}» є на мапі туристичних продуктів кластера, але вже понад "
                "рік ніхто не підтверджував її актуальність. Перевірте, будь ласка, опис, "
                "терміни, ціни та контакти.",
            ],
            "links": [
                "Так, актуальна (підтвердити)",
                "Хочу її виправити",
                "Закрити пропозицію (зняти з мапи)",
            ],
            "after": [
                "Ці посилання замінюють попереднє приватне посилання на цю пропозицію. Без "
                "підтвердження пропозицію перегляне працівник кластера.",
                "{contact_line}",
            ],
        },
    },
}

_HEADER_UNSAFE = re.compile(r"\s+")


def clean_header(text: str, limit: int = SUBJECT_CHARS) -> str:
    """One header line: control, format and line/paragraph separator characters become
    spaces, runs of white space one space, at most ``limit`` characters."""
    chars = [" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text]
    flat = _HEADER_UNSAFE.sub(" ", "".join(chars)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Rendered:
    """A message ready for :func:`mail.compose.build_message`."""

    subject: str
    text: str
    html: str
    lang: str


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(
    event: str,
    lang: str,
    values: dict[str, str],
    links: list[tuple[str, str]] = (),
    quote: str = "",
    contact: str = "",
    review_days: int = 5,
) -> Rendered:
    """The message for ``event`` in ``lang``, with untrusted ``values`` (e.g. ``name``),
    ``links`` as ``(label, url)`` (label None: the event's own link label), and ``quote``
    (the staff's reason) shown as a block. Raises ``ValueError`` for an unknown event."""
    if event not in MESSAGES:
        raise ValueError(f"unknown mail event {event!r}; expected one of {EVENTS}")
    lang = check_language(lang)
    spec = MESSAGES[event][lang]
    common = {k: localised(v, lang) for k, v in COMMON.items()}
    params = {
        **{k: str(v) for k, v in values.items()},
        "days": plural("review_days", review_days, lang),
        "contact": contact,
    }
    params["contact_line"] = common["contact"].format(contact=contact)
    labels = spec.get("links") or []
    links = [
        (label if label is not None else (labels[i] if i < len(labels) else spec["link"]), url)
        for i, (label, url) in enumerate(links)
    ]

    def fill(template: str) -> str:
        return template.format(**params)

    def fill_html(template: str) -> Markup:
        # Markup.format escapes every argument; the template itself is ours.
        return escape(template).format(**params)

    subject = clean_header(fill(spec["subject"]))
    # Our templates start lower-case after the greeting; the letter starts with a capital.
    before = [p[:1].upper() + p[1:] if i == 0 else p for i, p in enumerate(spec["before"])]
    text_parts = [common["greeting"], ""]
    for paragraph in before:
        text_parts += [fill(paragraph), ""]
    if quote:
        text_parts += ["\n".join(f"> {line}" for line in quote.splitlines() or [""]), ""]
    for label, url in links:
        text_parts += [f"{label}:", url, ""]
    for paragraph in spec["after"]:
        text_parts += [fill(paragraph), ""]
    footer = common["footer"].format(contact=contact)
    text_parts += ["-- ", common["signature"], footer]
    html = (
        _environment()
        .get_template("message.html")
        .render(
            lang=lang,
            subject=subject,
            greeting=common["greeting"],
            paragraphs=[fill_html(p) for p in before],
            quote=quote,
            links=links,
            after=[fill_html(p) for p in spec["after"]],
            signature=common["signature"],
            footer=footer,
        )
    )
    return Rendered(subject=subject, text="\n".join(text_parts) + "\n", html=html, lang=lang)
