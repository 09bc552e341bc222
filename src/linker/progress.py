"""Progress bars on stderr (tqdm), shown only for a stage that runs longer than a second."""

from __future__ import annotations

import sys

from tqdm import tqdm


class Progress:
    """``with Progress("compare", total=n, unit="pairs") as pb: pb.update(k)``; silent when quiet."""

    def __init__(self, stage: str, *, total: int | None = None, quiet: bool = False, unit: str = "it") -> None:
        self._bar = None if quiet else tqdm(
            total=total, desc=stage, unit=unit, unit_scale=True, file=sys.stderr, delay=1.0, leave=False,
            dynamic_ncols=True,
        )

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
