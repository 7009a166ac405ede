"""Messages in three languages: plural forms, escaping in HTML, one-line subjects."""

from __future__ import annotations

import pytest

from mail.templates import EVENTS, MESSAGES, clean_header, plural, render

HOSTILE = "<script>alert(1)</script>\r\nBcc: x@evil.example & \"'"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pl", ["1 wiadomość", "2 wiadomości", "4 wiadomości", "5 wiadomości", "12 wiadomości",
                "22 wiadomości", "25 wiadomości", "0 wiadomości"]),
        ("uk", ["1 повідомлення", "2 повідомлення", "4 повідомлення", "5 повідомлень",
                "12 повідомлень", "22 повідомлення", "25 повідомлень", "0 повідомлень"]),
        ("en", ["1 message", "2 messages", "4 messages", "5 messages", "12 messages",
                "22 messages", "25 messages", "0 messages"]),
    ],
)  # fmt: skip
def test_plural_forms(lang, expected):
    assert [plural("messages", n, lang) for n in (1, 2, 4, 5, 12, 22, 25, 0)] == expected


def test_review_days_in_every_language():
    assert plural("review_days", 1, "pl") == "1 dnia roboczego"
    assert plural("review_days", 3, "pl") == "3 dni roboczych"
    assert plural("review_days", 1, "uk") == "1 робочого дня"
    assert plural("review_days", 5, "uk") == "5 робочих днів"
    assert plural("review_days", 1, "en") == "1 working day"


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("lang", ["pl", "en", "uk"])
def test_every_message_escapes_what_partners_and_staff_typed(event, lang):
    link = "https://mapa.example.org/moja-oferta?token=a&lang=" + lang
    rendered = render(
        event, lang, {"name": HOSTILE}, [(None, link), (HOSTILE, link)], quote=HOSTILE
    )
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "&amp; &#34;&#39;" in rendered.html
    assert 'href="https://mapa.example.org/moja-oferta?token=a&amp;lang=' in rendered.html
    assert f'<html lang="{lang}">' in rendered.html
    assert link in rendered.text
    assert rendered.lang == lang


def test_languages_differ_and_all_are_filled():
    for event, by_lang in MESSAGES.items():
        assert set(by_lang) == {"pl", "en", "uk"}, event
        subjects = {render(event, lang, {"name": "X"}).subject for lang in by_lang}
        assert len(subjects) == 3, event


def test_unknown_event_and_language_raise():
    with pytest.raises(ValueError, match="unknown mail event"):
        render("spam", "pl", {})
    with pytest.raises(ValueError, match="unknown language"):
        render("received", "de", {})


def test_clean_header():
    assert clean_header("a\r\nb\u2028c\x00d\u202ee") == "a b c d e"
    assert len(clean_header("x" * 500)) == 150
