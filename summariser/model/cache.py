"""The response cache: the same article, asked the same way, costs no second request.

It stores the model's accepted draft, not the finished brief, so a cached answer is grounded again
by today's trust rules. The key holds everything that changes the answer: endpoint, model, mode,
prompt version, draft schema and the article text. SQLite in WAL mode lets several processes share
it; a cache that cannot be opened, read or written is bypassed with a warning, never a crash.
"""

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

log = logging.getLogger("summariser")


def default_path() -> Path:
    if os.environ.get("SUMMARISER_CACHE"):
        return Path(os.environ["SUMMARISER_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "summariser" / "cache.sqlite3"


def key(**parts: str) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Cache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                self._db = db
            except (sqlite3.Error, OSError) as error:
                self._give_up(error)
        return self._db

    def _give_up(self, error: Exception) -> None:
        log.warning("cache %s unusable (%s); going on without it", self.path, error)
        self._broken = True
        self._db = None

    def get(self, entry_key: str) -> Any:
        """The stored JSON for a key (None when there is none), as stored: what it holds is the
        caller's to check."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM answers WHERE key = ?", (entry_key,)).fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except (TypeError, ValueError, RecursionError) as error:  # one bad row, not a bad cache
            log.warning("cache %s: an unreadable entry, skipped (%s)", self.path, type(error).__name__)
            return None
        return value

    def put(self, entry_key: str, value: dict[str, Any]) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (entry_key, json.dumps(value)))
        except sqlite3.Error as error:
            self._give_up(error)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
