"""`summarise schema` and `summarise eval DIR`: the brief's JSON Schema, and briefs scored against
gold files."""

import json
import sys
from pathlib import Path
from typing import Any

import click

from summariser.cli.options import model_options, reported


@click.command()
@click.argument("which", type=click.Choice(["brief", "gold"]), default="brief")
def schema(which: str) -> None:
    """Print the JSON Schema of the brief (what --format json emits), or of gold files."""
    if which == "gold":
        from summariser.evaluate import gold_json_schema as make
    else:
        from summariser.brief import brief_json_schema as make
    click.echo(json.dumps(make(), indent=2))


@click.command("eval")
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
@click.option(
    "--offered",
    is_flag=True,
    help="Ask no model: whether the requests offer each gold item (the ceiling a model can reach).",
)
@model_options
def evaluate_command(
    directory: Path, output_format: str | None, offered: bool, verbose: bool, **options: Any
) -> None:
    """Score briefs of every DIR/NAME.txt against DIR/NAME.gold.json, per field."""
    as_json = (output_format or ("table" if sys.stdout.isatty() else "json")) == "json"
    if offered:
        _offered(directory, as_json, verbose)
        return
    with reported(verbose):
        from summariser.evaluate import evaluate, summary
        from summariser.model.local import serving_from
        from summariser.runs.pipeline import Session

        with serving_from(**options) as settings, Session(settings) as session:
            scores = evaluate(directory, session.brief)
        results = summary(scores)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        from rich.console import Console

        from summariser.render.evaluation import print_table

        print_table(results, Console())
    worst = max((s.exit_code for s in scores if s.error is not None), default=0)
    if worst:
        click.echo(f"summarise: {len(results['failed'])} article(s) failed; see 'failed'", err=True)
        sys.exit(worst)


def _offered(directory: Path, as_json: bool, verbose: bool) -> None:
    with reported(verbose):
        from summariser.evaluate import offers

        results = offers(directory)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        from rich.console import Console

        from summariser.render.evaluation import print_offered

        print_offered(results, Console())
