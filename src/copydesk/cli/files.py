"""Files the CLI writes (exports): whole or not at all, and I/O errors in one line.

An export is written to a temporary file beside its target and renamed over it only once it
is complete, so `kill -9` midway, a full disk or `ulimit -f` leave the previous export as it
was (plus, after a kill, a hidden `.…-NAME` temporary file) and never a shorter file that
looks complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from copydesk.errors import CopydeskError, UsageError


def _mode_for(path: Path) -> int:
    """The new file's permissions: the old file's, or what the umask gives a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path to write; renamed over `target` when the block ends without error.

    The temporary name ends with the target's name, so writers that look at the suffix
    (`.warc.gz`) behave the same.

    Raises:
        UsageError: the file cannot be written (no such folder, no space, too large, …);
            the target is left as it was.
    """
    path = Path(target)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=f"-{path.name}")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except CopydeskError as exc:  # a writer's own "cannot write": name the target, not ours
        temporary.unlink(missing_ok=True)
        raise UsageError(str(exc).replace(str(temporary), str(path))) from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
