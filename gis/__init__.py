"""Spatial records (municipalities, places), spatial queries, GeoJSON and the map builders (Leaflet, from JSON)."""
