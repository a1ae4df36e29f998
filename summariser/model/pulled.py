"""Pulled GGUF models: short names for the files we vouch for, downloads through huggingface_hub into
the user's cache, and our own sha256 before any file is used.

huggingface_hub finds the file (HF_ENDPOINT, HF_TOKEN, redirects) and streams it, but its
`hf_hub_download` deletes a partial download when it fails (a process-unique `.incomplete` file since
1.x) and can accept a corrupted blob (huggingface_hub#3643). So the bytes go to one stable
`NAME.incomplete` beside the models, resumed with a Range request by the next pull, and become
`NAME` only once their sha256 is the one expected. Nothing here imports huggingface_hub until a pull
starts, so `--local-model NAME` works without it.
"""

import errno
import hashlib
import logging
import os
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from summariser.config import Settings
from summariser.errors import InputError, ProviderError

log = logging.getLogger("summariser")

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Model:
    name: str
    repo: str
    filename: str
    sha256: str | None  # None: the Hub's own sha256 of an LFS file, checked the same way
    size: int | None = None
    revision: str = "main"

    @property
    def basename(self) -> str:
        return self.filename.rsplit("/", 1)[-1]


DEFAULT = "qwen2.5-coder-1.5b"
# Add a model only with a sha256 someone verified against the file the README names.
TABLE = {
    DEFAULT: Model(
        name=DEFAULT,
        repo="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        # That of the GGUF ../shared/tools/local-model.sh assembles, the file our recordings come from;
        # not yet compared with the Hub's copy.
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,  # measured from the file, not taken from a listing
    )
}


def models_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "summariser" / "models"


def parse(spec: str | None, sha256: str | None = None) -> Model:
    """A short name from the table, or `hf:OWNER/REPO/FILE[@REV]`; unknown names exit 2 before any
    network use."""
    if sha256 is not None:
        sha256 = sha256.lower()
        if not _SHA256.fullmatch(sha256):
            raise InputError(f"--sha256 must be 64 hex digits, not {sha256!r}")
    spec = spec or DEFAULT
    if spec in TABLE:
        return replace(TABLE[spec], sha256=sha256 or TABLE[spec].sha256)
    if not spec.startswith("hf:"):
        raise InputError(f"unknown model {spec!r}: known are {', '.join(TABLE)}, or give hf:REPO/FILE[@REV]")
    path, _, revision = spec[3:].partition("@")
    owner, _, rest = path.partition("/")
    name, _, filename = rest.partition("/")
    if not (owner and name and filename.endswith(".gguf")) or spec.endswith("@"):
        raise InputError(f"{spec!r}: give hf:OWNER/REPO/FILE.gguf, optionally @REVISION")
    model = Model(
        name=filename.rsplit("/", 1)[-1].removesuffix(".gguf"),
        repo=f"{owner}/{name}",
        filename=filename,
        sha256=sha256,
    )
    return replace(model, revision=revision) if revision else model


def pulled() -> dict[str, Path]:
    """Every pulled model by the name `list`, `rm` and `--local-model` take."""
    by_file = {model.basename: name for name, model in TABLE.items()}
    return {
        by_file.get(path.name, path.name.removesuffix(".gguf")): path
        for path in sorted(models_dir().glob("*.gguf"))
        if path.is_file()
    }


def locate(value: Path) -> Path:
    """What `--local-model` names: an existing path wins, then a pulled model's name; anything else
    stays a path, for the 'no such model file' refusal."""
    if value.exists():
        return value
    found = pulled().get(str(value))
    if found is not None:
        return found
    if str(value) in TABLE:
        raise InputError(f"model {value} is not pulled yet: run summarise models pull {value}")
    return value


def with_pulled_default(settings: Settings) -> Settings:
    """With no key, no endpoint and no recordings, a pulled default model answers rather than
    nothing; said on stderr, since it is slow and local. The Slack bot never calls this: a server
    should run what it was configured with, not whatever sits in a cache."""
    if settings.local_model or settings.base_url or settings.api_key or settings.replay:
        return settings
    path = pulled().get(DEFAULT)
    if path is None:
        return settings
    log.warning("no key or endpoint configured: using the pulled local model %s (%s)", DEFAULT, path)
    return replace(settings, local_model=path)


def remove(name: str) -> Path:
    path = pulled().get(name)
    if path is None:
        raise InputError(f"no pulled model named {name!r}: see summarise models list")
    path.unlink()
    path.with_name(f"{path.name}.incomplete").unlink(missing_ok=True)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def pull(model: Model) -> Path:
    """Download (or resume) MODEL into models_dir(), verify its sha256, and return its path."""
    directory = models_dir()
    target = directory / model.basename
    if model.sha256 is not None and target.is_file() and sha256_of(target) == model.sha256:
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return _download(model, target)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise ProviderError(
                f"{model.basename}: no space left on device in {directory}; free some, then pull again"
            ) from error
        raise ProviderError(f"{model.basename}: cannot write in {directory} ({error})") from error


def _download(model: Model, target: Path) -> Path:
    import httpx2
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]  # public, not re-exported

    endpoint = os.environ.get("HF_ENDPOINT") or None  # read now: huggingface_hub reads it once, at import
    url = hf_hub_url(model.repo, model.filename, revision=model.revision, endpoint=endpoint)
    where = f"{model.repo}/{model.filename}@{model.revision}"
    headers = build_hf_headers()
    try:
        metadata = get_hf_file_metadata(url, endpoint=endpoint, headers=headers)
    except (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError) as error:
        raise InputError(f"{where}: not found on the Hub (a private repo needs HF_TOKEN)") from error
    except HfHubHTTPError as error:
        raise ProviderError(f"{where}: the Hub answered {error.response.status_code}") from error
    except httpx2.HTTPError as error:
        raise ProviderError(f"{where}: cannot reach the Hub ({type(error).__name__})") from error
    expected = _expected_sha256(model, (metadata.etag or "").lower(), where)
    size = metadata.size or model.size
    partial = target.with_name(f"{target.name}.incomplete")
    have = _resumable(partial, size, model.basename, target.parent)
    if urlsplit(metadata.location).netloc != urlsplit(url).netloc:
        headers.pop("authorization", None)  # a CDN's signed URL: the token stays with the Hub
    try:
        with partial.open("ab") as handle:
            http_get(
                metadata.location,
                handle,
                resume_size=have,
                headers=headers,
                expected_size=size,
                displayed_filename=model.basename,
            )
    except HfHubHTTPError as error:
        status = error.response.status_code
        raise ProviderError(f"{where}: the download failed ({status}); pull again to resume") from error
    except httpx2.HTTPError as error:
        raise ProviderError(
            f"{where}: the download was interrupted ({type(error).__name__}); pull again to resume"
        ) from error
    except OSError as error:
        if error.errno is not None:
            raise
        # huggingface_hub's "Consistency check failed": the connection ended before the last byte
        raise ProviderError(f"{where}: the download ended early; pull again to resume") from error
    got = sha256_of(partial)
    if got != expected:
        partial.unlink()
        raise ProviderError(f"{model.basename}: sha256 {got}, expected {expected}; the download is deleted")
    partial.replace(target)
    return target


def _expected_sha256(model: Model, hub_sum: str, where: str) -> str:
    """The checksum the download must have: the one given or the table's, else the Hub's own (its
    etag for a file in LFS); refused before a byte is fetched when the Hub's differs or there is none."""
    expected = model.sha256 or (hub_sum if _SHA256.fullmatch(hub_sum) else None)
    if expected is None:
        raise InputError(f"{where}: the Hub gives no sha256 for it; give one with --sha256")
    if _SHA256.fullmatch(hub_sum) and hub_sum != expected:
        raise ProviderError(
            f"{model.basename}: the Hub's copy has sha256 {hub_sum}, expected {expected}; nothing downloaded"
        )
    return expected


def _resumable(partial: Path, size: int | None, name: str, folder: Path) -> int:
    """How many bytes of an earlier, interrupted download can be kept; refused when what is left
    would not fit on the disk."""
    have = partial.stat().st_size if partial.is_file() else 0
    if size is not None and have > size:
        partial.unlink()  # not a prefix of this file: start again
        have = 0
    if size is not None:
        free = shutil.disk_usage(folder).free
        if size - have > free:
            raise ProviderError(
                f"{name}: needs {(size - have) / 1e9:.2f} GB, {folder} has {free / 1e9:.2f} GB free"
            )
    return have
