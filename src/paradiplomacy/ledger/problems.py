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

    def lines(self) -> list[str]:
        """Messages of the errors kept, and a line counting the rest."""
        errors = self.errors
        lines = [str(p) for p in errors]
        if self.total > len(errors):
            lines.append(f"... and {self.total - len(errors):,} more problems not shown")
        return lines

    def _position(self, problem: Problem) -> tuple[int, int, str]:
        """File order: by row, then by the column's place in the file."""
        rank = self.column_order.get(problem.column, len(self.column_order))
        return (problem.row, rank, problem.column)
