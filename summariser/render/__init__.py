"""Renderers: a grounded Brief in, text for a reader out. They only read the Brief; `view` says what
every one of them tells the reader, each in its own markup."""
