"""The local engine: the pipeline's row and pair stages in-process, pairs compared in chunks.

`linker.pipeline` sequences the run and does everything else (fit, score, count, decide); this engine
standardizes with `linker.standardize`, blocks with `linker.blocking.block` and compares with
`linker.compare.compare_in_chunks`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import blocking, compare as cmp, model as fs
from ..pipeline import Candidates, Side, add_pairs, key_codes_of
from ..progress import Progress
from ..settings import Settings
from ..standardize import standardize_names


class LocalEngine:
    name = "local"
    takes_standardized = True       # a side that comes standardized (a prepared registry) is left so

    def standardize(self, side: Side, settings: Settings, lexicon=None) -> None:
        side.std, side.names = standardize_names(side.raw, side.mapping, lexicon)
        side.lexicon = lexicon

    def block(self, side_l: Side, side_r: Side, enc: cmp.Encoded, rules: list, settings: Settings, *,
              dedupe: bool, log: Callable[[str], None]) -> blocking.BlockingResult:
        return blocking.block(side_l.std, side_r.std, rules, max_pairs=settings.max_pairs, dedupe=dedupe, log=log,
                              automatic=not settings.blocking_rules, max_block=settings.max_block, enc=enc,
                              key_codes=None if dedupe else key_codes_of(side_l, side_r))

    def compare(self, proposed: blocking.BlockingResult, enc: cmp.Encoded, extra: tuple[np.ndarray, np.ndarray],
                settings: Settings) -> Candidates:
        left, right = add_pairs(proposed.left, proposed.right, extra)
        with Progress("compare", total=len(left), quiet=settings.quiet, unit="pairs") as pb:
            gammas = cmp.compare_in_chunks(enc, left, right, settings.chunk_pairs, settings.workers, pb)
        return Candidates(left, right, gammas, proposed)

    def estimate_u(self, enc: cmp.Encoded, n_left: int, n_right: int, settings: Settings) -> dict[str, np.ndarray]:
        return fs.estimate_u(enc, n_right, sample=settings.u_sample_pairs, seed=settings.seed,
                             workers=settings.workers)

    def close(self) -> None:
        pass
