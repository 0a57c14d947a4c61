"""Open data for researchers: an OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0) and bulk downloads.

Modules: ``kinds`` (what a collection holds: columns and SQL, one per kind of record), ``collections`` (the
published collections), ``parameters`` (every query parameter, the map's too, parsed here and documented from
here), ``filters`` (the one filter builder: a parameter and its SQL condition, composed with psycopg.sql; the map
uses it too), ``joins`` (per-record lists such as a place's periods, joined by the read's reach), ``queries``
(the reads, serialised by PostGIS and streamed), ``ogcapi`` and ``downloads`` (views), ``openapi`` (the API
description generated from the above), ``responses`` (OGC exceptions, CORS, caching), ``feature_cache`` and
``cache_triggers`` (stored features of the kinds that declare a cache, and the triggers, generated from the
declaration, that keep them true).
"""
