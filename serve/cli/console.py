"""The consoles every command writes to (results on stdout, errors on stderr) and shared tables."""

from rich.console import Console

console = Console()
errors = Console(stderr=True)


def print_headline(results: dict[str, dict[str, float]]) -> None:
    from rich.table import Table

    table = Table(title="headline metrics", title_justify="left")
    table.add_column("metric")
    for name in results:
        table.add_column(name, justify="right")
    metrics = list(dict.fromkeys(metric for figures in results.values() for metric in figures))
    for metric in metrics:
        table.add_row(metric, *(f"{results[name].get(metric, float('nan')):.3f}" for name in results))
    console.print(table)
