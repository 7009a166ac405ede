/*
 * The single-file offline map's search box and details panel (fairkit.offline), wired to
 * the product layer of map_layers.js (loaded before this file).
 *
 * D: details per product id ({n, c, d, x, a, p, s, se, w, e, t, r, v, f, k}, see
 * fairkit.offline.OfflineUI), T: the interface texts. Every element is built with
 * textContent, never from HTML.
 */
window.touristMap.addOfflineUI = function (map, D, T) {
    "use strict";
    // Every marker, also while markercluster still adds them in chunks.
    var cluster = window.productCluster, all = window.productMarkers;
    var byId = {};
    for (var i = 0; i < all.length; i++) { byId[all[i].productId] = all[i]; }
    map.zoomControl.setPosition("bottomright");
    var panel = document.getElementById("ofm-panel"), body = document.getElementById("ofm-body");
    var input = document.getElementById("ofm-q"), count = document.getElementById("ofm-count");
    var list = document.getElementById("ofm-results");
    L.DomEvent.disableClickPropagation(document.getElementById("ofm-bar"));
    L.DomEvent.disableScrollPropagation(document.getElementById("ofm-bar"));
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var EXTRA = {"ł":"l","Ł":"l","đ":"d","Đ":"d","ø":"o","Ø":"o","ß":"ss","æ":"ae","Æ":"ae","œ":"oe","Œ":"oe","ı":"i"};
    // Same folding as geodata.fold_text: extra letters, NFKD, no combining marks, lower case.
    function fold(s) {
        s = String(s).replace(/[łŁđĐøØßæÆœŒı]/g, function(c){ return EXTRA[c]; });
        return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
            .replace(/\s+/g, " ").trim();
    }
    function el(tag, text, cls) {
        var e = document.createElement(tag);
        if (text !== undefined && text !== null) { e.textContent = text; }
        if (cls) { e.className = cls; }
        return e;
    }
    function row(dl, label, value) {
        if (!value) { return; }
        dl.appendChild(el("dt", label));
        var dd = el("dd");
        if (typeof value === "string") { dd.textContent = value; } else { dd.appendChild(value); }
        dl.appendChild(dd);
    }
    var selected = null;
    function mark(id, on) {
        var m = byId[id], node = m && m.getElement && m.getElement();
        var disc = node && node.querySelector(".pm");
        if (disc) { disc.classList.toggle("pm-sel", on); }
    }
    function show(id) {
        var d = D[id];
        if (!d) { return; }
        if (selected) { mark(selected, false); }
        selected = id; mark(id, true);
        while (body.firstChild) { body.removeChild(body.firstChild); }
        body.appendChild(el("h2", d.n));
        var meta = el("p", [d.c, d.d].filter(Boolean).join(" · "), "ofm-meta");
        body.appendChild(meta);
        if (d.x) { body.appendChild(el("p", d.x)); }
        var dl = el("dl");
        row(dl, T.address, d.a);
        if (d.p) {
            var who = el("span", d.p);
            if (d.s) { who.appendChild(el("span", " · " + (d.se ? "★ " : "") + d.s, d.se ? "ofm-se" : "")); }
            row(dl, T.partner, who);
        }
        var contact = el("div");
        if (d.w && /^https?:\/\//i.test(d.w)) {
            var a = el("a", d.w);
            a.href = d.w; a.target = "_blank"; a.rel = "noopener noreferrer";
            contact.appendChild(a);
        }
        [d.e, d.t].forEach(function(v){ if (v) { contact.appendChild(el("div", v)); } });
        row(dl, T.contact, contact.childNodes.length ? contact : null);
        row(dl, T.price, d.r);
        row(dl, T.availability, d.v);
        row(dl, T.accessibility, d.f && d.f.length ? d.f.join(", ") : "");
        body.appendChild(dl);
        panel.hidden = false;
        document.getElementById("ofm-close").focus({preventScroll: true});
    }
    function hide() {
        if (selected) { mark(selected, false); }
        selected = null; panel.hidden = true;
    }
    document.getElementById("ofm-close").addEventListener("click", hide);
    document.addEventListener("keydown", function(e){ if (e.key === "Escape") { hide(); } });
    cluster.on("click", function(e){ show(e.layer.productId); });
    function focusOn(id) {
        var m = byId[id];
        if (!m) { return; }
        cluster.zoomToShowLayer(m, function(){ show(id); });
    }
    function search() {
        var words = fold(input.value).split(" ").filter(Boolean);
        var hits = all.filter(function(m){
            var k = (D[m.productId] || {}).k || "";
            return words.every(function(w){ return k.indexOf(w) >= 0; });
        });
        cluster.clearLayers();
        cluster.addLayers(hits);
        count.textContent = hits.length ? T.count.replace("{n}", hits.length) : T.no_match;
        while (list.firstChild) { list.removeChild(list.firstChild); }
        if (!words.length) { return; }
        hits.slice(0, 30).forEach(function(m){
            var li = el("li"), b = el("button", D[m.productId].n);
            b.type = "button";
            b.addEventListener("click", function(){ focusOn(m.productId); });
            li.appendChild(b); list.appendChild(li);
        });
        if (hits.length === 1) { focusOn(hits[0].productId); }
        else if (hits.length > 1) {
            // Keep the hits clear of the search box on wide screens.
            var left = map.getSize().x > 700 ? 340 : 20;
            map.fitBounds(L.featureGroup(hits).getBounds(),
                {paddingTopLeft: [left, 40], paddingBottomRight: [40, 40], maxZoom: 14});
        }
    }
    input.addEventListener("input", search);
    count.textContent = T.count.replace("{n}", all.length);
    // A link like offline-map.html#p=<id> opens that offering.
    function fromHash() {
        var m = /^#p=(.+)$/.exec(location.hash);
        if (m) { focusOn(decodeURIComponent(m[1])); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
    window.offlineMap = {show: show, hide: hide, search: search};
};
