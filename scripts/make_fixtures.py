"""Regenerate the committed fixtures exactly: fixtures/ru (Cyrillic list) and fixtures/latin (Latin list).

Usage: python scripts/make_fixtures.py [--out DIR]   (default: the repository's fixtures/)
Each holds registry.csv (3,000 people), list.csv (300 entries) and truth.csv (list_id,registry_id,damage,kind).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from linker.synthetic.ru import synth, write_synth

FIXTURES = {
    "ru": {"registry": 3000, "list_size": 300, "latin": False, "seed": 1},
    "latin": {"registry": 3000, "list_size": 300, "latin": True, "seed": 2},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "fixtures")
    args = parser.parse_args()
    for name, kw in FIXTURES.items():
        kw = dict(kw)
        write_synth(args.out / name, *synth(kw.pop("registry"), kw.pop("list_size"), **kw))
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
