/*
 * The map's own layers and controls, inlined once into every map page by mapview.builder
 * (the app's st_folium map and the single-file offline map alike, so it needs no request).
 *
 * Python passes every value as JSON (escaped for an inline script); partner-supplied text
 * reaches the page only through textContent, title attributes or esc() below.
 */
(function () {
    "use strict";

    // HTML-escapes a name before Leaflet sets it as tooltip HTML; also ` and $ so it can
    // never close or interpolate a template string.
    function esc(s) {
        return String(s).replace(/[&<>"'`$]/g, function (c) {
            return "&#" + c.charCodeAt(0) + ";";
        });
    }

    /** District outlines, their name labels, the attribution and the no-basemap background. */
    function addDistricts(map, opts) {
        L.geoJSON(opts.geojson, {
            interactive: false,
            style: function () {
                return { color: "#1b3a57", weight: 2, opacity: 0.8, fillColor: "#9ecae1", fillOpacity: 0.06 };
            },
        }).addTo(map);
        // Labels sit below the markers and disappear when zoomed in, where they only hide
        // what the visitor came to see.
        var pane = map.createPane("labels");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
        pane.classList.add("leaflet-labels-pane");
        var toggle = function () {
            pane.classList.toggle("hidden", map.getZoom() >= opts.maxLabelZoom);
        };
        map.on("zoomend", toggle);
        toggle();
        opts.labels.forEach(function (label) {
            var el = document.createElement("div");
            el.textContent = label[2];
            L.marker([label[0], label[1]], {
                interactive: false,
                keyboard: false,
                pane: "labels",
                icon: L.divIcon({ className: "district-label", html: el, iconSize: [120, 32], iconAnchor: [60, 16] }),
            }).addTo(map);
        });
        // Leaflet's own prefix (with its flag) takes a line of its own on a phone.
        map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
        opts.attributions.forEach(function (html) {
            map.attributionControl.addAttribution(html);
        });
        if (opts.noBasemap) {
            map.getContainer().classList.add("no-basemap");
        }
    }

    /** The offline base: the state border, the San and place names shown by zoom level. */
    function addSchematic(map, base) {
        var pane = map.createPane("schematic");
        pane.style.zIndex = 250;
        pane.style.pointerEvents = "none";
        var places = map.createPane("places");
        places.style.zIndex = 440;
        places.style.pointerEvents = "none";
        // A wide band under the district outline, which runs along the same line.
        L.polyline(base.border, {
            pane: "schematic", color: "#9b3d84", weight: 7, opacity: 0.55,
            dashArray: "14 6", lineCap: "butt", interactive: false,
        }).addTo(map);
        L.polyline(base.river, {
            pane: "schematic", color: "#4f8fcf", weight: 3.5, opacity: 0.9, interactive: false,
        }).addTo(map);
        var groups = {};
        base.places.forEach(function (p) {
            var box = document.createElement("div"),
                dot = document.createElement("span"),
                text = document.createElement("span");
            dot.className = "pl-dot";
            text.className = "pl-text";
            text.textContent = p[2];
            box.appendChild(dot);
            box.appendChild(text);
            var marker = L.marker([p[0], p[1]], {
                interactive: false,
                keyboard: false,
                pane: "places",
                icon: L.divIcon({ className: "place-label place-" + p[3] + " anchor-" + p[5], html: box, iconSize: [0, 0] }),
            });
            (groups[p[4]] = groups[p[4]] || L.layerGroup()).addLayer(marker);
        });
        // Each place joins the map at its minimum zoom, so the DOM holds only shown labels.
        var show = function () {
            var z = Math.floor(map.getZoom() + 1e-6);
            Object.keys(groups).forEach(function (k) {
                if (+k <= z) {
                    groups[k].addTo(map);
                } else {
                    groups[k].remove();
                }
            });
        };
        map.on("zoomend", show);
        show();
    }

    /** Raster tiles read from the operator's PMTiles file, served by the app itself. */
    function addLocalTiles(map, opts) {
        var source = new pmtiles.PMTiles(opts.url);
        var layer = pmtiles.leafletRasterLayer(source, {
            attribution: opts.attribution,
            minNativeZoom: opts.minZoom,
            maxNativeZoom: opts.maxZoom,
            maxZoom: opts.mapMaxZoom,
            bounds: opts.bounds,
        });
        layer.addTo(map);
        window.localTileLayer = layer;
    }

    /**
     * On touch screens one finger scrolls the page and two move the map; a one-finger swipe
     * shows the hint ``text``. Mouse dragging is unchanged.
     */
    function addTouchGestures(map, text) {
        if (!(("ontouchstart" in window) || navigator.maxTouchPoints > 0)) {
            return;
        }
        var box = map.getContainer(), timer = null;
        var hint = L.DomUtil.create("div", "touch-hint", box);
        hint.textContent = text;
        map.dragging.disable();
        box.addEventListener("touchstart", function (e) {
            if (e.touches.length > 1) {
                map.dragging.enable();
                hint.classList.remove("show");
            }
        }, { passive: true });
        box.addEventListener("touchmove", function (e) {
            if (e.touches.length === 1 && !map.dragging.enabled()) {
                hint.classList.add("show");
                clearTimeout(timer);
                timer = setTimeout(function () {
                    hint.classList.remove("show");
                }, 1500);
            }
        }, { passive: true });
        box.addEventListener("touchend", function (e) {
            if (e.touches.length === 0) {
                map.dragging.disable();
            }
        }, { passive: true });
    }

    /** The category legend; ``html`` is built (and escaped) in Python. */
    function addLegend(map, html) {
        var legend = L.control({ position: "bottomleft" });
        legend.onAdd = function () {
            var div = L.DomUtil.create("div", "map-legend");
            div.innerHTML = html;
            // Collapsed on narrow maps (phones, side columns); a tap on the title toggles.
            if (map.getSize().x < 700) {
                div.classList.add("collapsed");
            }
            div.querySelector(".legend-title").addEventListener("click", function () {
                div.classList.toggle("collapsed");
            });
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        legend.addTo(map);
    }

    // Enter or Space on a focused marker acts like a click.
    function onMarkerAdded() {
        var layer = this, el = layer.getElement && layer.getElement();
        if (!el || el.dataset.keyClick) {
            return;
        }
        el.dataset.keyClick = "1";
        el.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                layer.fire("click", { latlng: layer.getLatLng(), originalEvent: e }, true);
            }
        });
    }

    /*
     * A product marker costs only its position until it is first shown: its icon, title,
     * tooltip and key handler are made in beforeAdd (markercluster adds only the markers in
     * view), so 100,000 products do not build 100,000 tooltips. Icons are shared per
     * category and flags.
     */
    var ProductMarker = L.Marker.extend({
        beforeAdd: function () {
            if (!this._prepared) {
                this._prepared = true;
                var row = this.row, name = row[4];
                this.options.icon = this._icons(row[2], row[3]);
                this.options.title = name;
                this.options.alt = name;
                this.options.riseOnHover = true;
                // Bound while off the map, so Leaflet opens it on hover and on keyboard focus.
                this.bindTooltip(esc(name), { direction: "top", offset: [0, -12] });
                this.on("add", onMarkerAdded);
            }
        },
    });

    function iconCache(categories) {
        var icons = {};
        return function (category, flags) {
            var key = category * 8 + (flags & 7);
            if (!icons[key]) {
                var c = categories[category];
                var cls = "pm" + ((flags & 1) ? " pm-se" : "") + ((flags & 2) ? " pm-sel" : "") + ((flags & 4) ? " pm-trip" : "");
                icons[key] = L.divIcon({
                    className: "", iconSize: [26, 26], iconAnchor: [13, 13],
                    html: '<div class="' + cls + '" style="background:' + c[0] + '"><svg viewBox="0 0 24 24"><path d="' + c[1] + '"/></svg></div>',
                });
            }
            return icons[key];
        };
    }

    // Clusters are named for screen readers ("12 ofert w tym miejscu"): CLDR plural rules
    // through the browser's Intl.PluralRules, the texts from Python.
    function clusterIconMaker(labels, locale) {
        var plurals = new Intl.PluralRules(locale);
        return function (c) {
            var n = c.getChildCount(), size = n < 10 ? "small" : n < 100 ? "medium" : "large";
            var label = (labels[plurals.select(n)] || labels.other).replace("{n}", n.toLocaleString(locale));
            c.options.title = label;
            var icon = L.divIcon({
                html: '<div><span aria-hidden="true">' + n + "</span></div>",
                className: "marker-cluster marker-cluster-" + size,
                iconSize: L.point(40, 40),
            });
            var create = icon.createIcon;
            icon.createIcon = function (old) {
                var el = create.call(icon, old);
                el.setAttribute("aria-label", label);
                return el;
            };
            return icon;
        };
    }

    /*
     * Clustered groups of this page's recent reruns by their content key (a digest made in
     * Python): clearing a filter brings back the whole catalogue's group as it was instead of
     * clustering 100,000 markers again. Only fully clustered groups are kept: the largest,
     * and of the others the two used last.
     */
    var clusterCache = [];
    var CACHED_OTHERS = 2;

    function takeCached(key) {
        for (var i = 0; i < clusterCache.length; i++) {
            if (clusterCache[i].key === key) {
                var hit = clusterCache.splice(i, 1)[0];
                clusterCache.push(hit);
                return hit;
            }
        }
        return null;
    }

    function remember(entry) {
        clusterCache.push(entry);
        var largest = clusterCache.reduce(function (a, b) {
            return b.markers.length > a.markers.length ? b : a;
        });
        while (clusterCache.length > CACHED_OTHERS + 1) {
            clusterCache.splice(clusterCache[0] === largest ? 1 : 0, 1);
        }
    }

    function newProductCluster(data, opts) {
        var entry = { key: opts.key, markers: new Array(data.length), parent: null };
        entry.cluster = L.markerClusterGroup({
            showCoverageOnHover: false,
            maxClusterRadius: opts.radius,
            // Clustering 100,000 markers takes seconds: in slices of chunkInterval ms with a
            // short pause between them, so the page stays responsive meanwhile.
            chunkedLoading: true,
            chunkInterval: 120,
            chunkDelay: 4,
            chunkProgress: function (done, total) {
                if (done === total && entry.key && !entry.cached) {
                    entry.cached = true;
                    remember(entry);
                }
            },
            spiderfyOnMaxZoom: true,
            disableClusteringAtZoom: 17,
            iconCreateFunction: clusterIconMaker(opts.clusterLabel, opts.locale),
        });
        // markercluster listens to every marker for dragging and moving (7 objects each);
        // product markers never move, except spiderfied, which markercluster itself ignores.
        entry.cluster._childMarkerEventHandlers = {};
        var LayerMarker = ProductMarker.extend({ _icons: iconCache(opts.categories) });
        for (var i = 0; i < data.length; i++) {
            var r = data[i];
            var m = new LayerMarker([r[0], r[1]], (r[3] & 2) ? { zIndexOffset: 1000 } : undefined);
            m.row = r;
            m.productId = r[5];
            entry.markers[i] = m;
        }
        // Added once the group is on the map: before that markercluster queues each marker
        // after checking the whole queue for it (quadratic: 8 s of 100,000 products).
        entry.cluster.once("add", function () {
            entry.cluster.addLayers(entry.markers, true);
        });
        return entry;
    }

    /**
     * Clustered product markers from compact rows ``[lat, lon, category, flags, name, id]``
     * added to ``parent``; returns the cluster group (also ``window.productCluster``).
     */
    function addProducts(parent, data, opts) {
        var entry = (opts.key && takeCached(opts.key)) || newProductCluster(data, opts);
        if (entry.parent) {
            // The previous rerun's layer (already off the map): also stops its events.
            entry.parent.removeLayer(entry.cluster);
        }
        entry.parent = parent;
        var cluster = entry.cluster, markers = entry.markers;
        cluster.addTo(parent);
        window.productCluster = cluster;
        window.productMarkers = markers;
        // The view is set after this script (the component may still size the frame and
        // settle its own view), again when the map is resized, and never once the visitor
        // has touched the map.
        // window.productViewPending counts views still to be applied, so a page (or a test)
        // can tell when the map has stopped moving by itself.
        var settle = function (apply) {
            var m = cluster._map;
            if (!m) {
                window.productViewPending -= 1;
                return;
            }
            var touched = false;
            ["pointerdown", "wheel", "touchstart", "keydown"].forEach(function (ev) {
                m.getContainer().addEventListener(ev, function () {
                    touched = true;
                }, { once: true });
            });
            var run = function () {
                var map = cluster._map;
                if (touched || !map) {
                    return;
                }
                if (map._animatingZoom) {
                    // Leaflet drops a view set while it animates a zoom (the page's first
                    // fit, slow on a busy phone): apply it when the animation has ended.
                    window.productViewPending += 1;
                    map.once("zoomend", function () {
                        setTimeout(function () {
                            run();
                            window.productViewPending -= 1;
                        }, 0);
                    });
                    return;
                }
                apply(map);
            };
            run();
            setTimeout(function () {
                run();
                window.productViewPending -= 1;
            }, 900);
            m.on("resize", function () {
                setTimeout(run, 50);
            });
        };
        // Bring the selected product into view once per selection (a shared link, a list
        // choice), then leave the visitor free to pan.
        if (opts.focus && window.productFocusKey !== opts.focusKey) {
            window.productFocusKey = opts.focusKey;
            window.productViewPending = (window.productViewPending || 0) + 1;
            setTimeout(function () {
                settle(function (map) {
                    map.setView(opts.focus, Math.max(map.getZoom(), opts.focusZoom), { animate: false });
                    for (var i = 0; i < markers.length; i++) {
                        if (data[i][3] & 2) {
                            // Open its cluster where it is rather than zooming in until the
                            // cluster splits (co-located places went to level 17).
                            var parent = cluster.getVisibleParent(markers[i]);
                            if (parent && parent !== markers[i] && parent.spiderfy) {
                                parent.spiderfy();
                            }
                            break;
                        }
                    }
                });
            }, 50);
        }
        // Zoom to the results when the filter changed them, not when only the selection or
        // the highlight changed (the key is a digest of the shown ids).
        if (opts.fitKey && data.length && window.productFitKey !== opts.fitKey) {
            window.productFitKey = opts.fitKey;
            window.productViewPending = (window.productViewPending || 0) + 1;
            setTimeout(function () {
                settle(function (map) {
                    var target = opts.fitBounds || cluster.getBounds();
                    map.fitBounds(target, { padding: [30, 30], maxZoom: opts.fitMaxZoom, animate: false });
                });
            }, 50);
        }
        return cluster;
    }

    window.touristMap = {
        addDistricts: addDistricts,
        addSchematic: addSchematic,
        addLocalTiles: addLocalTiles,
        addTouchGestures: addTouchGestures,
        addLegend: addLegend,
        addProducts: addProducts,
    };
})();
