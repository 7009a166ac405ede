// Client-side search of the static site: no server, works from file:// too. The data files
// (<lang>/search/<district>.js, loaded before this one) each push one district's
// [[folded text, name, url, category · district], ...] (sorted by folded name) onto
// window.SITE_SEARCH_PARTS; they are merged here in that order. Results are built with
// textContent only: partner text never becomes HTML.
(function () {
  "use strict";
  var parts = window.SITE_SEARCH_PARTS || [];
  var items = [];
  parts.forEach(function (part) { items = items.concat(part); });
  var keys = items.map(function (it) { return fold(it[1]); });
  var order = items.map(function (_, i) { return i; });
  order.sort(function (a, b) {
    if (keys[a] !== keys[b]) { return keys[a] < keys[b] ? -1 : 1; }
    return items[a][2] < items[b][2] ? -1 : items[a][2] > items[b][2] ? 1 : 0;
  });
  items = order.map(function (i) { return items[i]; });
  var input = document.getElementById("q");
  var list = document.getElementById("q-results");
  var count = document.getElementById("q-count");
  if (!input || !list) { return; }
  function fold(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ł/g, "l").replace(/\s+/g, " ").trim();
  }
  function show() {
    var words = fold(input.value).split(" ").filter(Boolean);
    list.textContent = "";
    if (!words.length) { count.textContent = ""; return; }
    var found = items.filter(function (it) {
      return words.every(function (w) { return it[0].indexOf(w) !== -1; });
    });
    count.textContent = found.length ? count.dataset.template.replace("{n}", found.length)
      : count.dataset.empty;
    found.slice(0, 50).forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it[2];
      a.textContent = it[1];
      var small = document.createElement("span");
      small.className = "small";
      small.textContent = " " + it[3];
      li.appendChild(a);
      li.appendChild(small);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", show);
  show();
})();
