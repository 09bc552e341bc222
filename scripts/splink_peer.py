"""The peer to beat: a list checked against a registry with Splink 5 (DuckDB), set up as a competent
user would, with the preprocessing such a user would write for Russian (and FEBRL) data.

    python scripts/splink_peer.py LIST REGISTRY --out matches.csv [--threshold 0.9] [--truth truth.csv]
    python scripts/splink_peer.py --dedupe ROSTER --out clusters.csv [--threshold 0.9] [--truth pairs.csv]

Preprocessing: headers mapped with a small dict (Russian and English); a full-name column split into
surname / first name / patronymic by order heuristics (patronymic suffix, initials); Cyrillic
transliterated with iuliia (Wikipedia scheme) after folding ё to е; lowercase, letters only; dates
parsed with pandas (dayfirst; Russian month names; YYYYMMDD) into ISO; personal numbers stripped of
separators, uppercased and transliterated. Splink: ``link_only``; name comparisons with Jaro-Winkler
levels, an initials level and term-frequency adjustment; date of birth; personal number by
Levenshtein; FEBRL address fields when present. u by random sampling, the prior from deterministic
rules, m by EM on two blocking rules. Each list entry takes its best pair; ``match`` when its
probability is at least ``--threshold``. Writes ``list_id, registry_id, decision, match_probability,
match_weight`` (one row per list entry, input order), the columns ``linker evaluate`` scores.
``--dedupe``: the rows of one roster that are the same person (``dedupe_only``; the same comparisons,
US headers too: SSN by Damerau-Levenshtein levels, street and zip; a date column read month-first when
its values show it); pairs reaching ``--threshold`` are clustered by Splink's connected components;
writes ``id, cluster_id`` (one row per roster row), which ``linker evaluate`` scores against pair truth.
Never imported by the package.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

import iuliia
import jellyfish
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

NAME_FIELDS = ("surname", "first_name", "patronymic")

# header (lowercased, ё->е, spaces collapsed, trailing dots/colons dropped) -> field
HEADERS: dict[str, str] = {
    **dict.fromkeys(["id", "rec_id", "record_id", "№", "№ п/п", "no", "n", "#", "nr", "list_id", "registry_id",
                     "unique_id", "номер", "п/п", "код"], "id"),
    **dict.fromkeys(["фио", "ф.и.о", "full name", "full_name", "fullname", "name", "фамилия имя отчество",
                     "фамилия, имя, отчество", "фио военнослужащего", "serviceman full name"], "full_name"),
    **dict.fromkeys(["фамилия", "surname", "last name", "last_name", "lastname", "family name"], "surname"),
    # US lists: street address (compared only when both sides have one)
    **dict.fromkeys(["street_address", "address"], "address_1"),
    **dict.fromkeys(["city"], "suburb"),
    **dict.fromkeys(["zip", "zip_code"], "postcode"),
    **dict.fromkeys(["имя", "first_name", "first name", "firstname", "given name", "given_name",
                     "forename"], "first_name"),
    **dict.fromkeys(["отчество", "patronymic", "father's name"], "patronymic"),
    **dict.fromkeys(["middle name", "middle_name", "middle", "middle_initial", "middle initial", "mi"], "middle"),
    **dict.fromkeys(["sex", "gender", "пол"], "sex"),
    **dict.fromkeys(["ssn", "social security number", "soc_sec_num"], "ssn"),
    **dict.fromkeys(["дата рождения", "д.р", "дата рожд", "date of birth", "date_of_birth", "dob",
                     "birth_date", "birthdate", "birth date", "born"], "dob"),
    **dict.fromkeys(["личный номер", "личный №", "л/н", "личный номер военнослужащего", "personal number",
                     "personal_number", "service number", "personal no"], "personal_number"),
    **dict.fromkeys(["звание", "воинское звание", "rank"], "rank"),
    **dict.fromkeys(["категория", "category", "категория военнослужащего"], "category"),
    **dict.fromkeys(["воинская часть", "в/ч", "часть", "unit", "military unit", "в/ч №"], "unit"),
    # US forms (more spellings)
    **dict.fromkeys(["form_id", "person_id"], "id"),
    **dict.fromkeys(["street", "street address", "mailing address"], "address_1"),
    **dict.fromkeys(["zip code", "zipcode", "postal code"], "postcode"),
    **dict.fromkeys(["town"], "suburb"),
    # FEBRL
    **{k: k for k in ("soc_sec_id", "street_number", "address_1", "address_2", "suburb", "postcode",
                      "state")},
}

MONTHS = {"янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8,
          "сен": 9, "окт": 10, "ноя": 11, "дек": 12}
PATRONYMIC = re.compile(r"(ович|евич|овна|евна|ична|инична|ич|оглы|кызы|ovich|evich|ovna|evna|ichna|ich)$")
TRANSLIT = iuliia.WIKIPEDIA


# ------------------------------------------------------------------ reading and mapping

def read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str).fillna("")
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path).astype("string").fillna("").astype(object)
    for enc in ("utf-8-sig", "cp1251"):
        try:
            with path.open(encoding=enc) as fh:
                head = fh.readline()
            sep = max((",", ";", "\t", "|"), key=head.count)
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
    raise SystemExit(f"{path}: cannot decode as UTF-8 or Windows-1251")


def _header_key(h: str) -> str:
    return re.sub(r"\s+", " ", str(h).replace("\ufeff", "").strip().lower().replace("ё", "е")).rstrip(".:")


def map_columns(df: pd.DataFrame) -> dict[str, str]:
    """field -> column of ``df``, first column wins per field."""
    found: dict[str, str] = {}
    for col in df.columns:
        field = HEADERS.get(_header_key(col))
        if field and field not in found:
            found[field] = col
    return found


# ------------------------------------------------------------------ standardizing (on unique values)

def _on_unique(s: pd.Series, fn) -> pd.Series:
    codes, uniques = pd.factorize(s.fillna("").astype(str), sort=False)
    mapped = pd.Series([fn(u) for u in uniques], dtype=object)
    return pd.Series(mapped.to_numpy()[codes] if len(uniques) else [""] * len(s), index=s.index, dtype=object)


def clean_name(text: str) -> str:
    t = text.strip().lower().replace("ё", "е")
    return re.sub(r"[^a-z]", "", TRANSLIT.translate(t).lower()) if t else ""


def split_full_name(text: str) -> tuple[str, str, str]:
    """(surname, first, patronymic) by order heuristics; initials kept as one letter."""
    tokens = [t for t in re.split(r"[\s.,]+", text.strip()) if t]
    if not tokens:
        return "", "", ""
    if len(tokens) == 1:
        return tokens[0], "", ""
    if len(tokens[0]) == 1:  # "И.И. Иванов", "I. Ivanov"
        long = [t for t in tokens if len(t) > 1]
        initials = [t for t in tokens if len(t) == 1]
        return (long[-1] if long else tokens[-1]), initials[0], (initials[1] if len(initials) > 1 else "")
    low = [t.lower() for t in tokens]
    if len(tokens) >= 3 and PATRONYMIC.search(low[1]) and not PATRONYMIC.search(low[2]):
        return " ".join(tokens[2:]), tokens[0], tokens[1]  # "Имя Отчество Фамилия"
    return tokens[0], tokens[1], " ".join(tokens[2:])


def parse_date(text: str, dayfirst: bool = True) -> str:
    t = text.strip().lower()
    t = re.sub(r"\s*(г\.?|года|год)\s*$", "", t)
    for stem, month in MONTHS.items():
        t = re.sub(rf"\b{stem}[а-я]*\b", f".{month}.", t)
    t = re.sub(r"\s*\.\s*", ".", t).strip(". ")
    if not t:
        return ""
    if re.fullmatch(r"\d{8}", t):
        d = pd.to_datetime(t, format="%Y%m%d", errors="coerce")
    else:
        d = pd.to_datetime(t, dayfirst=dayfirst, errors="coerce", format="mixed")
    if pd.isna(d) or not 1900 <= d.year <= 2030:
        return ""
    return d.strftime("%Y-%m-%d")


def clean_number(text: str) -> str:
    t = re.sub(r"[\W_]+", "", text.strip().upper().replace("Ё", "Е"))
    return TRANSLIT.translate(t).upper() if t else ""


def prepare(df: pd.DataFrame, source: str, *, us: bool = False) -> pd.DataFrame:
    """The columns Splink compares: unique_id, surname, first_name, patronymic, dob, ..."""
    cols = map_columns(df)
    out = pd.DataFrame(index=df.index)
    out["unique_id"] = df[cols["id"]].astype(str).str.strip() if "id" in cols else \
        pd.Series(range(1, len(df) + 1), index=df.index).astype(str)
    raw = {f: df[cols[f]].astype(str) if f in cols else pd.Series("", index=df.index) for f in NAME_FIELDS}
    if "full_name" in cols:
        parts = _on_unique(df[cols["full_name"]], split_full_name)
        for i, f in enumerate(NAME_FIELDS):
            split = parts.map(lambda p, i=i: p[i])
            raw[f] = raw[f].where(raw[f].str.strip().ne(""), split)
    for f in NAME_FIELDS:
        out[f] = _on_unique(raw[f], clean_name)
    out["surname_mp"] = _on_unique(out["surname"], lambda s: jellyfish.metaphone(s) if s else "")
    out["first_initial"] = out["first_name"].str[:1]
    if "dob" in cols:
        out["dob"] = _on_unique(df[cols["dob"]], lambda t: parse_date(t, dayfirst=not us))
        out["birth_year"] = out["dob"].str[:4]
    if "personal_number" in cols:
        out["personal_number"] = _on_unique(df[cols["personal_number"]], clean_number)
    if "ssn" in cols:
        out["ssn"] = _on_unique(df[cols["ssn"]], lambda v: re.sub(r"\D", "", v))
    if "middle" in cols:   # a US user compares the middle initial (lists give only the initial)
        out["middle_initial"] = _on_unique(df[cols["middle"]], clean_name).str[:1]
    if "sex" in cols:
        out["sex"] = _on_unique(df[cols["sex"]], lambda v: v.strip().upper()[:1] if v.strip() else "")
    if "unit" in cols:
        out["unit"] = _on_unique(df[cols["unit"]], lambda u: "".join(re.findall(r"\d+", u)))
    for f in ("soc_sec_id", "street_number", "postcode"):
        if f in cols:
            out[f] = _on_unique(df[cols[f]], lambda v: re.sub(r"\D", "", v))
    for f in ("address_1", "suburb", "state"):
        if f in cols:
            out[f] = _on_unique(df[cols[f]], lambda v: re.sub(r"[^a-z0-9 ]", "", v.lower()).strip())
    out = out.replace("", None)  # Splink's null
    print(f"{source}: {len(out)} rows, columns mapped: "
          + ", ".join(f"{f}<-{c}" for f, c in cols.items()), file=sys.stderr)
    return out


# ------------------------------------------------------------------ the Splink model

def _name_comparison(col: str, initials: bool) -> cl.CustomComparison:
    """Null, exact (term-frequency adjusted), Jaro-Winkler 0.92 / 0.85, [initial agrees], 0.7, else."""
    levels = [
        cll.NullLevel(col),
        cll.ExactMatchLevel(col).configure(tf_adjustment_column=col),
        cll.JaroWinklerLevel(col, 0.92),
        cll.JaroWinklerLevel(col, 0.85),
    ]
    if initials:
        levels.append(cll.CustomLevel(f"(length({col}_l) = 1 or length({col}_r) = 1) "
                                      f"and substr({col}_l, 1, 1) = substr({col}_r, 1, 1)", "initial agrees"))
    levels += [cll.JaroWinklerLevel(col, 0.7), cll.ElseLevel()]
    return cl.CustomComparison(output_column_name=col, comparison_levels=levels)


def build_settings(fields: set[str], initials: set[str], tight_blocking: bool = False,
                   link_type: str = "link_only") -> tuple[SettingsCreator, list, list]:
    """Settings, deterministic rules (for the prior) and EM blocking rules for the fields present;
    ``initials``: the name fields written as initials somewhere (they get an "initial agrees" level)."""
    comparisons = []
    for f in NAME_FIELDS:
        if f in fields:
            comparisons.append(_name_comparison(f, f in initials))
    if "dob" in fields:
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"))
    if "personal_number" in fields:
        comparisons.append(cl.LevenshteinAtThresholds("personal_number", [1, 2]))
    if "ssn" in fields:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]))
    if "middle_initial" in fields:
        comparisons.append(cl.ExactMatch("middle_initial"))
    if "sex" in fields:
        comparisons.append(cl.ExactMatch("sex"))
    if "soc_sec_id" in fields:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]))
    if "unit" in fields:
        comparisons.append(cl.ExactMatch("unit"))
    if "street_number" in fields:
        comparisons.append(cl.ExactMatch("street_number").configure(term_frequency_adjustments=True))
    if "postcode" in fields:
        comparisons.append(cl.LevenshteinAtThresholds("postcode", [1]))
    if "address_1" in fields:
        comparisons.append(cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]))
    if "suburb" in fields:
        comparisons.append(cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]))
    if "state" in fields:
        comparisons.append(cl.ExactMatch("state"))

    def have(*fs: str) -> bool:
        return all(f in fields for f in fs)

    rules = []
    loose = (("surname",), ("first_name", "dob"), ("dob",), ("personal_number",), ("soc_sec_id",), ("ssn",),
             ("first_name", "surname_mp"),
             ("surname_mp", "first_initial"), ("first_name", "patronymic"), ("postcode", "street_number"))
    # at a million rows the loose rules propose over 600M comparisons (block_on("surname") alone 395M);
    # a competent user tightens each with an initial or the birth year
    tight = (("surname", "first_initial"), ("first_name", "dob"), ("dob", "first_initial"), ("personal_number",),
             ("soc_sec_id",), ("ssn",), ("surname_mp", "first_initial", "birth_year"),
             ("first_name", "patronymic", "birth_year"), ("postcode", "street_number"))
    for fs in (tight if tight_blocking else loose):
        if have(*fs):
            rules.append(block_on(*fs))
    deterministic = [block_on(*fs) for fs in (("surname", "first_name", "dob"), ("personal_number",),
                                              ("soc_sec_id",), ("ssn",)) if have(*fs)]
    if not deterministic:
        deterministic = [block_on("surname", "first_name")]
    em_first = next(fs for fs in (("dob",), ("personal_number",), ("soc_sec_id",), ("ssn",), ("first_name",))
                    if have(*fs) or fs == ("first_name",))
    em = [block_on(*em_first), block_on("surname", "first_name") if have("first_name") else block_on("surname")]
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return settings, deterministic, em


def link(list_df: pd.DataFrame, registry_df: pd.DataFrame, threshold: float, *, seed: int = 1,
         max_pairs: float = 5e6, tight_blocking: bool | None = None, keep_best: bool = False) -> pd.DataFrame:
    """Train and predict; one row per list entry (its best pair), in list order."""
    common = [c for c in list_df.columns if c in registry_df.columns]   # Splink stacks both tables
    list_df, registry_df = list_df[common], registry_df[common]
    fields = {c for c in list_df.columns if list_df[c].notna().any()} & \
             {c for c in registry_df.columns if registry_df[c].notna().any()}
    fields.discard("unique_id")
    initials = {f for f in ("first_name", "patronymic") if f in fields
                and (list_df[f].str.len().eq(1).any() or registry_df[f].str.len().eq(1).any())}
    if tight_blocking is None:  # as a user would at this size: tighten the rules for large registries
        tight_blocking = len(registry_df) > 300_000
    settings, deterministic, em = build_settings(fields, initials, tight_blocking)
    db = DuckDBAPI()
    # registered in this order so that the registry is the left side ("_l") of every pair
    reg = db.register(registry_df, dataset_display_name="registry")
    lst = db.register(list_df, dataset_display_name="list")
    linker = Linker([reg, lst], settings, log_level=logging.WARNING)
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    except ValueError:
        # no pair passes the deterministic rules (a fabricated list): Splink's log2(0) fails; a user
        # would then set a small prior by hand and go on
        print("splink_peer: no deterministic matches; prior set to 1e-6", file=sys.stderr)
        linker._settings_obj._probability_two_random_records_match = 1e-6
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=max_pairs)
        except ValueError as exc:  # EM drove the match share to 0 (no genuine entries): keep the m so far
            print(f"splink_peer: EM on {rule} failed ({exc}); m values kept from the previous step",
                  file=sys.stderr)
    prior = linker._settings_obj._probability_two_random_records_match
    if not prior or prior <= 0 or prior != prior:
        linker._settings_obj._probability_two_random_records_match = 1e-6
    pairs = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()

    # orient each pair as (list id, registry id) whatever order Splink chose
    is_list_l = pairs["source_dataset_l"].eq("list")
    pairs = pd.DataFrame({
        "list_id": pairs["unique_id_l"].where(is_list_l, pairs["unique_id_r"]).astype(str),
        "registry_id": pairs["unique_id_r"].where(is_list_l, pairs["unique_id_l"]).astype(str),
        "match_probability": pairs["match_probability"],
        "match_weight": pairs["match_weight"],
    })
    best = pairs.sort_values(["list_id", "match_weight", "registry_id"], ascending=[True, False, True])
    best = best.drop_duplicates("list_id").set_index("list_id")
    out = pd.DataFrame({"list_id": list_df["unique_id"].astype(str)})
    out = out.join(best, on="list_id")
    out["match_probability"] = out["match_probability"].fillna(0.0).round(6)
    out["match_weight"] = out["match_weight"].round(4)
    is_match = out["match_probability"].ge(threshold)
    out["decision"] = is_match.map({True: "match", False: "no_match"})
    out["registry_id"] = (out["registry_id"] if keep_best else out["registry_id"].where(is_match, "")).fillna("")
    return out[["list_id", "registry_id", "decision", "match_probability", "match_weight"]]


def dedupe(roster: pd.DataFrame, threshold: float, *, seed: int = 1, max_pairs: float = 5e6) -> pd.DataFrame:
    """Train on the roster against itself, predict, cluster the pairs reaching ``threshold``: id, cluster_id."""
    fields = {c for c in roster.columns if roster[c].notna().any()} - {"unique_id"}
    initials = {f for f in ("first_name", "patronymic") if f in fields and roster[f].str.len().eq(1).any()}
    settings, deterministic, em = build_settings(fields, initials, len(roster) > 300_000, link_type="dedupe_only")
    linker = Linker(DuckDBAPI().register(roster, dataset_display_name="roster"), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=max_pairs)
    pairs = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, threshold).as_pandas_dataframe()
    got = dict(zip(clusters["unique_id"].astype(str), clusters["cluster_id"].astype(str)))
    ids = roster["unique_id"].astype(str)
    return pd.DataFrame({"id": ids, "cluster_id": [got.get(i, i) for i in ids]})


def main_dedupe(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    roster = prepare(read_table(args.list), str(args.list), us=args.us)
    if roster["unique_id"].duplicated().any():
        raise SystemExit("duplicate ids in the roster; give each row a unique id")
    clusters = dedupe(roster, args.threshold, seed=args.seed, max_pairs=args.max_pairs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clusters.to_csv(args.out, index=False)
    sizes = clusters["cluster_id"].value_counts()
    print(f"splink {len(clusters)} rows, {len(sizes)} clusters, largest {int(sizes.max())}, "
          f"{time.perf_counter() - t0:.1f} s -> {args.out}")
    if args.truth:
        from linker.evaluation.clusters import evaluate_clusters

        s = evaluate_clusters(clusters, pd.read_csv(args.truth, dtype=str, keep_default_na=False))
        print(f"pairs: predicted {s.predicted}, true {s.true}, tp {s.tp}, precision {s.precision:.4f}, "
              f"recall {s.recall:.4f}, f1 {s.f1:.4f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("list", type=Path)
    ap.add_argument("registry", type=Path, nargs="?")
    ap.add_argument("--dedupe", action="store_true", help="LIST is a roster to deduplicate (no REGISTRY)")
    ap.add_argument("--out", type=Path, required=True, help="matches.csv (clusters.csv with --dedupe) to write")
    ap.add_argument("--threshold", type=float, default=0.9, help="match when probability >= this")
    ap.add_argument("--truth", type=Path, help="truth file: print precision, recall, F1")
    ap.add_argument("--seed", type=int, default=1, help="seed of the u sampling (reproducible runs)")
    ap.add_argument("--tight-blocking", choices=("auto", "yes", "no"), default="auto",
                    help="tighten the prediction rules with an initial or the birth year (auto: registry > 300k rows)")
    ap.add_argument("--max-pairs", type=float, default=5e6,
                    help="pairs sampled for u, and cap of EM pairs (Splink suggests 1e7 and up; "
                         "5e6 takes ~20 s on 2 cores)")
    ap.add_argument("--us", action="store_true",
                    help="US data: dates month-first (MM/DD/YYYY), as a user who knows the files would parse them")
    ap.add_argument("--keep-best", action="store_true",
                    help="write every entry's best pair's registry id, also below the threshold (for a threshold sweep)")
    args = ap.parse_args(argv)
    if args.dedupe:
        return main_dedupe(args)
    if args.registry is None:
        ap.error("REGISTRY is required (or give --dedupe)")

    t0 = time.perf_counter()
    list_df = prepare(read_table(args.list), str(args.list), us=args.us)
    registry_df = prepare(read_table(args.registry), str(args.registry), us=args.us)
    if list_df["unique_id"].duplicated().any() or registry_df["unique_id"].duplicated().any():
        raise SystemExit("duplicate ids in the list or the registry; give each row a unique id")
    tight = {"auto": None, "yes": True, "no": False}[args.tight_blocking]
    matches = link(list_df, registry_df, args.threshold, seed=args.seed, max_pairs=args.max_pairs,
                   tight_blocking=tight, keep_best=args.keep_best)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    matches.to_csv(args.out, index=False)
    n_match = int(matches["decision"].eq("match").sum())
    print(f"splink {len(matches)} entries, {n_match} match, {time.perf_counter() - t0:.1f} s -> {args.out}")
    if args.truth:
        from linker.evaluation import evaluate, read_truth

        ev = evaluate(matches.astype({"match_probability": str}), read_truth(args.truth), source=str(args.out))
        print(f"precision {ev.precision:.4f}  recall {ev.recall:.4f}  F1 {ev.f1:.4f}  "
              f"(tp {ev.tp}, fp {ev.fp}, fn {ev.fn}, genuine {ev.genuine})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
