"""`summarise jobs status|cancel OUT.jsonl`: a Batch API run's progress, asked afresh of the
provider, or its batches stopped."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from summariser.cli.options import FILE, fail, reported
from summariser.errors import InputError


@click.group("jobs")
def jobs_group() -> None:
    """Batch runs (--batch): their progress, or stop them."""


@jobs_group.command("status")
@click.argument("output", type=FILE)
def jobs_status(output: Path) -> None:
    """Articles briefed and every batch of the run behind OUTPUT, asked afresh of the provider."""
    with reported(False):
        from summariser.jobs.status import status

        with _provider_of(output) as api:
            lines = status(output, api)
    click.echo("\n".join(lines))


@jobs_group.command("cancel")
@click.argument("output", type=FILE)
def jobs_cancel(output: Path) -> None:
    """Cancel the run's batches still running; rerunning its command sends what they left undone."""
    with reported(False):
        from summariser.jobs.status import cancel

        with _provider_of(output) as api:
            if api is None:
                raise InputError(f"{output}: a run by exported files has nothing running to cancel")
            lines, failed = cancel(output, api)
    for line in lines:
        click.echo(line)
    if failed:
        fail(failed[0] + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""), 3)


@contextlib.contextmanager
def _provider_of(output: Path) -> Iterator[Any]:
    """The Batch API the run behind OUTPUT was sent to (its state names it; the key comes from the
    environment, never from the state), or None for a run by files."""
    from summariser.config import Settings
    from summariser.jobs.api import BatchAPI
    from summariser.jobs.state import State, endpoint

    state = State.load(State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {State.path_for(output).name})")
    if state.export is not None:
        yield None
        return
    settings = Settings.from_env()
    # the state keeps no credentials: a base URL that carries some is the environment's
    given = settings.base_url if settings.base_url and endpoint(settings.base_url) == state.endpoint else None
    api = BatchAPI(given or state.endpoint, settings.api_key, settings.request_timeout)
    try:
        yield api
    finally:
        api.close()
