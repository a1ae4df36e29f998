"""Briefs made: one article, many at once, long ones in chunks, several reports merged."""
