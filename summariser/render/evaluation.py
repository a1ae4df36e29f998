"""Evaluation results as a table for a terminal; the JSON form is `evaluate.summary` itself."""

from typing import Any

from rich.console import Console
from rich.table import Table

from summariser.evaluate import FIELDS, OFFERED


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def print_table(summary: dict[str, Any], console: Console) -> None:
    table = Table(title=f"summariser eval: {summary['articles']} article(s)")
    for column in ("field", "precision", "recall", "F1", "matched / predicted / gold"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name in FIELDS:
        row = summary["fields"][name]
        table.add_row(
            name.replace("_", " "),
            _pct(row["precision"]),
            _pct(row["recall"]),
            _pct(row["f1"]),
            f"{row['matched']} / {row['predicted']} / {row['gold']}",
        )
    console.print(table)
    per = summary["per_article"]
    console.print(
        f"quote attribution {_pct(summary['quote_attribution'])} · claimants"
        f" {_pct(summary['claim_attribution'])} · outcomes {_pct(summary['claim_outcome'])}"
        f" · roles not in the article {summary['roles_not_in_article']}"
        f" · verified {_pct(summary['verified_share'])}"
        f" · dropped {summary['dropped']} · missed {summary['missed']} · per article: "
        f"{per['requests']:.1f} requests, {per['tokens']:.0f} tokens, {per['seconds']:.1f} s"
    )
    for failure in summary["failed"]:
        console.print(f"[red]failed[/red] {failure['article']}: {failure['error']}")


def print_offered(results: dict[str, Any], console: Console) -> None:
    """What the requests offer of the gold items, a kind a row, and the articles that miss any."""
    table = Table(title=f"summariser eval --offered: {results['articles']} article(s)")
    for column in ("offered", "share", "n / of"):
        table.add_column(column, justify="left" if column == "offered" else "right")
    for kind in OFFERED:
        hit, of = results["offered"][kind]
        table.add_row(kind.replace("_", " "), _pct(hit / of if of else None), f"{hit} / {of}")
    console.print(table)
    for name, counts in results["per_article"].items():
        short = [f"{kind.replace('_', ' ')} {hit}/{of}" for kind, (hit, of) in counts.items() if hit < of]
        if short:
            console.print(f"{name}: " + ", ".join(short))
