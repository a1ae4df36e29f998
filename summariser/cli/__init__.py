"""The `summarise` command: `summarise FILE` makes a brief, and the subcommands live one to a module
(`run`, `jobs`, `evaluation` for schema and eval, `pulled` for models).

Heavy imports (openai, instructor, pydantic models) wait until a brief is made, so `--help` and bad
usage answer at once. Every expected failure is one line on stderr and the contract's exit code; a
traceback only with -v.
"""

import atexit
import gc
import sys
from typing import Any

import click

from summariser.cli import evaluation, jobs, pulled, run

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
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[call-overload]
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


for command in (run.run, jobs.jobs_group, evaluation.schema, evaluation.evaluate_command, pulled.models):
    main.add_command(command)
