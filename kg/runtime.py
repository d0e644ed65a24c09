"""How long steps run: the garbage collector paused, and progress shown on a terminal.

Python's cyclic garbage collector walks every live container each time enough new ones
are made; a build makes millions and frees almost none, so the collector re-scans the
same objects again and again. At 100,000 synthetic organisations, pausing it during the
conversion took reading the YAML from 29 s to 11 s and the RDF conversion from 16 s to
10 s (bench/RESULTS.md).

Progress goes to stderr through tqdm, and only when stderr is a terminal: piped or
captured output (scripts, CI, tests) stays free of bars.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Progress", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block; restore its state after.

    Reference counting still frees what is no longer used; only cycles wait until the
    block ends, when one collection runs.

    Examples
    --------
    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _shown() -> bool:
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """Named stages of a long step, one line on a terminal, nothing when piped.

    Examples
    --------
    >>> with Progress("build", ["read", "write"]) as p:   # stderr is not a terminal here
    ...     p.stage("read"); p.stage("write")
    >>> p.done
    ['read', 'write']
    """

    def __init__(self, what: str, stages: list[str]) -> None:
        self.what = what
        self.stages = stages
        self.done: list[str] = []
        self._bar = None

    def __enter__(self) -> Progress:
        if _shown():
            from tqdm import tqdm  # only when a bar is drawn

            tqdm.monitor_interval = 0  # no monitor thread: the YAML reader forks only without threads
            self._bar = tqdm(
                total=len(self.stages),
                desc=self.what,
                leave=False,
                bar_format="{desc} {bar:20} {n_fmt}/{total_fmt}{postfix} [{elapsed}]",
            )
        return self

    def stage(self, name: str) -> None:
        """Mark the start of stage ``name`` (shown beside the bar)."""
        if self.done and self._bar is not None:
            self._bar.update(1)
        self.done.append(name)
        if self._bar is not None:
            self._bar.set_postfix_str(name)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.update(len(self.stages) - self._bar.n)
            self._bar.close()
