"""Review pages for many articles, one per article and an index linking them, in a directory: the sink
`summarise --format html --output DIR` writes briefs to as they finish."""

import hashlib
import re
import threading
from pathlib import Path

from summariser.render import html
from summariser.runs.many import Result

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")


def page_name(item_id: str) -> str:
    """A review page's file name, from the id alone so that it never depends on which brief finished
    first. An id that is already a short, lower-case, safe name is used as it is; any other becomes an
    ASCII slug of it, a `~` and a short hash of the whole id, so `a/b`, `a:b` and `A/B` never share a
    page (on case-blind disks too), none is hidden or the index, and no safe id can forge one."""
    if _SAFE_ID.fullmatch(item_id) and item_id != "index":
        return f"{item_id}.html"
    slug = re.sub(r"[^a-z0-9.-]+", "_", item_id.lower().encode("ascii", "ignore").decode()).strip("_.")[:60]
    digest = hashlib.sha256(item_id.encode()).hexdigest()[:12]
    return f"{slug}~{digest}.html"


class HtmlPages:
    """One review page per article and an index linking them, in a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._failed: dict[str, str] = {}

    def page_for(self, item_id: str) -> Path:
        return self.directory / page_name(item_id)

    def done(self) -> set[str]:
        return set()  # pages are cheap to write again; the cache makes their briefs cheap too

    def write(self, result: Result) -> None:
        if result.brief is None or result.text is None:
            with self._lock:
                self._failed[result.item.id] = str(result.error)
            return
        self.page_for(result.item.id).write_text(html.render(result.brief, result.text), encoding="utf-8")

    def close(self) -> None:
        pages = sorted(p for p in self.directory.glob("*.html") if p.name != "index.html")
        (self.directory / "index.html").write_text(html.index(pages, self._failed), encoding="utf-8")
