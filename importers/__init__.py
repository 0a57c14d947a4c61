"""Readers for the town's GIS files and archive metadata, and the services and commands that load them."""
