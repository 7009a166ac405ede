"""Streamlit front end: pages only wire widgets to the catalogue, geodata and map packages."""
