"""Spatial records (municipalities, places), spatial queries, GeoJSON and the folium map builders."""
