"""Atomic writes: a unique temporary file beside the target, synced, then renamed into place.

Every file the project writes goes through `atomic_write` or `atomic_open`, so a reader
sees the old file or the new one whole, never half of one; two writers of one target
never share a temporary file; and a write that fails (a full disk, a read-only folder,
a killed process) leaves the old file as it was. The temporary file is named
``.NAME.XXXXXXXX.tmp`` in the target's own folder (a rename is atomic only within one
filesystem); `kg.build` removes any that a killed build left behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal, overload

from kg.errors import KgError, Problem

__all__ = ["atomic_open", "atomic_write", "temp_pattern"]


def temp_pattern(name: str) -> str:
    """The glob that matches the temporary files of target ``name``.

    Examples
    --------
    >>> temp_pattern("kg.nt")
    '.kg.nt.*.tmp'
    """
    return f".{name}.*.tmp"


@cache
def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _cannot(target: Path, error: OSError) -> KgError:
    """The error of a write that the system refused, naming the target and the reason."""
    reason = error.strerror or type(error).__name__
    if isinstance(error, FileExistsError):  # from mkdir: a file where a folder of the path should be
        reason = "Not a directory"
    if error.filename and Path(os.fsdecode(error.filename)).parent != target.parent:
        reason += f" ({os.fsdecode(error.filename)})"  # the folder above, not the file itself
    return KgError([Problem(target, None, "-", f"cannot write the file: {reason}")])


@overload
def atomic_open(
    path: Path | str, mode: Literal["w"] = "w", *, encoding: str = "utf-8", newline: str | None = None
) -> AbstractContextManager[IO[str]]: ...


@overload
def atomic_open(
    path: Path | str, mode: Literal["wb"], *, encoding: str = "utf-8", newline: str | None = None
) -> AbstractContextManager[IO[bytes]]: ...


def atomic_open(
    path: Path | str, mode: str = "w", *, encoding: str = "utf-8", newline: str | None = None
) -> AbstractContextManager[IO[str]] | AbstractContextManager[IO[bytes]]:
    """A stream to a temporary file that replaces ``path`` when the block ends without error.

    Parameters
    ----------
    path : pathlib.Path or str
        The target; its folder is created if missing.
    mode : {"w", "wb"}
        Text or bytes.
    encoding : str, default "utf-8"
        Of a text stream.
    newline : str, optional
        As for `open` (``""`` for the csv module).

    Raises
    ------
    KgError
        When the system refuses the write (permission denied, a read-only or full
        filesystem, a folder where the file should be); the old file is left as it was
        and no temporary file stays behind. Any other error in the block propagates
        after the temporary file is removed.

    Examples
    --------
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_open(folder / "a" / "notes.txt") as stream:
    ...     _ = stream.write("one\\n")
    >>> (folder / "a" / "notes.txt").read_text()
    'one\\n'
    >>> with atomic_open(folder / "a" / "notes.txt") as stream:
    ...     _ = stream.write("half")
    ...     raise RuntimeError("stopped")
    Traceback (most recent call last):
    RuntimeError: stopped
    >>> (folder / "a" / "notes.txt").read_text(), sorted(p.name for p in (folder / "a").iterdir())
    ('one\\n', ['notes.txt'])
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    return _atomic(Path(path), mode, encoding if mode == "w" else None, newline if mode == "w" else None)


@contextmanager
def _atomic(target: Path, mode: str, encoding: str | None, newline: str | None) -> Iterator[IO[Any]]:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _cannot(target, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; a written file is not
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise _cannot(target, error) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path | str, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; see `atomic_open`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    KgError
        When the system refuses the write; the old file is left as it was.

    Examples
    --------
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "kg.nt", b"<a:b> <a:c> <a:d> .\\n").read_bytes()
    b'<a:b> <a:c> <a:d> .\\n'
    >>> atomic_write(folder / "kg.nt", "replaced").read_text(), len(list(folder.iterdir()))
    ('replaced', 1)
    >>> atomic_write(folder, "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.KgError: ...: -: cannot write the file: Is a directory
    """
    target = Path(path)
    if isinstance(data, bytes):
        with atomic_open(target, "wb") as stream:
            stream.write(data)
    else:
        with atomic_open(target, "w") as text:
            text.write(data)
    return target
