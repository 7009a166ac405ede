"""Folium map of the catalogue: local Leaflet assets and the product map builder."""
