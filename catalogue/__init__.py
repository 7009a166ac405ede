"""Tourism product catalogue: model, taxonomy, validation, storage and data exchange.

UI-free: nothing here imports streamlit or folium.
"""
