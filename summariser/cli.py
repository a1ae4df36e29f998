"""The `summarise` command and its subcommands: argument parsing, output and exit codes, nothing else.

Heavy imports (openai, instructor, pydantic models) wait until a brief is made, so `--help` and bad
usage answer at once. Every expected failure is one line on stderr and the contract's exit code; a
traceback only with -v.
"""

import atexit
import contextlib
import gc
import json
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from summariser.errors import InputError, SummariserError

# Exit runs full collections over every object the imports made (openai's, pydantic's: ~200,000),
# ~0.3 s of a one-brief run. Frozen, they are left to the OS; teardown and stream flushing still run,
# only garbage cycles go unfinalised, and what this command opens it closes itself.
atexit.register(gc.freeze)


class _DefaultToRun(click.Group):
    """`summarise FILE` runs a brief; `summarise schema` and `summarise eval` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Ctrl-C is the user's choice, not a bug: exit 130 (128 + SIGINT) in one line, where click
        would print "Aborted!" and exit 1, the code the contract keeps for our bugs."""
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("summarise: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The brief's own options first: they are what almost every reader came for."""
        run_command = self.commands["run"]
        run_command.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        run_command.format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


class _RunContext(click.Context):
    """The brief is `summarise FILE`: its usage lines and errors name the command users type, not
    the hidden subcommand that parses it."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class _RunCommand(click.Command):
    context_class = _RunContext


_MODEL_OPTIONS = [
    click.option("--model", help="Model name [env SUMMARISER_MODEL; default gpt-4o-mini]."),
    click.option("--base-url", help="Any OpenAI-compatible endpoint [env OPENAI_BASE_URL]."),
    click.option(
        "--mode",
        type=click.Choice(["tools", "json_schema", "json"]),
        help="How structured output is requested [env SUMMARISER_MODE; default tools].",
    ),
    click.option(
        "--local-model",
        type=click.Path(path_type=Path),
        help="Run offline: serve this GGUF, or a model pulled by `summarise models pull`, with llama.cpp "
        "on 127.0.0.1 [env SUMMARISER_LOCAL_MODEL; extra 'local'].",
    ),
    click.option(
        "--replay",
        type=click.Path(file_okay=False, path_type=Path),
        help="Answer only from exchanges recorded in DIR.",
    ),
    click.option(
        "--record", type=click.Path(file_okay=False, path_type=Path), help="Record every exchange into DIR."
    ),
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


def _model_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_MODEL_OPTIONS):
        command = option(command)
    return command


@click.group(cls=_DefaultToRun, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Turn a news article into a validated, source-grounded brief.

    \b
      summarise article.txt                 markdown brief
      summarise https://example.org/story   a web page's article
      summarise article.txt --format json   the brief as JSON (see `summarise schema`)
      cat article.txt | summarise -         from stdin
      summarise seeds/kreminna.txt --replay fixtures   offline, from recordings
    """


@main.command("run", hidden=True, cls=_RunCommand)
@click.argument("sources", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json", "slack", "html"]),
    help="Output format [default: markdown; JSON Lines for a batch] (slack: Block Kit JSON; html: a "
    "review page, the brief beside the highlighted article).",
)
@click.option("--strict", is_flag=True, help="Exit 4 if anything had to be dropped.")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file instead of stdout. With several SOURCEs: one JSON line per SOURCE (with "
    "--format html: one page per SOURCE and an index.html in this directory); a rerun skips what "
    "is done.",
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help="Which files of a directory SOURCE are articles [default: *.txt, *.html, *.htm]; repeatable.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1, max=64),
    default=4,
    show_default=True,
    help="Model requests in flight at once, across a batch's articles and a long article's chunks.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="Several SOURCEs about one story: one brief, each item listing the sources it came from.",
)
@click.option(
    "--batch",
    "through_batch",
    is_flag=True,
    help="Through the provider's Batch API (half price, answers within 24 h), in rounds of requests, "
    "re-asks included; rerun the same command to resume. Needs --output FILE.jsonl.",
)
@click.option(
    "--batch-export",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="As --batch, but write each round's requests to DIR/round-N.jsonl to run elsewhere (vLLM's "
    "run-batch, any OpenAI-compatible batch service).",
)
@click.option(
    "--batch-import",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The results of the exported round (Batch API output format): writes the briefs that are "
    "final and exports the next round.",
)
@_model_options
def run(
    sources: tuple[str, ...],
    output_format: str | None,
    output: Path | None,
    globs: tuple[str, ...],
    concurrency: int,
    merge: bool,
    through_batch: bool,
    batch_export: Path | None,
    batch_import: Path | None,
    verbose: bool,
    **options: Any,
) -> None:
    """Summarise SOURCE: a file path, - for stdin, or an http(s) URL. Several SOURCEs, a directory or
    a JSON Lines file ({"id", "text"} or {"id", "url"} per line) make a batch: give --output."""
    if not sources:
        _fail("give an article: summarise FILE (or - for stdin, or a URL); see summarise --help", 2)
    if through_batch or batch_export or batch_import:
        _check_jobs(sources, output, output_format, merge, through_batch, batch_export, batch_import, options)
        assert output is not None
        _check_output(output, sources, pages=False)
        with _reported(verbose):
            _run_jobs(list(sources), output, globs, batch_export, batch_import, verbose, options)
        return
    if merge and output_format == "html":
        _fail("--merge makes one brief of several articles; --format html needs one article", 2)
    batch_like = len(sources) > 1 or Path(sources[0]).is_dir() or sources[0].endswith(".jsonl")
    if output is not None and str(output) == "-":
        output = None  # stdout, as for any SOURCE '-'
    if output is not None:
        _check_output(output, sources, pages=batch_like and not merge and output_format == "html")
    if batch_like and not merge:
        if output is None:
            _fail("several articles: give --output FILE.jsonl (or a directory with --format html)", 2)
        if output_format in ("markdown", "slack"):
            _fail(f"several articles go to JSON Lines or, with --format html, pages; not {output_format}", 2)
        with _reported(verbose):
            _run_batch(list(sources), output, output_format, concurrency, globs or None, options)
        return
    output_format = output_format or "markdown"
    with _reported(verbose):
        from summariser.input.sources import read
        from summariser.model.local import serving_from
        from summariser.runs.pipeline import Session

        with serving_from(**options) as settings:
            if merge:
                brief = _merged(list(sources), settings, concurrency)
            else:
                article = read(sources[0])
                with Session(settings, concurrency) as session:
                    brief = session.brief(article)
    rendered = _rendered(brief, output_format, article.text if output_format == "html" else "")
    if output is None:
        click.echo(rendered, nl=False)
    else:
        with _reported(verbose):
            _write(output, rendered)
    if verbose:
        meta = brief.meta
        click.echo(
            f"{meta.model}: {meta.attempts} request(s), {meta.usage.prompt_tokens} prompt + "
            f"{meta.usage.completion_tokens} completion tokens, {meta.latency_ms} ms, "
            f"verification {brief.verification.status}" + (", from cache" if meta.cached else ""),
            err=True,
        )


def _rendered(brief: Any, output_format: str, text: str) -> str:
    """One brief in one format, as it goes to stdout or a file."""
    if output_format == "json":
        return json.dumps(brief.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    if output_format == "slack":
        from summariser.render.slack import blocks

        return json.dumps({"blocks": blocks(brief)}, ensure_ascii=False, indent=2) + "\n"
    if output_format == "html":
        from summariser.render import html

        return html.render(brief, text)
    from summariser.render.markdown import render

    return render(brief)


def _check_output(output: Path, sources: tuple[str, ...], pages: bool) -> None:
    """Refuse, before anything is paid for, an output that cannot be written or would overwrite an
    input: the brief of an article must never replace the article."""
    if any(_same_file(output, Path(source)) or _inside(output, Path(source)) for source in sources):
        _fail(f"--output {output}: would overwrite or join the articles being briefed; write elsewhere", 2)
    if pages and output.exists() and not output.is_dir():
        _fail(f"--output {output}: review pages go to a directory, and this is a file", 2)
    if not pages and output.is_dir():
        _fail(f"--output {output}: is a directory; give a file", 2)
    if not output.absolute().parent.is_dir():
        _fail(f"--output {output}: no such directory {output.absolute().parent}", 2)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _inside(output: Path, source: Path) -> bool:
    """Pages written into a directory being briefed would be briefed by the next run."""
    return source.is_dir() and output.absolute().resolve().is_relative_to(source.absolute().resolve())


def _write(output: Path, rendered: str) -> None:
    try:
        output.write_text(rendered, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from error


def _merged(sources: list[str], settings: Any, concurrency: int) -> Any:
    """One brief of several reports; any report that fails fails the whole (a merged brief that
    silently lacks a source would mislead)."""
    from summariser.runs import many
    from summariser.runs.merge import merge_briefs

    items = many.gather(sources)
    results: dict[str, many.Result] = {}
    many.run(items, settings, concurrency, lambda result: results.__setitem__(result.item.id, result))
    for item in items:
        error = results[item.id].error
        if error is not None:
            raise error
    return merge_briefs([(item.source, results[item.id].brief) for item in items])


def _run_batch(
    sources: list[str],
    output: Path,
    output_format: str | None,
    concurrency: int,
    globs: tuple[str, ...] | None,
    options: dict,
) -> None:
    from summariser.model.local import serving_from
    from summariser.render.progress import Progress
    from summariser.runs import many

    items = many.gather(sources, globs or many.ARTICLE_GLOBS)
    sink: many.Sink = many.HtmlPages(output) if output_format == "html" else many.JsonLinesWriter(output)
    done = sink.done()
    todo = [item for item in items if item.id not in done]
    failures: list[int] = []
    with Progress(len(todo), enabled=sys.stderr.isatty()) as progress:

        def on_result(result: many.Result) -> None:
            sink.write(result)
            if result.error is not None:
                failures.append(result.error.exit_code)
            progress.advance()

        with serving_from(**options) as settings:
            many.run(todo, settings, concurrency, on_result)
    sink.close()
    skipped = len(items) - len(todo)
    click.echo(
        f"summarise: {len(todo) - len(failures)} brief(s), {len(failures)} failed"
        + (f", {skipped} already done" if skipped else "")
        + f" -> {output}",
        err=True,
    )
    if failures:
        sys.exit(max(failures))


def _check_jobs(
    sources: tuple[str, ...],
    output: Path | None,
    output_format: str | None,
    merge: bool,
    through_batch: bool,
    batch_export: Path | None,
    batch_import: Path | None,
    options: dict,
) -> None:
    """Refuse, before anything is sent, what a batch run cannot do."""
    if through_batch and (batch_export or batch_import):
        _fail(
            "--batch sends rounds to the provider; --batch-export/--batch-import move them by file: one way",
            2,
        )
    if merge:
        _fail("--merge makes one brief live; batch runs make one brief per article", 2)
    if output is None or str(output) == "-":
        _fail("batch runs write JSON Lines and keep their state beside them: give --output FILE.jsonl", 2)
    if output_format not in (None, "json"):
        _fail(f"batch runs write JSON Lines, not {output_format}", 2)


def _run_jobs(
    sources: list[str],
    output: Path,
    globs: tuple[str, ...],
    batch_export: Path | None,
    batch_import: Path | None,
    verbose: bool,
    options: dict,
) -> None:
    from summariser.config import Settings
    from summariser.jobs import job
    from summariser.runs import many

    items = many.gather(sources, globs or many.ARTICLE_GLOBS)
    settings = Settings.from_env(**options)
    watching = verbose or sys.stderr.isatty()
    report = (lambda line: click.echo(f"summarise: {line}", err=True)) if watching else (lambda line: None)
    signal.signal(signal.SIGTERM, _stopped)  # a scheduler's stop is an interruption like Ctrl-C
    try:
        outcome = job.batch_run(
            items, settings, output, export=batch_export, results=batch_import, report=report
        )
    except KeyboardInterrupt as stop:
        code = 143 if isinstance(stop, _Terminated) else 130
        _fail(f"interrupted; rerun the same command to resume (summarise jobs status {output})", code)
    failures = outcome.failures
    click.echo(
        f"summarise: {outcome.briefs} brief(s), {len(failures)} failed"
        + (f", {outcome.skipped} already done" if outcome.skipped else "")
        + f" in {outcome.rounds} round(s) -> {output}",
        err=True,
    )
    if outcome.exported is not None:
        click.echo(
            f"summarise: round {outcome.rounds} waits in {outcome.exported}: run it (e.g. vLLM's run-batch), "
            "then give its results with --batch-import FILE",
            err=True,
        )
    if failures:
        sys.exit(max(failures))


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run stands so that it stops as Ctrl-C stops it: state saved."""


def _stopped(signum: int, frame: object) -> None:
    raise _Terminated()


@main.group("jobs")
def jobs_group() -> None:
    """Batch runs (--batch): their progress, or stop them."""


@jobs_group.command("status")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def jobs_status(output: Path) -> None:
    """Articles briefed and every batch of the run behind OUTPUT, asked afresh of the provider."""
    with _reported(False):
        from summariser.jobs import job

        with _provider_of(output) as api:
            lines = job.status(output, api)
    click.echo("\n".join(lines))


@jobs_group.command("cancel")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def jobs_cancel(output: Path) -> None:
    """Cancel the run's batches still running; rerunning its command sends what they left undone."""
    with _reported(False):
        from summariser.jobs import job

        with _provider_of(output) as api:
            if api is None:
                raise InputError(f"{output}: a run by exported files has nothing running to cancel")
            lines, failed = job.cancel(output, api)
    for line in lines:
        click.echo(line)
    if failed:
        _fail(failed[0] + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""), 3)


@contextlib.contextmanager
def _provider_of(output: Path) -> Iterator[Any]:
    """The Batch API the run behind OUTPUT was sent to (its state names it; the key comes from the
    environment, never from the state), or None for a run by files."""
    from summariser.config import Settings
    from summariser.jobs import job
    from summariser.jobs.api import BatchAPI
    from summariser.jobs.state import endpoint

    state = job.State.load(job.State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {job.State.path_for(output).name})")
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


@main.command()
@click.argument("which", type=click.Choice(["brief", "gold"]), default="brief")
def schema(which: str) -> None:
    """Print the JSON Schema of the brief (what --format json emits), or of gold files."""
    if which == "gold":
        from summariser.evaluate import gold_json_schema as make
    else:
        from summariser.brief import brief_json_schema as make
    click.echo(json.dumps(make(), indent=2))


@main.command("eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    help="table on a terminal, JSON otherwise.",
)
@click.option(
    "--no-omission-reask",
    "omission_reask",
    is_flag=True,
    flag_value=False,
    default=True,
    help="Measure without the re-ask for quotes and figures the detectors found but the brief lacks.",
)
@_model_options
def evaluate_command(directory: Path, output_format: str | None, verbose: bool, **options: Any) -> None:
    """Score briefs of every DIR/NAME.txt against DIR/NAME.gold.json, per field."""
    with _reported(verbose):
        from summariser.evaluate import evaluate, summary
        from summariser.model.local import serving_from
        from summariser.runs.pipeline import Session

        with serving_from(**options) as settings, Session(settings) as session:
            scores = evaluate(directory, session.brief)
        results = summary(scores)
    if (output_format or ("table" if sys.stdout.isatty() else "json")) == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        from rich.console import Console

        from summariser.render.evaluation import print_table

        print_table(results, Console())
    worst = max((s.exit_code for s in scores if s.error is not None), default=0)
    if worst:
        click.echo(f"summarise: {len(results['failed'])} article(s) failed; see 'failed'", err=True)
        sys.exit(worst)


@main.group()
def models() -> None:
    """Local GGUF models for --local-model: pull, list, rm (in $XDG_CACHE_HOME/summariser/models)."""


@models.command()
@click.argument("name", required=False, metavar="[NAME | hf:REPO/FILE[@REV]]")
@click.option("--sha256", metavar="HEX", help="Expected sha256 [default: the table's, or the Hub's].")
@click.option("-v", "--verbose", is_flag=True, help="huggingface_hub's retries and the traceback on stderr.")
def pull(name: str | None, sha256: str | None, verbose: bool) -> None:
    """Download a model by NAME (default: the default model) or any Hub GGUF, resuming an interrupted
    download, and check its sha256 before it is used. Prints its path. Honours HF_ENDPOINT and HF_TOKEN."""
    with _reported(verbose):
        from summariser.model import pulled as pulled_models

        if not verbose:
            logging.getLogger("huggingface_hub").setLevel(logging.ERROR)  # one line per failure, ours
        path = pulled_models.pull(pulled_models.parse(name, sha256))
    click.echo(str(path))


@models.command("list")
def list_models() -> None:
    """The pulled models: name, size, path; the one used with no key is marked default."""
    from summariser.model import pulled as pulled_models

    found = pulled_models.pulled()
    if not found:
        click.echo("no models pulled: summarise models pull", err=True)
    for name, path in found.items():
        mark = "  (default)" if name == pulled_models.DEFAULT else ""
        click.echo(f"{name}\t{path.stat().st_size / 1e9:.2f} GB\t{path}{mark}")


@models.command("rm")
@click.argument("name")
def remove_model(name: str) -> None:
    """Delete a pulled model (and any partial download of it)."""
    with _reported(False):
        from summariser.model import pulled as pulled_models

        path = pulled_models.remove(name)
    click.echo(f"removed {path}", err=True)


@contextlib.contextmanager
def _reported(verbose: bool) -> Iterator[None]:
    """Every failure as one line and its exit code; the traceback only with -v."""
    _configure_logging(verbose)
    try:
        yield
    except SummariserError as error:
        if verbose:
            logging.getLogger("summariser").exception("failed")
        _fail(str(error), error.exit_code)
    except Exception as error:  # a bug: say so in one line, keep the traceback for -v
        if verbose:
            logging.getLogger("summariser").exception("bug")
        _fail(f"internal error ({type(error).__name__}: {error}); rerun with -v and report it", 1)


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


def _fail(message: str, code: int) -> None:
    from summariser.model.redact import redact

    click.echo(f"summarise: {redact(message)}", err=True)
    sys.exit(code)
