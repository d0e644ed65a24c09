"""Problems found in the input and the one exception that carries them.

Library code collects every problem it finds and raises a single `KgError`;
only `kg.cli` prints them (one line each) and chooses the exit code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KgError", "Problem", "syntax_problem"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at a file and line.

    Examples
    --------
    >>> print(Problem(Path("data/x.yaml"), 3, "sources", "missing"))
    data/x.yaml:3: sources: missing
    >>> print(Problem(Path("data/x.yaml"), None, "-", "invalid YAML"))
    data/x.yaml:?: -: invalid YAML
    >>> print(Problem(None, None, "--param cluster", "unknown cluster 'x'"))
    --param cluster: unknown cluster 'x'
    """

    path: Path | None
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.path is None:  # a problem with a command-line value, not with a file
            return f"{self.field}: {self.message}"
        return f"{self.path}:{self.line or '?'}: {self.field}: {self.message}"


class KgError(Exception):
    """Bad input or a failed check; holds every problem found.

    ``headline``, when given, is said once before the problems (e.g. "The graph is
    inconsistent:").
    """

    def __init__(self, problems: list[Problem], *, headline: str | None = None) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
        self.headline = headline


def syntax_problem(path: Path, error: SyntaxError, what: str) -> Problem:
    """A parser's `SyntaxError` (Oxigraph's carry the line) as a problem at that line.

    Examples
    --------
    >>> error = SyntaxError("Parser error at line 3 column 7: unexpected end of file")
    >>> error.lineno = 3
    >>> print(syntax_problem(Path("shapes.ttl"), error, "invalid Turtle"))
    shapes.ttl:3: -: invalid Turtle: unexpected end of file
    """
    text = error.msg or str(error)
    message = re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", text)
    return Problem(path, error.lineno, "-", f"{what}: {message}")
