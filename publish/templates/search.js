// Client-side search of the static site: no server, works from file:// too. The data file
// (<lang>/search.js, loaded before this one) sets window.SITE_SEARCH to
// [[folded text, name, url, category · district], ...]. Results are built with
// textContent only: partner text never becomes HTML.
(function () {
  "use strict";
  var items = window.SITE_SEARCH || [];
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
