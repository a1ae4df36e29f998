"""`summarise SOURCE...`: one brief, several merged into one, many briefs run live, or many
sent through the provider's Batch API. The options are checked here, before anything is paid for;
the runs themselves are `summariser.runs` and `summariser.jobs`, and this door chooses the sink."""

import json
import signal
import sys
from pathlib import Path
from typing import Any

import click

from summariser.cli.options import ANY_PATH, FILE, FOLDER, fail, model_options, reported, with_options
from summariser.errors import InputError


class _RunContext(click.Context):
    """The brief is `summarise FILE`: its usage lines and errors name the command users type, not
    the hidden subcommand that parses it."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class _RunCommand(click.Command):
    context_class = _RunContext


_RUN_OPTIONS = [
    click.argument("sources", nargs=-1),
    click.option(
        "--format",
        "output_format",
        type=click.Choice(["markdown", "json", "slack", "html"]),
        help="Output format [default: markdown; JSON Lines for several articles] (slack: Block Kit JSON; "
        "html: a review page, the brief beside the highlighted article).",
    ),
    click.option("--strict", is_flag=True, help="Exit 4 if anything had to be dropped."),
    click.option(
        "--output",
        type=ANY_PATH,
        help="Write to this file instead of stdout. With several SOURCEs: one JSON line per SOURCE (with "
        "--format html: one page per SOURCE and an index.html in this directory); a rerun skips what "
        "is done.",
    ),
    click.option(
        "--glob",
        "globs",
        multiple=True,
        metavar="PATTERN",
        help="Which files of a directory SOURCE are articles [default: *.txt, *.html, *.htm]; repeatable.",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1, max=64),
        default=4,
        show_default=True,
        help="Model requests in flight at once, across several articles and a long article's chunks.",
    ),
    click.option(
        "--merge",
        is_flag=True,
        help="Several SOURCEs about one story: one brief, each item listing the sources it came from.",
    ),
    click.option(
        "--batch",
        "through_batch",
        is_flag=True,
        help="Through the provider's Batch API (half price, answers within 24 h), in rounds of requests, "
        "re-asks included; rerun the same command to resume. Needs --output FILE.jsonl.",
    ),
    click.option(
        "--batch-export",
        type=FOLDER,
        metavar="DIR",
        help="As --batch, but write each round's requests to DIR/round-N.jsonl to run elsewhere (vLLM's "
        "run-batch, any OpenAI-compatible batch service).",
    ),
    click.option(
        "--batch-import",
        type=FILE,
        metavar="FILE",
        help="The results of the exported round (Batch API output format): writes the briefs that are "
        "final and exports the next round.",
    ),
]


@click.command("run", hidden=True, cls=_RunCommand)
@with_options(_RUN_OPTIONS)
@model_options
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
    a JSON Lines file ({"id", "text"} or {"id", "url"} per line) make many briefs: give --output."""
    if not sources:
        fail("give an article: summarise FILE (or - for stdin, or a URL); see summarise --help", 2)
    if through_batch or batch_export or batch_import:
        _check_jobs(sources, output, output_format, merge, through_batch, batch_export, batch_import, options)
        assert output is not None
        _check_output(output, sources, pages=False)
        with reported(verbose):
            _run_jobs(list(sources), output, globs, batch_export, batch_import, verbose, options)
        return
    if merge and output_format == "html":
        fail("--merge makes one brief of several articles; --format html needs one article", 2)
    several = len(sources) > 1 or Path(sources[0]).is_dir() or sources[0].endswith(".jsonl")
    if output is not None and str(output) == "-":
        output = None  # stdout, as for any SOURCE '-'
    if output is not None:
        _check_output(output, sources, pages=several and not merge and output_format == "html")
    if several and not merge:
        if output is None:
            fail("several articles: give --output FILE.jsonl (or a directory with --format html)", 2)
        if output_format in ("markdown", "slack"):
            fail(f"several articles go to JSON Lines or, with --format html, pages; not {output_format}", 2)
        with reported(verbose):
            _run_many(list(sources), output, output_format, concurrency, globs or None, options)
        return
    _one_brief(list(sources), output_format or "markdown", output, concurrency, merge, verbose, options)


def _one_brief(
    sources: list[str],
    output_format: str,
    output: Path | None,
    concurrency: int,
    merge: bool,
    verbose: bool,
    options: dict[str, Any],
) -> None:
    """One article's brief, or one brief merged from several, to stdout or a file."""
    with reported(verbose):
        from summariser.input.sources import read
        from summariser.model.local import serving_from
        from summariser.runs.pipeline import Session

        with serving_from(**options) as settings:
            if merge:
                brief = _merged(sources, settings, concurrency)
            else:
                article = read(sources[0])
                with Session(settings, concurrency) as session:
                    brief = session.brief(article)
    rendered = _rendered(brief, output_format, article.text if output_format == "html" else "")
    if output is None:
        click.echo(rendered, nl=False)
    else:
        with reported(verbose):
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
        fail(f"--output {output}: would overwrite or join the articles being briefed; write elsewhere", 2)
    if pages and output.exists() and not output.is_dir():
        fail(f"--output {output}: review pages go to a directory, and this is a file", 2)
    if not pages and output.is_dir():
        fail(f"--output {output}: is a directory; give a file", 2)
    if not output.absolute().parent.is_dir():
        fail(f"--output {output}: no such directory {output.absolute().parent}", 2)


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
    briefs = []
    for item in items:
        result = results[item.id]
        if result.error is not None:
            raise result.error
        assert result.brief is not None  # a result holds a brief or an error
        briefs.append((item.source, result.brief))
    return merge_briefs(briefs)


def _run_many(
    sources: list[str],
    output: Path,
    output_format: str | None,
    concurrency: int,
    globs: tuple[str, ...] | None,
    options: dict[str, Any],
) -> None:
    from summariser.model.local import serving_from
    from summariser.render.pages import HtmlPages
    from summariser.render.progress import Progress
    from summariser.runs import many

    items = many.gather(sources, globs or many.ARTICLE_GLOBS)
    sink: many.Sink = HtmlPages(output) if output_format == "html" else many.JsonLinesWriter(output)
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
    options: dict[str, Any],
) -> None:
    """Refuse, before anything is sent, what a run through a Batch API cannot do."""
    if through_batch and (batch_export or batch_import):
        fail(
            "--batch sends rounds to the provider; --batch-export/--batch-import move them by file: one way",
            2,
        )
    if merge:
        fail("--merge makes one brief live; batch runs make one brief per article", 2)
    if output is None or str(output) == "-":
        fail("batch runs write JSON Lines and keep their state beside them: give --output FILE.jsonl", 2)
    if output_format not in (None, "json"):
        fail(f"batch runs write JSON Lines, not {output_format}", 2)


def _run_jobs(
    sources: list[str],
    output: Path,
    globs: tuple[str, ...],
    batch_export: Path | None,
    batch_import: Path | None,
    verbose: bool,
    options: dict[str, Any],
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
        fail(f"interrupted; rerun the same command to resume (summarise jobs status {output})", code)
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
