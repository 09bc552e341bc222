"""Coverage of the count's interval for other sizes of its systematic part, from `coverage.py --json` rows.

    python scripts/coverage_share.py /tmp/dev-base.jsonl /tmp/dev-other.jsonl [--shares 0,0.1,0.2,0.3,0.35,0.4]

Each row holds the parts of a roster's interval (sd_entries, sd_fit, sd_model, sd_missed; sd_model squared is
the total doubt D = sum of min(p, 1-p)). For each share a, the interval is recomputed as the estimate +- 1.96 x
sqrt(sd_entries^2 + sd_fit^2 + sd_model^2 + sd_missed^2 + (a x D)^2), clipped to [0, list size], and its
coverage printed overall and per style, with the mean half-width (% of the list). This is how
`linker.interval.SYSTEMATIC_SHARE` was sized on the development seeds.
"""
from __future__ import annotations

import argparse
import json

import numpy as np


def coverage(rows: list[dict], share: float) -> list[tuple[str, bool, float]]:
    out = []
    for r in rows:
        base = sum(float(r[k]) ** 2 for k in ("sd_entries", "sd_fit", "sd_model", "sd_missed"))
        doubt = float(r["sd_model"]) ** 2
        sd = np.sqrt(base + (share * doubt) ** 2)
        lo, hi = max(0.0, r["estimate"] - 1.96 * sd), min(float(r["n"]), r["estimate"] + 1.96 * sd)
        out.append((r["style"], lo <= r["truth"] <= hi, 100.0 * 1.96 * sd / r["n"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rows", nargs="+", help="files written by coverage.py --json")
    ap.add_argument("--shares", default="0,0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.5")
    a = ap.parse_args()
    rows = [json.loads(line) for f in a.rows for line in open(f, encoding="utf-8") if line.strip()]
    for share in (float(x) for x in a.shares.split(",")):
        got = coverage(rows, share)
        by: dict[str, list[bool]] = {}
        for style, covered, _half in got:
            by.setdefault(style, []).append(covered)
        print(f"share {share:.2f}: {sum(c for _, c, _ in got)}/{len(got)} covered, mean half-width "
              f"{np.mean([h for *_, h in got]):.2f}% of the list; "
              + " ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by.items())))


if __name__ == "__main__":
    main()
