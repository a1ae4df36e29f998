"""What every subcommand shares: the model options, and failures as one line with the contract's
exit code (a traceback only with -v)."""

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from summariser.errors import SummariserError

# the paths the options take: a folder (made when missing), a file, or either
FOLDER = click.Path(file_okay=False, path_type=Path)
FILE = click.Path(dir_okay=False, path_type=Path)
ANY_PATH = click.Path(path_type=Path)

MODEL_OPTIONS = [
    click.option("--model", help="Model name [env SUMMARISER_MODEL; default gpt-4o-mini]."),
    click.option("--base-url", help="Any OpenAI-compatible endpoint [env OPENAI_BASE_URL]."),
    click.option(
        "--mode",
        type=click.Choice(["tools", "json_schema", "json"]),
        help="How structured output is requested [env SUMMARISER_MODE; default tools].",
    ),
    click.option(
        "--local-model",
        type=ANY_PATH,
        help="Run offline: serve this GGUF, or a model pulled by `summarise models pull`, with llama.cpp "
        "on 127.0.0.1 [env SUMMARISER_LOCAL_MODEL; extra 'local'].",
    ),
    click.option(
        "--replay",
        type=FOLDER,
        help="Answer only from exchanges recorded in DIR.",
    ),
    click.option("--record", type=FOLDER, help="Record every exchange into DIR."),
    click.option(
        "--no-cache",
        "cache",
        is_flag=True,
        flag_value=False,
        default=True,
        help="Skip the response cache [SQLite; env SUMMARISER_CACHE for its path].",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0.1, max=86_400),
        help="Seconds for one attempt at a model request, connection, headers and body together [env "
        "SUMMARISER_TIMEOUT; default 120, 900 with a local model].",
    ),
    click.option("-v", "--verbose", is_flag=True, help="Usage, attempts and timings on stderr."),
]


def with_options(options: list[Callable[..., Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Several click options as one decorator, in the order --help lists them."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


model_options = with_options(MODEL_OPTIONS)


@contextlib.contextmanager
def reported(verbose: bool) -> Iterator[None]:
    """Every failure as one line and its exit code; the traceback only with -v."""
    _configure_logging(verbose)
    try:
        yield
    except SummariserError as error:
        if verbose:
            logging.getLogger("summariser").exception("failed")
        fail(str(error), error.exit_code)
    except Exception as error:  # a bug: say so in one line, keep the traceback for -v
        if verbose:
            logging.getLogger("summariser").exception("bug")
        fail(f"internal error ({type(error).__name__}: {error}); rerun with -v and report it", 1)


def _configure_logging(verbose: bool) -> None:
    """Warnings only unless -v (instructor logs every failed attempt at ERROR, which is our normal
    re-ask path, not news); secrets masked either way."""
    from summariser.model.redact import RedactingFilter

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    if not verbose:
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


def fail(message: str, code: int) -> NoReturn:
    from summariser.model.redact import redact

    click.echo(f"summarise: {redact(message)}", err=True)
    sys.exit(code)
