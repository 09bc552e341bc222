"""The one writer of output directories: nothing the user owns is ever deleted or overwritten.

Every command that writes (``match``, ``dedupe``, ``synth``, ``tune``'s redraw) goes through
:class:`OutputDir`:

- **Only linker's own files are replaced.** Each output directory holds a small manifest
  (:data:`MANIFEST`: the command and the files it wrote). ``--force`` replaces a directory only when every
  entry in it is listed there; a directory holding anything else, holding an input of the run, or being an
  ancestor of an input, is refused (with ``--force`` or without), naming the file that would be lost.
- **Atomic.** The new files are written into a temporary directory beside the target, which then takes
  the target's place by rename; a failed or interrupted run (an exception, Ctrl-C, SIGTERM once
  :func:`install_signal_handlers` ran) removes the temporary directory and leaves the target as it was.
- **One writer at a time.** The target is locked (``flock`` on a hidden file beside it) from the check at
  the start of the run until the new files are in place: a second run writing the same directory is
  refused at once, and neither output is corrupted.

``LINKER_TEST_PAUSE=before-swap`` (tests only) makes a run stop after its files are staged and before
they replace the target, until a signal arrives: an interruption or a concurrent run can then be tested
at a known point, whatever the machine's speed.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import InputError

MANIFEST = ".linker-manifest.json"
PAUSE_ENV = "LINKER_TEST_PAUSE"

__all__ = ["MANIFEST", "OutputDir", "Terminated", "atomic_output", "check_output_dir", "install_signal_handlers",
           "read_manifest", "write_outputs"]


def read_manifest(out_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest linker left in ``out_dir`` (``command``, ``files``), or None if there is none valid."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    if not all(isinstance(f, str) for f in data["files"]):
        return None
    return data


def _entries(root: Path) -> list[str]:
    """Every file and directory under ``root``, as relative POSIX paths (directories end with ``/``)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        found += [(rel / d).as_posix() + "/" for d in dirnames]
        found += [(rel / f).as_posix() for f in filenames]
    return sorted(found)


def _foreign(root: Path) -> list[str]:
    """Entries of ``root`` that no linker manifest there lists (the user's files)."""
    manifest = read_manifest(root)
    own = {MANIFEST}
    if manifest is not None:
        for f in manifest["files"]:
            own.add(f)
            parts = Path(f).parts
            own.update(Path(*parts[:i]).as_posix() + "/" for i in range(1, len(parts)))
    return [e for e in _entries(root) if e not in own]


def _resolved(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


def check_output_dir(out_dir: str | os.PathLike[str], *, force: bool, inputs: Iterable[str | os.PathLike[str]] = ()
                     ) -> None:
    """Fail early (before any work) when ``out_dir`` could not be written, or replacing it would lose a file
    linker did not write (one of ``inputs`` included)."""
    out = Path(out_dir)
    shown = os.fspath(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{shown}: exists and is not a directory; give a directory for the output")
    target = _resolved(out)
    for given in inputs:
        if given is None:
            continue
        src = _resolved(given)
        if target == src or target in src.parents:
            raise InputError(f"{shown}: holds {os.fspath(given)}, an input of this run, which the output would "
                             "replace; choose an --out that does not contain the inputs (a new folder)")
    if out.is_dir():
        foreign = _foreign(out)
        if foreign:
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise InputError(f"{shown}: holds {out / foreign[0].rstrip('/')}{more}, which linker did not write; "
                             "linker replaces only its own outputs: move it away, or choose another --out")
        if not force and any(out.iterdir()):
            raise InputError(f"{shown}: output directory exists and is not empty; pass --force to replace it")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{parent}: cannot write in this directory (the output goes there); "
                         "choose another --out or fix its permissions")


class OutputDir:
    """``with OutputDir(out, command="match", force=f, inputs=[...]) as od: ...; with od.staging() as tmp: ...``

    Entering checks the target (:func:`check_output_dir`) and locks it; :meth:`staging` yields a temporary
    directory that replaces the target atomically once the block ends without an exception. Leaving
    releases the lock.
    """

    def __init__(self, out_dir: str | os.PathLike[str], *, command: str, force: bool = False,
                 inputs: Iterable[str | os.PathLike[str] | None] = ()) -> None:
        self.shown = os.fspath(out_dir)
        self.out = Path(out_dir).absolute()
        self.command = command
        self.force = force
        self.inputs = tuple(i for i in inputs if i is not None)
        self._lock_fd: int | None = None
        self._lock_path = self.out.parent / f".{self.out.name}.linker-lock"

    def __enter__(self) -> OutputDir:
        check_output_dir(self.shown, force=self.force, inputs=self.inputs)
        self._lock()
        try:
            # checked again under the lock: another run may have written the target in between
            check_output_dir(self.shown, force=self.force, inputs=self.inputs)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._unlock()

    # ------------------------------------------------------------------ lock
    def _lock(self) -> None:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{self.out.parent}: cannot create the output there ({exc.strerror or exc}); "
                             "choose another --out or fix its permissions") from None
        while True:
            try:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise InputError(f"{self.out.parent}: cannot create the output there ({exc.strerror or exc}); "
                                 "choose another --out or fix its permissions") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise InputError(f"{self.shown}: another linker run is writing this output directory now; "
                                     "wait for it to finish, or choose another --out") from None
                raise
            try:
                same = os.fstat(fd).st_ino == os.stat(self._lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a lock file that its holder removed while we waited for it
                self._lock_fd = fd
                return
            os.close(fd)

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        try:
            os.unlink(self._lock_path)
        except OSError:
            pass
        os.close(self._lock_fd)
        self._lock_fd = None

    # ------------------------------------------------------------------ staging and swap
    @contextmanager
    def staging(self, *, keep: Iterable[str] = ()) -> Iterator[Path]:
        """A temporary directory beside the target; on success it becomes the target (with a manifest of
        every file in it). ``keep`` names files of the current output copied in first (a redraw)."""
        if self._lock_fd is None:
            raise RuntimeError("OutputDir.staging() outside its with-block")
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.tmp-", dir=self.out.parent))
        except OSError as exc:
            raise InputError(f"{self.out.parent}: cannot create the output there ({exc.strerror or exc}); "
                             "choose another --out or fix its permissions") from None
        try:
            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o777 & ~umask)
            for rel in keep:
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.out / rel, tmp / rel)
            yield tmp
            files = [e for e in _entries(tmp) if not e.endswith("/") and e != MANIFEST]
            (tmp / MANIFEST).write_text(json.dumps({"written_by": "linker", "command": self.command,
                                                    "files": files}, indent=1) + "\n", encoding="utf-8")
            self._pause_for_tests()
            self._swap_in(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _pause_for_tests(self) -> None:
        if os.environ.get(PAUSE_ENV) != "before-swap":
            return
        print(f"linker: paused before replacing {self.shown} ({PAUSE_ENV}); waiting for a signal",
              file=sys.stderr, flush=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)

    def _swap_in(self, tmp: Path) -> None:
        out = self.out
        if not out.exists():
            os.rename(tmp, out)
            return
        if _foreign(out):  # something appeared since the check: never replace it
            check_output_dir(self.shown, force=True, inputs=self.inputs)
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
        try:
            os.rename(tmp, out)
        except BaseException:
            os.rename(old, out)
            raise
        _remove_own(old)


def _remove_own(old: Path) -> None:
    """Delete a replaced output: the files its manifest lists, then the emptied directories. Anything else
    (written there after the check) is left where it is and named on stderr."""
    manifest = read_manifest(old) or {"files": []}
    for rel in [*manifest["files"], MANIFEST]:
        try:
            (old / rel).unlink()
        except OSError:
            pass
    for dirpath, _dirs, _files in sorted(os.walk(old), key=lambda t: -len(t[0])):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass
    if old.exists():
        print(f"linker: kept {old}: it holds files written there during the run", file=sys.stderr)


@contextmanager
def atomic_output(out_dir: str | os.PathLike[str], *, force: bool = False, command: str = "output",
                  inputs: Iterable[str | os.PathLike[str] | None] = ()) -> Iterator[Path]:
    """Check, lock and stage in one: yield a temporary directory that replaces ``out_dir`` on success."""
    with OutputDir(out_dir, command=command, force=force, inputs=inputs) as od, od.staging() as tmp:
        yield tmp


def write_outputs(out_dir: str | os.PathLike[str], files: Mapping[str, bytes | str], force: bool = False, *,
                  command: str = "output", inputs: Iterable[str | os.PathLike[str] | None] = ()) -> None:
    """Write ``files`` (relative name -> content; ``str`` is written as UTF-8) into ``out_dir`` atomically."""
    with atomic_output(out_dir, force=force, command=command, inputs=inputs) as tmp:
        for rel, content in files.items():
            target = tmp / rel
            if target.resolve().parent != tmp.resolve() and tmp.resolve() not in target.resolve().parents:
                raise InputError(f"{rel}: output file name leaves the output directory; use a relative name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM (see ``install_signal_handlers``)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(f"received signal {signum}")


def install_signal_handlers() -> Any:
    """Turn SIGTERM into a ``Terminated`` (a ``KeyboardInterrupt``) so ``with`` blocks clean up.

    Call from the main thread (the CLI does, once). Returns the previous handler.
    """
    return signal.signal(signal.SIGTERM, _raise_terminated)
