"""Run fully offline: start llama.cpp's server on 127.0.0.1 with a GGUF model, and stop it after.

The server runs in a child process (`python -m summariser.model.local MODEL PORT`), so a model that
cannot load fails there and is reported here as one line, and stopping it is a plain terminate.
The brief then takes the same OpenAI-compatible path as any provider, so retries, the cache and
record/replay all apply. Needs the `local` extra (xllamacpp, a prebuilt wheel).
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx

from summariser.config import Settings
from summariser.errors import InputError, ProviderError
from summariser.model.pulled import locate, with_pulled_default

READY_SECONDS = 300.0
# A small model on a few CPU cores writes ~20 tokens a second: a full brief can take minutes, and a
# retried request would only queue behind the one still being generated.
LOCAL_TIMEOUT = 900.0
CONTEXT_TOKENS = 8192
MODEL_ALIAS = "local"


def check_model(path: Path) -> None:
    """Refuse what cannot be a model before starting anything."""
    if not path.is_file():
        raise InputError(f"{path}: no such model file")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise InputError(f"{path}: not a GGUF model file")
    available = _available_memory()
    needed = path.stat().st_size * 1.2  # weights plus a context's worth of cache, roughly
    if available is not None and needed > available:
        raise ProviderError(
            f"{path.name} needs about {needed / 2**30:.1f} GiB of memory; {available / 2**30:.1f} GiB is free"
        )


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving_from(**options: object) -> Iterator[Settings]:
    """The settings the CLI and the Python API run with: the options and the environment, a pulled
    default model when nothing else is configured, and that model served while they are in use.
    (The Slack bot takes `serving(Settings.from_env())`: it never picks a model by itself.)"""
    with serving(with_pulled_default(Settings.from_env(**options))) as settings:
        yield settings


@contextlib.contextmanager
def serving(settings: Settings, clock: Callable[[], float] = time.monotonic) -> Iterator[Settings]:
    """Settings that point at a freshly started local server; a no-op without `local_model`, which
    is a GGUF's path or a pulled model's name."""
    if settings.local_model is None:
        yield settings
        return
    model = locate(Path(settings.local_model))
    check_model(model)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "summariser.model.local", str(model), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_ready(process, base_url, clock)
        yield replace(
            settings,
            base_url=f"{base_url}/v1",
            model=settings.model or MODEL_ALIAS,
            mode=settings.mode or "json_schema",  # llama.cpp's tool calling is unreliable with small models
            timeout=settings.timeout or LOCAL_TIMEOUT,
            served_by=f"llama.cpp server (xllamacpp) with {model.name}",
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_ready(process: subprocess.Popen[str], base_url: str, clock: Callable[[], float]) -> None:
    """The port opens before the model has loaded (503 'Loading model'); /health answers 200 when ready."""
    deadline = clock() + READY_SECONDS
    while clock() < deadline:
        if process.poll() is not None:
            tail = (process.stderr.read() if process.stderr else "").strip().splitlines()[-1:]
            raise ProviderError(f"the local model server failed to start: {' '.join(tail) or 'no output'}")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.5)  # returns at once if the server dies meanwhile
    raise ProviderError(f"the local model server was not ready after {READY_SECONDS:.0f} s")


def exit_when_orphaned(
    parent: int,
    parent_now: Callable[[], int] = os.getppid,
    wait: Callable[[float], None] = time.sleep,
    leave: Callable[[int], object] = os._exit,
) -> None:
    """A parent killed outright (SIGKILL, an out-of-memory kill) cannot terminate its server, which
    would go on holding gigabytes and every core: the child leaves once it is re-parented."""
    while parent_now() == parent:
        wait(1.0)
    leave(0)


def main() -> None:
    """The child process: serve MODEL on 127.0.0.1:PORT until terminated or orphaned."""
    import signal
    import threading

    try:
        import xllamacpp as xlc
    except ImportError:
        sys.exit("xllamacpp is not installed (the local extra): pip install xllamacpp")
    model, port = sys.argv[1], int(sys.argv[2])
    params = xlc.CommonParams()
    params.model.path = model
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.n_ctx = CONTEXT_TOKENS
    params.n_parallel = 1
    threads = max(1, os.cpu_count() or 1)
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.use_jinja = True
    params.model_alias = {MODEL_ALIAS}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.Thread(target=exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    server = xlc.Server(params)  # noqa: F841 (serves until the process ends)
    signal.pause()


if __name__ == "__main__":
    main()
