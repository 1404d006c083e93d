"""Problems found in imported files, each located as ``file:row:column``.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2
(CSV and XLSX). In JSON files the row is the 1-based position of the object in the list. A
problem about the whole file is reported at row 1 with column ``-``.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN_CHARS = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, with what was expected and what was found."""

    file: str
    row: int
    column: str
    expected: str
    got: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:{self.column}: "
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{where}{prefix}expected {self.expected}, got {self.got}"
        return f"{text}; {self.hint}" if self.hint else text


def describe(value: object) -> str:
    """How a found value is shown in a message: quoted, and shortened when long."""
    if value is None:
        return "an empty cell"
    text = str(value)
    if not text.strip():
        return "an empty cell"
    if len(text) > MAX_SHOWN_CHARS:
        return f"{text[:MAX_SHOWN_CHARS]!r}... ({len(text):,} characters)"
    return repr(text)


class ProblemList:
    """Problems of one file: all are counted, the first ``limit`` by position are kept.

    Checks add at most ``limit`` problems each (the first by row), so that the first ``limit``
    problems of the whole file, in row order, are always among those kept.
    """

    def __init__(self, limit: int = 100) -> None:
        self.limit = max(1, int(limit))
        self._items: list[Problem] = []
        self._warnings: list[Problem] = []
        self.total = 0
        self.column_order: dict[str, int] = {}
        self.stopped_after: int | None = None
        """The last row checked, when checking stopped before the end of the file."""

    def add(self, problem: Problem) -> None:
        if problem.severity == "warning":
            self._warnings.append(problem)
            return
        self.total += 1
        self._items.append(problem)

    def count_more(self, n: int) -> None:
        """Count ``n`` further problems that a check found beyond the ones it added."""
        self.total += int(n)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    @property
    def errors(self) -> list[Problem]:
        """The first ``limit`` errors in file order."""
        return sorted(self._items, key=self._position)[: self.limit]

    @property
    def warnings(self) -> list[Problem]:
        return sorted(self._warnings, key=self._position)[: self.limit]

    def trim(self) -> None:
        """Keep only the first ``limit`` errors and warnings by position.

        For a file checked in chunks, in row order: what later chunks find comes after what is
        kept, so the list stays as long as ``limit`` however many chunks are checked.
        """
        if len(self._items) > self.limit:
            self._items = self.errors
        if len(self._warnings) > self.limit:
            self._warnings = self.warnings

    def lines(self) -> list[str]:
        """Messages of the errors kept, and a line counting the rest."""
        errors = self.errors
        lines = [str(p) for p in errors]
        more = self.total - len(errors)
        stopped = (
            f"checking stopped after row {self.stopped_after:,}; the rest of the file was not read"
            if self.stopped_after is not None
            else ""
        )
        if more and stopped:
            lines.append(f"... and {more:,} more problems not shown; {stopped}")
        elif more:
            lines.append(f"... and {more:,} more problems not shown")
        elif stopped:
            lines.append(f"... {stopped}")
        return lines

    def _position(self, problem: Problem) -> tuple[int, int, str]:
        """File order: by row, then by the column's place in the file."""
        rank = self.column_order.get(problem.column, len(self.column_order))
        return (problem.row, rank, problem.column)
