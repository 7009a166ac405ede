"""The static publisher: the public read path of the catalogue as plain files.

``python -m publish --out DIR`` (or :func:`build_site`) writes HTML pages of every published
offering, partner and district in Polish, English and Ukrainian, a searchable index with the
single-file map, ``sitemap.xml``, ``robots.txt`` and open data (GeoJSON, CSV, iCalendar, a
change feed, DCAT-AP). It sits beside ``mapview`` and ``fairkit``: it imports ``geodata``,
``catalogue``, ``mapview`` and ``fairkit``; only ``ui`` and ``app.py`` import it.
"""

from publish.rebuilder import rebuild_in_background
from publish.site import BuildResult, build_site, default_out_dir
from publish.versions import load_state

__all__ = ["BuildResult", "build_site", "default_out_dir", "load_state", "rebuild_in_background"]
