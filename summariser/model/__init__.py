"""Asking a model: the client, its retries and deadlines, recordings, the cache, local models."""
