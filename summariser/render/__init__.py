"""Renderers: a grounded Brief in, text for a reader out. They only read the Brief."""
