"""Briefs made through a provider's Batch API, in rounds, resumable."""
