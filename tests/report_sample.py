"""A realistic sample report dict (the shape the pipeline writes as report.json) for the HTML tests.

Deterministic for a seed; counts, histogram, agreement and breakdowns are computed from the entries
so that the page can be checked against them. ``hostile=True`` plants markup in every place a value
from a user's file can reach the page.
"""

from __future__ import annotations

import math
import random

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<!--",
    "&amp; \u2028\u2029 \"'`${x}",
]

SURNAMES = ["Иванов", "Фёдоров", "Семёнов", "Ковальский", "Петренко", "Алиев", "Кузнецов", "Смирнов", "Ким", "Артёмов"]
GIVEN = ["Сергей", "Алексей", "Дмитрий", "Артём", "Пётр", "Рустам", "Николай", "Юрий"]
PATRONYMIC = ["Александрович", "Сергеевич", "Ильич", "Петрович", "Фёдорович", "Гасан оглы"]
RANKS = ["рядовой", "ефрейтор", "сержант", "старший лейтенант", "майор"]
UNITS = ["в/ч 12345", "в/ч 54321", "в/ч 31135", "в/ч 61899-А"]
FIELDS = ["surname", "first_name", "patronymic", "birth_date", "personal_number", "rank", "unit"]

LEVELS = {  # field -> [(level, label, m, u)], highest level = best agreement
    "surname": [(0, "missing", 0.01, 0.01), (1, "different", 0.04, 0.93), (2, "similar", 0.15, 0.05), (3, "exact", 0.80, 0.01)],
    "first_name": [(0, "missing", 0.01, 0.01), (1, "different", 0.05, 0.80), (2, "diminutive", 0.10, 0.05), (3, "exact", 0.84, 0.14)],
    "patronymic": [(0, "missing", 0.15, 0.15), (1, "different", 0.05, 0.80), (2, "exact", 0.80, 0.05)],
    "birth_date": [(0, "missing", 0.05, 0.05), (1, "different", 0.05, 0.94), (2, "one part off", 0.15, 0.008), (3, "exact", 0.75, 0.002)],
    "personal_number": [(0, "missing", 0.30, 0.30), (1, "different", 0.02, 0.6999), (2, "exact", 0.68, 0.0001)],
    "rank": [(0, "missing", 0.10, 0.10), (1, "different", 0.30, 0.60), (2, "exact", 0.60, 0.30)],
    "unit": [(0, "missing", 0.10, 0.10), (1, "different", 0.10, 0.70), (2, "exact", 0.80, 0.20)],
}
PRIOR = 1e-4
THRESHOLDS = {"match": 0.95, "review": 0.5}


def _weight(m: float, u: float) -> float:
    return round(math.log2(m / u), 3)


def _damage(rng: random.Random, text: str) -> str:
    if len(text) < 3 or rng.random() < 0.5:
        return text.replace("ё", "е")
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _person(rng: random.Random, i: int, hostile: bool) -> dict[str, str]:
    surname = HOSTILE[i % len(HOSTILE)] if hostile and i % 3 == 0 else rng.choice(SURNAMES)
    return {
        "surname": surname,
        "first_name": rng.choice(GIVEN),
        "patronymic": rng.choice(PATRONYMIC),
        "birth_date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1965, 2004)}",
        "personal_number": f"АБ-{rng.randint(100000, 999999)}",
        "rank": rng.choice(RANKS),
        "unit": rng.choice(UNITS),
    }


def _candidate(rng: random.Random, listed: dict[str, str], reg_id: str, genuine: bool, hostile: bool) -> dict:
    registry = dict(listed) if genuine else _person(rng, rng.randrange(1000), hostile) | {"surname": listed["surname"]}
    name_only = genuine and rng.random() < 0.15  # the registry lacks date and number: a case for review
    same_name = ("surname",) if genuine or rng.random() < 0.6 else ("surname", "first_name", "patronymic")
    if not genuine:
        registry |= {f: listed[f] for f in same_name}
    levels: dict[str, str] = {}
    weights: dict[str, float] = {}
    for field in FIELDS:
        table = {lv[1]: lv for lv in LEVELS[field]}
        if not genuine and field not in same_name:
            label = "different" if rng.random() < 0.8 else "missing"
        elif rng.random() < 0.2 and field in ("surname", "first_name", "birth_date"):
            label = "similar" if field == "surname" else "diminutive" if field == "first_name" else "one part off"
            registry[field] = _damage(rng, listed[field])
        elif rng.random() < 0.1 or (name_only and field in ("birth_date", "personal_number")):
            label = "missing"
            registry[field] = ""
        else:
            label = "exact"
        _, _, m, u = table[label]
        levels[field] = label
        weights[field] = _weight(m, u)
    tf = round(rng.uniform(-1.5, 0.5), 3)  # a term-frequency adjustment beyond the comparisons
    weight = round(sum(weights.values()) + tf, 3)
    odds = PRIOR / (1 - PRIOR) * 2.0**weight
    return {"registry_id": reg_id, "probability": round(odds / (1 + odds), 6), "weight": weight,
            "registry": registry, "levels": levels, "weights": weights}


def build_report(n: int = 60, seed: int = 0, hostile: bool = False, verdict: str = "genuine") -> dict:
    """A report of ``n`` entries; every count in it agrees with the entries."""
    rng = random.Random(seed)
    entries: list[dict] = []
    for i in range(n):
        listed = _person(rng, i, hostile)
        genuine = rng.random() < 0.75
        k = 0 if rng.random() < 0.08 else rng.randint(1, 3)
        cands = [_candidate(rng, listed, f"R{seed}-{i}-{j}", genuine and j == 0, hostile) for j in range(k)]
        if hostile and i % 5 == 1 and cands:
            cands[0]["registry_id"] = HOSTILE[1] + f"{i}"
        cands.sort(key=lambda c: -c["probability"])
        p = cands[0]["probability"] if cands else 0.0
        decision = "match" if p >= THRESHOLDS["match"] else "review" if p >= THRESHOLDS["review"] else "no_match"
        label = "match" if i == 3 and cands else None  # a reviewer's label in the input fixes the decision
        decision = label or decision
        flags = []
        if len(cands) > 1 and all(cands[1]["levels"][f] == "exact" for f in ("surname", "first_name", "patronymic")):
            flags.append("namesake")
        if hostile and i % 7 == 2:
            flags.append(HOSTILE[0])
        if cands and cands[0]["levels"]["birth_date"] != "exact":
            flags.append("date differs")
        entries.append({
            "list_id": f"L{i + 1}", "row": i + 2, "decision": decision, "probability": p,
            "weight": cands[0]["weight"] if cands else None, "flags": flags,
            "label": label, "duplicate_of": None, "list": listed, "candidates": cands,
        })
    if n > 8:
        entries[8]["duplicate_of"] = "L1"
    counts = {d: sum(e["decision"] == d for e in entries) for d in ("match", "review", "no_match")}
    weights = [e["weight"] for e in entries if e["weight"] is not None]
    lo, hi = math.floor(min(weights, default=-10)), math.ceil(max(weights, default=30))
    edges = [lo + (hi - lo) * k / 20 for k in range(21)]
    hist = [0] * 20
    for w in weights:
        hist[min(int((w - lo) / (hi - lo) * 20), 19)] += 1
    agreement: dict[str, dict[str, int]] = {f: {} for f in FIELDS}
    for e in entries:
        if e["candidates"]:
            for f, lab in e["candidates"][0]["levels"].items():
                agreement[f][lab] = agreement[f].get(lab, 0) + 1
    curve = []
    for t in [k / 20 for k in range(1, 20)]:
        m = sum(e["probability"] >= t for e in entries)
        curve.append({"threshold": t, "match": m, "review": sum(THRESHOLDS["review"] <= e["probability"] < t for e in entries),
                      "est_precision": round(1 - 0.3 * (1 - t), 4), "est_recall": round(m / max(n, 1), 4),
                      "precision": round(1 - 0.25 * (1 - t), 4) if t > 0.3 else None, "recall": None})
    breakdowns: dict[str, list[dict]] = {}
    for col in ("rank", "unit"):
        rows: dict[str, dict] = {}
        for e in entries:
            v = e["list"][col]
            row = rows.setdefault(v, {"value": v, "list": 0, "match": 0, "review": 0, "no_match": 0})
            row["list"] += 1
            row[e["decision"]] += 1
        breakdowns[col] = list(rows.values())
    mapping_list = {f: ("ФИО" if f in ("surname", "first_name", "patronymic") else f) for f in FIELDS}
    if hostile:
        mapping_list["rank"] = HOSTILE[0]
        breakdowns["rank"][0]["value"] = HOSTILE[1]
    est = sum(e["probability"] for e in entries)
    return {
        "linker_version": "0.1.0",
        "title": ((HOSTILE[1] + " ") if hostile else "") + "Deserters of the 1st division vs 2022 registry",
        "inputs": {"list": {"path": "lists/deserters.csv", "rows": n}, "registry": {"path": "registry.parquet", "rows": 120_000}},
        "mapping": {"list": mapping_list, "registry": {f: f for f in FIELDS}},
        "thresholds": dict(THRESHOLDS),
        "counts": {"total": n, **counts, "duplicate_listings": sum(e["duplicate_of"] is not None for e in entries),
                   "labelled": sum(e["label"] is not None for e in entries)},
        "expected_genuine": {"estimate": round(est, 1), "low": round(est * 0.93, 1), "high": round(min(est * 1.06, n), 1)},
        "chance_test": {"decoys": 2000, "decoy_match_rate": 0.012 if verdict == "genuine" else 0.55, "low": 0.008 if verdict == "genuine" else 0.5,
                        "high": 0.017 if verdict == "genuine" else 0.6, "observed_match_rate": counts["match"] / max(n, 1), "verdict": verdict,
                        "explanation": (HOSTILE[0] if hostile else "") + "Decoy entries were made by shuffling names, dates and numbers across the list."},
        "blocking": {"rules": [{"name": "surname key + birth year", "pairs": 5400}, {"name": "personal number", "pairs": 800},
                               {"name": HOSTILE[0] if hostile else "phonetic name", "pairs": 12000}], "total_pairs": 17000},
        "model": {"prior": PRIOR, "genuine_share": 0.74, "comparisons": [
            {"field": f, "levels": [{"level": lv, "label": lab, "m": m, "u": u, "weight": _weight(m, u)} for lv, lab, m, u in LEVELS[f]]}
            for f in FIELDS]},
        "weight_histogram": {"edges": edges, "counts": hist},
        "threshold_curve": curve,
        "field_agreement": agreement,
        "breakdowns": breakdowns,
        "fields": list(FIELDS),
        "entries": entries,
    }
