"""The document around the pages: ``<html lang>``, the title, skip link, focus and names.

:func:`document_script` is called once per run from ``app.py``. It injects one script into the
page (``st.html(..., unsafe_allow_javascript=True)``) that

- sets ``<html lang>`` and ``document.title`` from the language and the page (and the open
  product), and keeps them when Streamlit rewrites the title;
- puts a "skip to the results" link first in the tab order (the map's markers come first
  otherwise), which focuses the first result, or the details heading when one is open;
- moves the focus to the details heading when a result opens and back to the result when it
  closes (Streamlit would leave it on ``<body>``);
- names the map iframes ("Mapa ofert") and translates Streamlit's own English strings that its
  API does not expose ("Skip to main content", "Select all", "No results", "N more", …).

Everything passed in is JSON with ``</`` escaped, so no value can end the script block.
"""

from __future__ import annotations

import json

import streamlit as st

from catalogue.taxonomy import check_language
from ui.map_component import MAP_IFRAME_SELECTOR

S: dict[str, dict[str, str]] = {
    "skip": {
        "pl": "Przejdź do listy wyników",
        "en": "Skip to the results list",
        "uk": "Перейти до списку результатів",
    },
    "map_frame": {"pl": "Mapa ofert", "en": "Map of offerings", "uk": "Мапа пропозицій"},
}

# Streamlit's own interface strings (1.67) that no API parameter translates. Exact texts or
# aria-labels; "{n}" stands for a number.
STREAMLIT_STRINGS: dict[str, dict[str, str]] = {
    "Skip to main content": {
        "pl": "Przejdź do treści strony",
        "uk": "Перейти до основного вмісту",
    },
    "Select all": {"pl": "Zaznacz wszystkie", "uk": "Вибрати всі"},
    "No results": {"pl": "Brak wyników", "uk": "Немає результатів"},
    "No options to select": {"pl": "Brak opcji do wyboru", "uk": "Немає варіантів"},
    "Clear all": {"pl": "Wyczyść wszystko", "uk": "Очистити все"},
    "{n} more": {"pl": "jeszcze {n}", "uk": "ще {n}"},
    "Page not found": {"pl": "Nie znaleziono strony", "uk": "Сторінку не знайдено"},
    "Open sidebar": {"pl": "Otwórz panel boczny", "uk": "Відкрити бічну панель"},
    "Close sidebar": {"pl": "Zamknij panel boczny", "uk": "Закрити бічну панель"},
    "Collapse sidebar": {"pl": "Zwiń panel boczny", "uk": "Згорнути бічну панель"},
    "Expand sidebar": {"pl": "Rozwiń panel boczny", "uk": "Розгорнути бічну панель"},
    "Main menu": {"pl": "Menu główne", "uk": "Головне меню"},
    "Running...": {"pl": "Trwa…", "uk": "Виконується…"},
    "Press Enter to apply": {"pl": "Naciśnij Enter, aby zastosować", "uk": "Натисніть Enter"},
    "Choose date": {"pl": "Wybierz datę", "uk": "Виберіть дату"},
}


def _script_json(value: object) -> str:
    """``value`` as JSON safe inside ``<script>`` (no ``</``, no HTML comment openers)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def document_title(page_title: str, app_title: str, item: str | None = None) -> str:
    """The browser title: "item · page · app" (the item only when one is open)."""
    parts = [p.strip() for p in (item, page_title, app_title) if p and p.strip()]
    return " · ".join(dict.fromkeys(parts))


def streamlit_strings(lang: str) -> dict[str, str]:
    """Streamlit's English strings mapped to ``lang`` (empty for English)."""
    check_language(lang)
    return {en: tr[lang] for en, tr in STREAMLIT_STRINGS.items() if lang in tr}


_SCRIPT = """
<script>
(function(cfg){
  var doc = window.parent && window.parent !== window ? window.parent.document : document;
  var win = doc.defaultView;
  var st = win.__a11y = win.__a11y || {};
  st.cfg = cfg;
  function apply() {
    var c = st.cfg;
    if (doc.documentElement.lang !== c.lang) { doc.documentElement.lang = c.lang; }
    if (doc.title !== c.title) { doc.title = c.title; }
    // Map iframes get a name in the reader's language (keeping their component class).
    doc.querySelectorAll(c.mapFrame).forEach(function(f){
      if (f.title !== c.mapTitle) { f.title = c.mapTitle; }
    });
    var skip = doc.getElementById("a11y-skip");
    if (!skip) {
      skip = doc.createElement("a");
      skip.id = "a11y-skip";
      skip.href = "#";
      skip.className = "a11y-skip";
      skip.addEventListener("click", function(e){ e.preventDefault(); focusResults(true); });
      doc.body.insertBefore(skip, doc.body.firstChild);
    }
    skip.textContent = c.skip;
    skip.hidden = !resultsTarget();
    translate(doc.body);
  }
  function resultsTarget() {
    var heading = detailsHeading();
    if (heading) { return heading; }
    return doc.querySelector('[class*="st-key-pick_"] button');
  }
  function detailsHeading() {
    var close = doc.querySelector('.st-key-close_details');
    if (!close) { return null; }
    var col = close.closest('[data-testid="stColumn"]') || close.parentElement;
    return col ? col.querySelector('h1, h2, h3') : null;
  }
  function focusEl(el) {
    if (!el) { return false; }
    if (!/^(BUTTON|A|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) { el.setAttribute("tabindex", "-1"); }
    el.focus({preventScroll: false});
    return doc.activeElement === el;
  }
  function focusResults() { return focusEl(resultsTarget()); }
  // Focus follows the details panel: opened → its heading, closed → the result it came from.
  function followDetails() {
    var app = doc.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== "notRunning") { return; }
    var heading = detailsHeading();
    var product = new URLSearchParams(win.location.search).get("product");
    var open = heading ? (product || "?") : null;
    if (open === st.openProduct) { return; }
    var was = st.openProduct;
    st.openProduct = open;
    if (st.first === undefined) { st.first = true; return; }  // page load: leave focus alone
    var active = doc.activeElement;
    var inMap = active && active.tagName === "IFRAME";
    if (open) {
      if (!inMap || !st.keepMapFocus) { focusEl(heading); }
    } else if (was) {
      var back = doc.querySelector('.st-key-pick_' + CSS.escape(was) + ' button');
      focusEl(back || doc.querySelector('[class*="st-key-pick_"] button'));
    }
  }
  function translate(root) {
    var map = st.cfg.strings;
    if (!root || !map || !Object.keys(map).length) { return; }
    var walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node, more = /^\\+?(\\d+) more$/;
    while ((node = walker.nextNode())) {
      var t = node.nodeValue, k = t.trim();
      if (!k || k.length > 40) { continue; }
      var m = more.exec(k);
      if (map[k]) { node.nodeValue = t.replace(k, map[k]); }
      else if (m && map["{n} more"]) { node.nodeValue = t.replace(k, map["{n} more"].replace("{n}", m[1])); }
    }
    root.querySelectorAll && root.querySelectorAll("[aria-label],[title],[placeholder]").forEach(function(el){
      ["aria-label", "title", "placeholder"].forEach(function(a){
        var v = el.getAttribute(a);
        if (v && map[v]) { el.setAttribute(a, map[v]); }
      });
    });
  }
  if (!st.installed) {
    st.installed = true;
    var style = doc.createElement("style");
    style.textContent = ".a11y-skip{position:fixed;left:8px;top:-60px;z-index:1000001;padding:8px 12px;"
      + "background:#1f6f43;color:#fff;border-radius:4px;font-weight:600;text-decoration:none}"
      + ".a11y-skip:focus{top:8px;outline:3px solid #f5b800}";
    doc.head.appendChild(style);
    var pending = false;
    new win.MutationObserver(function(){
      if (pending) { return; }
      pending = true;
      win.requestAnimationFrame(function(){ pending = false; apply(); followDetails(); });
    }).observe(doc.documentElement, {childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ["data-test-script-state", "lang"]});
  }
  apply();
  followDetails();
})(%s);
</script>
"""


def document_script(lang: str, page_title: str, app_title: str, item: str | None = None) -> None:
    """Set ``<html lang>``, the title and the keyboard helpers for this run (see module doc)."""
    check_language(lang)
    cfg = {
        "lang": lang,
        "title": document_title(page_title, app_title, item),
        "skip": S["skip"][lang],
        "mapTitle": S["map_frame"][lang],
        "mapFrame": MAP_IFRAME_SELECTOR,
        "strings": streamlit_strings(lang),
    }
    st.html(_SCRIPT % _script_json(cfg), unsafe_allow_javascript=True)


__all__ = ["document_script", "document_title", "streamlit_strings"]
