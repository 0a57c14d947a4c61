"""Wagtail pages, site settings and the public views of a municipality's site."""
