"""Coverage study of the published count: does "N genuine entries (95% interval a-b)" contain the truth?

    python scripts/coverage.py --seeds 101-148 [--work DIR] [--style us --style us-tax --style hands [--only]] [--big] [--diagnose]

Each seed makes one roster with `linker synth` (run in this process): the seed picks a style (Cyrillic,
Latin, namesake-heavy, padded: genuine share 0.1, fabricated: genuine 0 with namesakes), a registry of
5,000-20,000 rows, a 1,000-entry list, a genuine share and a damage scale. `--style NAME` adds rosters made
with `linker synth --style NAME` (e.g. `us`) to the cycle. linker runs on each roster in this process
(no chance test: it does not touch the count) and the estimate and its interval are compared with the truth
(entries whose truth.csv row names a registry record). Also compared: `linker tune`'s label-free precision
and recall at the match threshold (0.9) and over the threshold curve, against the measured ones.
`--big` adds one larger roster: 10,000 entries against a 50,000-row registry.

Develop on seeds 1-40, measure on seeds you did not look at (101-148). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from linker.cli import main as linker_main  # noqa: E402
from linker.io import read_table  # noqa: E402
from linker.run import match  # noqa: E402
from linker.settings import Settings  # noqa: E402
from linker.tuning import tune  # noqa: E402

BASE_STYLES = ("cyrillic", "latin", "namesakes", "cyrillic", "latin", "padded", "fabricated", "namesakes-latin")


def parse_seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def roster_spec(seed: int, styles: tuple[str, ...]) -> dict:
    """What the seed makes: style, registry size, genuine share, damage scale (deterministic)."""
    rnd = random.Random(seed * 7919)
    style = styles[seed % len(styles)]
    spec = {"seed": seed, "style": style, "registry": rnd.choice([5000, 10000, 20000]), "list": 1000,
            "genuine": rnd.choice([0.6, 0.75, 0.9, 0.95]), "damage": rnd.choice([0.5, 1.0, 1.0, 1.5, 2.0]),
            "args": []}
    if style == "latin":
        spec["args"] = ["--latin"]
    elif style == "namesakes":
        spec["args"], spec["registry"] = ["--heavy-namesakes"], 20000
    elif style == "namesakes-latin":
        spec["args"], spec["registry"] = ["--heavy-namesakes", "--latin"], 20000
    elif style == "padded":
        spec["genuine"], spec["args"] = 0.1, ["--namesakes", "0.7"]
    elif style == "fabricated":
        spec["genuine"], spec["args"] = 0.0, ["--namesakes", "0.7"]
    elif style == "us-tax":
        spec["args"] = ["--style", "us", "--form", "tax"]
    elif style == "hands-latin":
        spec["args"] = ["--style", "hands", "--latin"]
    elif style != "cyrillic":
        spec["args"] = ["--style", style]
    return spec


def synth_roster(spec: dict, work: Path) -> Path:
    d = work / f"{spec['style']}-{spec['seed']}-{spec['registry']}-{spec['list']}"
    if not (d / "truth.csv").exists():
        args = ["synth", "--registry", str(spec["registry"]), "--list", str(spec["list"]), "--seed",
                str(spec["seed"]), "--genuine", str(spec["genuine"]), "--damage", str(spec["damage"]),
                "--out", str(d), *spec["args"]]
        with redirect_stdout(io.StringIO()):
            try:
                linker_main.main(args, standalone_mode=False)
            except SystemExit as exc:       # click exits 0 after a command in some versions
                if exc.code:
                    raise
    return d


def study(spec: dict, d: Path, diagnose: bool) -> dict:
    settings = Settings(quiet=True, decoys=0, seed=spec["seed"])
    with redirect_stderr(io.StringIO()):
        out = match(str(d / "list.csv"), str(d / "registry.csv"), settings)
    truth = read_table(str(d / "truth.csv"))
    reg_of = dict(zip(truth["list_id"].astype(str), truth["registry_id"].astype(str)))
    ids = out.matches["list_id"].astype(str)
    genuine = np.array([bool(reg_of.get(i, "")) for i in ids])
    eg = out.report["expected_genuine"]
    n = len(ids)
    true_n = int(genuine.sum())
    row = {"roster": f"{spec['style']} s{spec['seed']} {spec['registry'] // 1000}k g{spec['genuine']} d{spec['damage']}",
           "style": spec["style"], "n": n, "truth": true_n, "estimate": eg["estimate"], "low": eg["low"],
           "high": eg["high"], "covered": eg["low"] <= true_n <= eg["high"],
           "err_pct": 100.0 * (eg["estimate"] - true_n) / max(true_n, 1) if true_n else None,
           "err_list_pct": 100.0 * (eg["estimate"] - true_n) / n, "half_pct": 100.0 * (eg["high"] - eg["low"]) / 2 / n}
    row.update({k: eg.get(k) for k in ("sd_entries", "sd_fit", "sd_model", "sd_missed", "sd_systematic")})
    t = tune(out.matches, truth)
    at = next(r for r in t.rows if r["threshold"] == 0.9)
    row.update(est_p=at["est_precision"], p=at["precision"], est_r=at["est_recall"], r=at["recall"],
               curve_dp=max((abs(r["est_precision"] - r["precision"]) for r in t.rows if r["match"]), default=0.0),
               curve_dr=max(abs(r["est_recall"] - r["recall"]) for r in t.rows) if true_n else 0.0)
    if diagnose:
        row.update(diagnosis(out, reg_of, genuine))
    return row


def diagnosis(out, reg_of: dict, genuine: np.ndarray) -> dict:
    """Where the estimate's error sits: genuine entries whose record blocking missed, genuine entries with a
    low P(genuine), and P(genuine) carried by entries that are not genuine."""
    run = out.run
    pg = run.scored.entries["p_genuine"].to_numpy()
    rpos = pd.Series(np.arange(len(run.registry.ids)), index=run.registry.ids.astype(str).to_numpy())
    true_r = np.array([rpos.get(reg_of.get(i, ""), -1) for i in run.list.ids.astype(str)])
    pairs = set(zip(run.scored.left.tolist(), run.scored.right.tolist()))
    caught = np.array([g and (k, int(r)) in pairs for k, (g, r) in enumerate(zip(genuine, true_r))])
    missed = genuine & ~caught
    return {"missed": int(missed.sum()), "p_missed": float(pg[missed].sum()),
            "lost_caught": float((1 - pg[caught]).sum()), "p_false": float(pg[~genuine].sum()),
            "miss_rate": run.model.miss_rate}


def fmt(x, d=1):
    return "" if x is None else f"{x:,.{d}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="101-148", help="seeds, e.g. 1-40 (develop) or 101-148 (measure)")
    ap.add_argument("--work", default=None, help="where rosters are kept (default: a temporary directory)")
    ap.add_argument("--style", action="append", default=[],
                    help="extra style in the cycle (repeatable): us (census), us-tax, hands, hands-latin, or any "
                         "`linker synth --style`")
    ap.add_argument("--only", action="store_true", help="cycle over the --style styles only")
    ap.add_argument("--big", action="store_true", help="add one 10,000 x 50,000 roster")
    ap.add_argument("--diagnose", action="store_true", help="print where the error sits per roster")
    ap.add_argument("--json", default=None, help="also write every roster's row (the interval's parts too) here, "
                                                 "one JSON object per line")
    a = ap.parse_args()
    styles = tuple(a.style) if a.only and a.style else BASE_STYLES + tuple(a.style)
    tmp = None if a.work else tempfile.TemporaryDirectory()
    work = Path(a.work or tmp.name)
    specs = [roster_spec(s, styles) for s in parse_seeds(a.seeds)]
    if a.big:
        seed = specs[0]["seed"] if specs else 0
        specs.append({"seed": seed + 10000, "style": "cyrillic", "registry": 50000, "list": 10000,
                      "genuine": 0.88, "damage": 1.0, "args": []})
    rows = []
    for spec in specs:
        rows.append(study(spec, synth_roster(spec, work), a.diagnose))
        r = rows[-1]
        print(f"  {r['roster']}: truth {r['truth']} est {r['estimate']:.1f} [{r['low']:.1f}, {r['high']:.1f}]"
              f" {'ok' if r['covered'] else 'MISS'}", file=sys.stderr, flush=True)
    print("| roster | truth | estimate [95% interval] | error % | half-width % of list | covered |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['roster']} | {r['truth']:,} | {fmt(r['estimate'])} [{fmt(r['low'])}, {fmt(r['high'])}] | "
              f"{fmt(r['err_pct'], 2) if r['err_pct'] is not None else 'n/a'} | {r['half_pct']:.2f} | "
              f"{'yes' if r['covered'] else '**no**'} |")
    gen = [r for r in rows if r["style"] not in ("fabricated", "padded") and r["truth"]]
    fab = [r for r in rows if r["style"] == "fabricated"]
    print()
    print(f"coverage: {sum(r['covered'] for r in rows)}/{len(rows)} "
          f"({100.0 * np.mean([r['covered'] for r in rows]):.1f}%)")
    print(f"genuine lists: mean |error| {np.mean([abs(r['err_pct']) for r in gen]):.2f}% of truth, "
          f"max {np.max([abs(r['err_pct']) for r in gen]):.2f}%; mean error {np.mean([r['err_pct'] for r in gen]):+.2f}%; "
          f"mean half-width {np.mean([r['half_pct'] for r in gen]):.2f}% of the list, "
          f"max {np.max([r['half_pct'] for r in gen]):.2f}%" if gen else "no genuine lists")
    print(f"all rosters: mean |error| {np.mean([abs(r['err_list_pct']) for r in rows]):.2f}% of the list")
    if fab:
        print(f"fabricated lists: interval includes 0 in {sum(r['low'] <= 0 for r in fab)}/{len(fab)}; "
              f"largest estimate {max(r['estimate'] for r in fab):.1f}")
    print()
    print("| roster | est. precision | measured | est. recall | measured | curve max |dP| | curve max |dR| |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['roster']} | {r['est_p']:.4f} | {r['p']:.4f} | {r['est_r']:.4f} | {r['r']:.4f} | "
              f"{r['curve_dp']:.4f} | {r['curve_dr']:.4f} |")
    tuned = [r for r in rows if r["style"] != "fabricated"]
    if tuned:
        dp = np.array([r["est_p"] - r["p"] for r in tuned])
        dr = np.array([r["est_r"] - r["r"] for r in tuned])
        print(f"\ntune at 0.9 (non-fabricated): est-measured precision mean {dp.mean():+.4f}, max |.| "
              f"{np.abs(dp).max():.4f}; recall mean {dr.mean():+.4f}, max |.| {np.abs(dr).max():.4f}; "
              f"over the curve max |dP| {max(r['curve_dp'] for r in tuned):.4f}, max |dR| "
              f"{max(r['curve_dr'] for r in tuned):.4f}")
    if a.diagnose:
        print("\n| roster | truth | missed by blocking | P on missed | 1-P on caught genuine | P on not genuine | miss rate |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['roster']} | {r['truth']} | {r['missed']} | {r['p_missed']:.1f} | {r['lost_caught']:.1f} | "
                  f"{r['p_false']:.1f} | {r['miss_rate']:.4f} |")
    if a.json:
        import json

        with open(a.json, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({k: (bool(v) if isinstance(v, np.bool_) else v) for k, v in r.items()},
                                    default=float) + "\n")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
