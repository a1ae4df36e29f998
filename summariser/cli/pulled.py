"""`summarise models pull|list|rm`: the local GGUF models `--local-model` serves."""

import logging

import click

from summariser.cli.options import reported


@click.group()
def models() -> None:
    """Local GGUF models for --local-model: pull, list, rm (in $XDG_CACHE_HOME/summariser/models)."""


@models.command()
@click.argument("name", required=False, metavar="[NAME | hf:REPO/FILE[@REV]]")
@click.option("--sha256", metavar="HEX", help="Expected sha256 [default: the table's, or the Hub's].")
@click.option("-v", "--verbose", is_flag=True, help="huggingface_hub's retries and the traceback on stderr.")
def pull(name: str | None, sha256: str | None, verbose: bool) -> None:
    """Download a model by NAME (default: the default model) or any Hub GGUF, resuming an interrupted
    download, and check its sha256 before it is used. Prints its path. Honours HF_ENDPOINT and HF_TOKEN."""
    with reported(verbose):
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
    with reported(False):
        from summariser.model import pulled as pulled_models

        path = pulled_models.remove(name)
    click.echo(f"removed {path}", err=True)
