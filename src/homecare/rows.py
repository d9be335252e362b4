"""The rows of an imported file that cannot be used, shared by every import (a council's
caseload, CQC's ratings): each names its line, column and reason, and the refusal carries
them all, so that nothing of a file is written while any row is unusable."""

from __future__ import annotations

from dataclasses import dataclass

from homecare.errors import InvalidInput


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f" ({self.column})" if self.column else ""
        return f"line {self.line}{where}: {self.reason}"


class ImportRefused(InvalidInput):
    """The rows that cannot be used; nothing of the file was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the file: "
            "nothing was imported",
            field="file",
        )
        self.problems = problems
