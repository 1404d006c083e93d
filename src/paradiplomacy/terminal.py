"""What the command line prints with: consoles, the error exit and the progress bar (rich)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# No rich markup: user text such as notes with [brackets] prints as written.
console = Console(soft_wrap=True, markup=False)
errors = Console(stderr=True, soft_wrap=True, markup=False)


def fail(message: str, code: int = 1) -> None:
    """Print ``error: message`` on standard error and exit with ``code``."""
    errors.print(f"error: {message}", style="red", markup=False, highlight=False)
    raise typer.Exit(code)


def progress_bar(unit: str = "items") -> Progress:
    """A progress bar on standard error, shown only when that is a terminal.

    With ``unit="bytes"``, the amounts show as bytes (kB, MB ...) with the time remaining.
    """
    amounts = (
        (DownloadColumn(), TimeRemainingColumn()) if unit == "bytes" else (MofNCompleteColumn(),)
    )
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        *amounts,
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )
