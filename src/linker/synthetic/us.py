"""US person records with truth (``linker synth --style us``): a Social-Security-style registry and a
census-style or tax-form-style list drawn from it, damaged as DOMAIN.md ("Person records of other
countries") describes.

``synth_us(registry, list_size, form=..., seed=..., genuine=..., damage=...)`` returns
(registry_df, list_df, truth_df):

- registry_df: ``id,ssn,first_name,middle_name,last_name,dob,sex`` (upper case, dob ``YYYYMMDD``).
- list_df, form ``census``: ``record_id,first_name,middle_initial,last_name,dob,sex,street_address,city,
  state,zip`` (dob ``MM/DD/YYYY``), whole households listed together; form ``tax``: ``record_id,ssn,
  first_name,middle_initial,last_name,street_address,city,state,zip``, adults on one to three forms.
- truth_df: ``list_id,registry_id,damage,kind`` as the other styles write it (kind genuine / duplicate /
  outsider: a household member who is not in the registry).

People live in households sharing a surname and an address; about one in six has a Hispanic compound
surname. A share ``1 - genuine`` of the population is kept out of the registry (newborns, people without a
number), so outsiders share names and addresses with registry people, and on tax forms some of them
use a household member's SSN. Name frequencies: the 1990 US census files shipped in the ``names``
package (MIT; data public domain). Nicknames: the ``nicknames`` package (Apache-2.0, hand-curated).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from linker.errors import ConfigError
from linker.synthetic.names import zpad

__all__ = ["synth_us", "US_FORMS", "US_DAMAGE_RATES", "REGISTRY_COLUMNS_US"]

US_FORMS = ("census", "tax")
REGISTRY_COLUMNS_US = ["id", "ssn", "first_name", "middle_name", "last_name", "dob", "sex"]
REFERENCE_DAY = np.datetime64("2020-04-01")

# The most frequent Hispanic surnames of the 1990 census surname file (their frequencies come from it).
HISPANIC = ("GARCIA", "MARTINEZ", "RODRIGUEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "PEREZ", "SANCHEZ",
            "RAMIREZ", "TORRES", "FLORES", "RIVERA", "GOMEZ", "DIAZ", "CRUZ", "MORALES", "REYES",
            "GUTIERREZ", "ORTIZ", "CHAVEZ", "RAMOS", "RUIZ", "ALVAREZ", "MENDOZA", "CASTILLO", "JIMENEZ",
            "MORENO", "ROMERO", "HERRERA", "MEDINA", "AGUILAR", "VARGAS", "GUZMAN", "MENDEZ", "CASTRO",
            "VASQUEZ", "SALAZAR", "FERNANDEZ", "SANTIAGO", "NUNEZ", "DOMINGUEZ", "SOTO", "DELGADO",
            "VEGA", "RIOS", "SANDOVAL", "ESTRADA", "ACOSTA", "ROJAS", "PENA")
OUTSIDER_BORROWS = 0.35
HISPANIC_SHARE, COMPOUND_SHARE = 0.16, 0.45        # of households; of Hispanic ones, two surnames
CITIES = (("SPRINGFIELD", "IL", 627), ("COLUMBUS", "OH", 432), ("AUSTIN", "TX", 787), ("FRESNO", "CA", 937),
          ("TUCSON", "AZ", 857), ("MIAMI", "FL", 331), ("DENVER", "CO", 802), ("TACOMA", "WA", 984),
          ("RALEIGH", "NC", 276), ("ALBANY", "NY", 122), ("OMAHA", "NE", 681), ("NEWARK", "NJ", 71),
          ("EL PASO", "TX", 799), ("SAN JOSE", "CA", 951), ("MADISON", "WI", 537), ("RENO", "NV", 895))
STREETS = ("MAIN", "OAK", "MAPLE", "PARK", "PINE", "CEDAR", "ELM", "WASHINGTON", "LAKE", "HILL", "WALNUT",
           "LINCOLN", "JACKSON", "RIVER", "CHURCH", "MILL", "SUNSET", "CENTER", "HIGHLAND", "FOREST")
SUFFIXES = ("ST", "AVE", "RD", "DR", "LN", "CT", "BLVD", "WAY")
PLACEHOLDER_CHILD = ("BABY", "INFANT", "CHILD", "UNKNOWN", "BABY BOY", "BABY GIRL")
PLACEHOLDER_ANY = ("UNKNOWN", "N/A", "-", "NONE", "MR", "MRS", "NFN", "UNK")
RELATION = {"spouse_f": ("WIFE", "MRS"), "spouse_m": ("HUSBAND", "MR"), "child_f": ("DAUGHTER",),
            "child_m": ("SON",)}
OCR = (("m", "rn"), ("rn", "m"), ("l", "1"), ("i", "l"), ("o", "0"), ("d", "cl"), ("w", "vv"), ("h", "li"),
       ("e", "c"), ("s", "5"), ("b", "8"), ("g", "9"), ("n", "ri"))
PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("y", "ie"), ("ie", "y"),
            ("ey", "y"), ("ee", "ea"), ("s", "z"), ("z", "s"), ("th", "t"), ("ll", "l"), ("tt", "t"),
            ("nn", "n"), ("mc", "mac"), ("son", "sen"), ("er", "ar"), ("ou", "ow"), ("v", "b"), ("i", "y"))

#: per-entry probabilities at damage 1.0 (scaled by ``damage``); the token is written to truth.damage
US_DAMAGE_RATES = {
    "nickname": 0.10, "placeholder_first": 0.015, "placeholder_last": 0.008, "blank_first": 0.01,
    "blank_last": 0.005, "typo_first": 0.05, "typo_last": 0.06, "ocr": 0.03, "phonetic": 0.05,
    "swap_names": 0.02, "middle_in_first": 0.02, "goes_by_middle": 0.015, "blank_middle": 0.25,
    "married_name": 0.01, "dob_swap": 0.03, "dob_digit": 0.03, "dob_year": 0.015, "dob_blank": 0.03,
    "sex_blank": 0.03, "sex_flip": 0.005, "ssn_digit": 0.03, "ssn_transpose": 0.02, "ssn_blank": 0.02,
    "ssn_borrowed": 0.02, "moved": 0.08,
}


@lru_cache(maxsize=None)
def census_names(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(names, probabilities) of ``male``, ``female`` (first names) or ``last`` from the 1990 census files."""
    text = resources.files("names").joinpath(f"dist.{'all' if kind == 'last' else kind}."
                                               f"{'last' if kind == 'last' else 'first'}").read_text()
    rows = [ln.split() for ln in text.splitlines() if ln.strip()]
    names = np.array([r[0] for r in rows], dtype=object)
    freq = np.maximum(np.array([float(r[1]) for r in rows]), 0.0005)
    return names, freq / freq.sum()


@lru_cache(maxsize=None)
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Upper-case given name -> its nicknames (sorted), from the ``nicknames`` package's CSV."""
    import csv

    from nicknames import with_names_csv_path

    out: dict[str, set[str]] = {}
    with with_names_csv_path() as path, open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["relationship"] == "has_nickname":
                out.setdefault(row["name1"].upper(), set()).add(row["name2"].upper())
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _draw(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    names, p = census_names(kind)
    return names[rng.choice(len(names), size=n, p=p)]


def _hispanic(rng: np.random.Generator, n: int) -> np.ndarray:
    last, p = census_names("last")
    pos = pd.Series(np.arange(len(last)), index=last)[list(HISPANIC)].to_numpy()
    w = p[pos] / p[pos].sum()
    return np.array(HISPANIC, dtype=object)[rng.choice(len(HISPANIC), size=n, p=w)]


def _ssns(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid-looking SSNs as 9-digit strings (area 001-899 but 666, group and serial not 0)."""
    out = np.empty(0, dtype=np.int64)
    while len(out) < n:
        m = (n - len(out)) * 11 // 10 + 16
        area = rng.integers(1, 900, m)
        area = np.where(area == 666, 667, area)
        new = area * 1_000_000 + rng.integers(1, 100, m) * 10_000 + rng.integers(1, 10_000, m)
        out = pd.unique(np.concatenate([out, new]))
    return zpad(out[:n], 9)


def population(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """n people in households: hh, role (head/spouse/child), sex, names, dob parts, ssn, address."""
    sizes = rng.choice(np.arange(1, 7), size=n // 2 + 8, p=[.28, .34, .16, .13, .06, .03])
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    hh = np.repeat(np.arange(len(sizes)), sizes)[:n]
    pos = np.arange(n) - np.searchsorted(hh, hh)
    n_hh = int(hh.max()) + 1
    has_spouse = rng.random(n_hh) < 0.7
    role = np.where(pos == 0, "head", np.where((pos == 1) & has_spouse[hh], "spouse", "child")).astype(object)
    head_f = rng.random(n_hh) < 0.45
    female = np.where(role == "head", head_f[hh], np.where(role == "spouse", ~head_f[hh], rng.random(n) < 0.49))
    head_age = np.clip(22 + rng.gamma(3.0, 9.0, n_hh), 18, 95)
    age = np.where(role == "head", head_age[hh], np.where(role == "spouse", head_age[hh] + rng.normal(0, 4, n),
                                                          head_age[hh] - rng.uniform(18, 42, n)))
    age = np.where(age < 0, rng.uniform(0, 17.9, n), age)    # a child of a young head: any age under 18
    age = np.clip(age, 0.01, 99)
    born = pd.DatetimeIndex(REFERENCE_DAY - (age * 365.25).astype(np.int64).astype("timedelta64[D]"))
    first = np.where(female, _draw(rng, "female", n), _draw(rng, "male", n))
    middle = np.where(female, _draw(rng, "female", n), _draw(rng, "male", n))
    middle = np.where(rng.random(n) < 0.18, "", middle)
    hisp = rng.random(n_hh) < HISPANIC_SHARE
    sur_hh = np.where(hisp, _hispanic(rng, n_hh), _draw(rng, "last", n_hh))
    compound = hisp & (rng.random(n_hh) < COMPOUND_SHARE)
    sur_hh = np.where(compound, sur_hh + " " + _hispanic(rng, n_hh), sur_hh)
    last = sur_hh[hh]
    own = (role == "spouse") & (rng.random(n) < 0.12)          # a spouse who kept her or his own name
    last = np.where(own, np.where(hisp[hh], _hispanic(rng, n), _draw(rng, "last", n)), last)
    city = rng.integers(0, len(CITIES), n_hh)
    street = pd.Series(rng.integers(1, 9999, n_hh)).astype(str).to_numpy(object)
    street = (street + " " + np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n_hh)] + " "
              + np.array(SUFFIXES, dtype=object)[rng.integers(0, len(SUFFIXES), n_hh)])
    zips = np.array([c[2] for c in CITIES])[city] * 100 + rng.integers(0, 100, n_hh)
    return pd.DataFrame({
        "hh": hh, "role": role, "female": female, "age": age, "first": first, "middle": middle, "last": last,
        "year": born.year.to_numpy(np.int64), "month": born.month.to_numpy(np.int64),
        "day": born.day.to_numpy(np.int64), "ssn": _ssns(rng, n), "street": street[hh],
        "city": np.array([c[0] for c in CITIES], dtype=object)[city][hh],
        "state": np.array([c[1] for c in CITIES], dtype=object)[city][hh], "zip": zpad(zips, 5)[hh],
    })


def format_registry(pop: pd.DataFrame) -> pd.DataFrame:
    n = len(pop)
    dob = zpad(pop["year"].to_numpy(), 4) + zpad(pop["month"].to_numpy(), 2) + zpad(pop["day"].to_numpy(), 2)
    return pd.DataFrame({"id": "S" + zpad(np.arange(1, n + 1), 7), "ssn": pop["ssn"].to_numpy(object),
                         "first_name": pop["first"].to_numpy(object), "middle_name": pop["middle"].to_numpy(object),
                         "last_name": pop["last"].to_numpy(object), "dob": dob,
                         "sex": np.where(pop["female"].to_numpy(), "F", "M").astype(object)})


# ------------------------------------------------------------------ damage of one string

def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 2:
        return s
    i = int(rng.integers(0, len(s)))
    op = int(rng.integers(0, 4))
    letter = chr(ord("A") + int(rng.integers(0, 26)))
    if op == 0:
        return s[:i] + s[i + 1:]
    if op == 1:
        return s[:i] + letter + s[i:]
    if op == 2:
        return s[:i] + letter + s[i + 1:]
    i = min(i, len(s) - 2)
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _replace_one(rng: np.random.Generator, s: str, table: tuple[tuple[str, str], ...]) -> str:
    low = s.lower()
    hits = [(a, b, k) for a, b in table for k in range(len(low)) if low.startswith(a, k)]
    if not hits:
        return _typo(rng, s)
    a, b, k = hits[int(rng.integers(0, len(hits)))]
    return s[:k] + b.upper() + s[k + len(a):]


def _surname_variant(rng: np.random.Generator, last: str) -> str:
    """A compound surname written with a hyphen, as its first part only, or (rarely) its second part only."""
    parts = last.split(" ")
    r = rng.random()
    return "-".join(parts) if r < 0.4 else parts[0] if r < 0.85 else parts[-1]


def _digit(rng: np.random.Generator, s: str) -> str:
    if not s:
        return s
    i = int(rng.integers(0, len(s)))
    return s[:i] + str((int(s[i]) + int(rng.integers(1, 10))) % 10) + s[i + 1:]


def _transpose(rng: np.random.Generator, s: str) -> str:
    i = int(rng.integers(0, len(s) - 1))
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def _placeholder(rng: np.random.Generator, role: str, female: bool, age: float) -> str:
    if age < 2 and rng.random() < 0.7:
        return PLACEHOLDER_CHILD[int(rng.integers(0, len(PLACEHOLDER_CHILD)))]
    rel = RELATION.get(f"{role}_{'f' if female else 'm'}")
    if rel and rng.random() < 0.5:
        return rel[int(rng.integers(0, len(rel)))]
    return PLACEHOLDER_ANY[int(rng.integers(0, len(PLACEHOLDER_ANY)))]


def damage_entries(rng: np.random.Generator, ent: pd.DataFrame, pop: pd.DataFrame, *, scale: float,
                   with_ssn: bool) -> pd.DataFrame:
    """Damaged copies of the list entries ``ent`` (rows of ``pop`` plus ``pidx``); adds ``damage``."""
    n = len(ent)
    rates = {k: min(1.0, v * scale) for k, v in US_DAMAGE_RATES.items()}
    hit = {k: rng.random(n) < p for k, p in rates.items()}
    unused = ("ssn_digit", "ssn_transpose", "ssn_blank", "ssn_borrowed") if not with_ssn else \
        ("dob_swap", "dob_digit", "dob_year", "dob_blank", "sex_blank", "sex_flip")   # tax forms give no dob, sex
    for k in unused:
        hit[k][:] = False
    if with_ssn:    # a person without a number of his own, on a form, mostly uses a household member's
        hit["ssn_borrowed"] |= ~ent["in_registry"].to_numpy() & (rng.random(n) < OUTSIDER_BORROWS)
    nick = nickname_table()
    first, middle, last = (ent[c].to_numpy(object).copy() for c in ("first", "middle", "last"))
    y, m, d = (ent[c].to_numpy(np.int64).copy() for c in ("year", "month", "day"))
    ssn = ent["ssn"].to_numpy(object).copy()
    sex = np.where(ent["female"].to_numpy(), "F", "M").astype(object)
    street = ent["street"].to_numpy(object).copy()
    tokens: list[list[str]] = [[] for _ in range(n)]
    # household members' SSNs, for borrowing: another member of the same household, else any person
    by_hh = pop.groupby("hh")["ssn"].agg(list)
    role, female, age, hh = (ent[c].to_numpy() for c in ("role", "female", "age", "hh"))
    compound = pd.Series(last, dtype=object).str.contains(" ", regex=False).to_numpy()
    for i in np.flatnonzero(np.logical_or.reduce(list(hit.values())) | compound | (age < 1)):
        t = tokens[i]
        if " " in last[i] and rng.random() < 0.7:
            last[i] = _surname_variant(rng, last[i]); t.append("compound_surname")
        if hit["married_name"][i] and female[i] and role[i] != "child":
            last[i] = _draw(rng, "last", 1)[0]; t.append("married_name")
        if hit["nickname"][i] and nick.get(first[i]):
            opts = nick[first[i]]
            first[i] = opts[int(rng.integers(0, len(opts)))]; t.append("nickname")
        if hit["goes_by_middle"][i] and middle[i]:
            first[i], middle[i] = middle[i], first[i]; t.append("goes_by_middle")
        elif hit["middle_in_first"][i] and middle[i]:
            first[i] = first[i] + " " + (middle[i] if rng.random() < 0.5 else middle[i][0]); t.append("middle_in_first")
        for k, fn in (("typo_first", _typo), ("typo_last", _typo)):
            if hit[k][i]:
                if k == "typo_first":
                    first[i] = fn(rng, first[i])
                else:
                    last[i] = fn(rng, last[i])
                t.append(k)
        for k, table in (("ocr", OCR), ("phonetic", PHONETIC)):
            if hit[k][i]:
                if rng.random() < 0.5:
                    first[i] = _replace_one(rng, first[i], table)
                else:
                    last[i] = _replace_one(rng, last[i], table)
                t.append(k)
        if hit["placeholder_first"][i] or (age[i] < 1 and rng.random() < 0.3 * scale):
            first[i] = _placeholder(rng, role[i], bool(female[i]), float(age[i])); middle[i] = ""
            t.append("placeholder_first")
        elif hit["blank_first"][i]:
            first[i] = ""; t.append("blank_first")
        if hit["placeholder_last"][i]:
            last[i] = PLACEHOLDER_ANY[int(rng.integers(0, len(PLACEHOLDER_ANY)))]; t.append("placeholder_last")
        elif hit["blank_last"][i]:
            last[i] = ""; t.append("blank_last")
        if hit["swap_names"][i]:
            first[i], last[i] = last[i], first[i]; t.append("swap_names")
        if hit["blank_middle"][i] and middle[i]:
            middle[i] = ""; t.append("blank_middle")
        if hit["dob_swap"][i] and d[i] <= 12 and d[i] != m[i]:
            m[i], d[i] = d[i], m[i]; t.append("dob_swap")
        if hit["dob_digit"][i]:
            s = f"{m[i]:02d}{d[i]:02d}{y[i]:04d}"
            s2 = _digit(rng, s)
            mm, dd, yy = int(s2[:2]), int(s2[2:4]), int(s2[4:])
            if 1 <= mm <= 12 and 1 <= dd <= 28 and 1900 <= yy <= 2020:
                m[i], d[i], y[i] = mm, dd, yy; t.append("dob_digit")
        if hit["dob_year"][i]:
            y[i] += 1 if rng.random() < 0.5 else -1; t.append("dob_year")
        if hit["dob_blank"][i]:
            y[i] = m[i] = d[i] = 0; t.append("dob_blank")
        if hit["sex_flip"][i]:
            sex[i] = "M" if sex[i] == "F" else "F"; t.append("sex_flip")
        elif hit["sex_blank"][i]:
            sex[i] = ""; t.append("sex_blank")
        if hit["ssn_borrowed"][i]:
            others = [s for s in by_hh[hh[i]] if s != ssn[i]]
            if others:
                ssn[i] = others[int(rng.integers(0, len(others)))]; t.append("ssn_borrowed")
        elif hit["ssn_digit"][i]:
            ssn[i] = _digit(rng, ssn[i]); t.append("ssn_digit")
        elif hit["ssn_transpose"][i]:
            ssn[i] = _transpose(rng, ssn[i]); t.append("ssn_transpose")
        elif hit["ssn_blank"][i]:
            ssn[i] = ""; t.append("ssn_blank")
        if hit["moved"][i]:
            street[i] = f"{int(rng.integers(1, 9999))} {STREETS[int(rng.integers(0, len(STREETS)))]} " \
                        f"{SUFFIXES[int(rng.integers(0, len(SUFFIXES)))]}"; t.append("moved")
    out = ent.copy()
    out["first"], out["middle"], out["last"], out["sex"], out["ssn"], out["street"] = first, middle, last, sex, ssn, street
    out["year"], out["month"], out["day"] = y, m, d
    out["damage"] = [";".join(t) for t in tokens]
    return out


# ------------------------------------------------------------------ the lists

def _case(rng: np.random.Generator, s: np.ndarray) -> np.ndarray:
    """Upper case as forms are typed, a third in title case."""
    title = rng.random(len(s)) < 0.33
    low = pd.Series(s, dtype=object)
    return np.where(title, low.str.title().to_numpy(object), low.to_numpy(object))


def _mdy(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    s = zpad(m, 2) + "/" + zpad(d, 2) + "/" + zpad(y, 4)
    return np.where(y > 0, s, "").astype(object)


def _households(rng: np.random.Generator, pop: pd.DataFrame, want: int, adults: bool) -> np.ndarray:
    """Rows of ``pop`` for whole randomly chosen households until ``want`` rows (adults only: age >= 16)."""
    order = rng.permutation(int(pop["hh"].max()) + 1)
    keep = pop[pop["age"] >= 16] if adults else pop
    rank = pd.Series(np.arange(len(order)), index=order)[keep["hh"].to_numpy()].to_numpy()
    rows = keep.index.to_numpy()[np.argsort(rank, kind="stable")]
    return rows[:want]


def build_us_list(rng: np.random.Generator, pop: pd.DataFrame, reg_id: np.ndarray, *, list_size: int,
                  form: str, damage: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    if form == "census":
        rows = _households(rng, pop, list_size, adults=False)
        kind = np.full(len(rows), "genuine", dtype=object)
    else:
        forms = rng.choice([1, 2, 3], size=len(pop), p=[0.7, 0.22, 0.08])
        people = _households(rng, pop, list_size, adults=True)
        rows = np.repeat(people, forms[people])[:list_size]
        kind = np.where(pd.Series(rows).duplicated().to_numpy(), "duplicate", "genuine").astype(object)
        shuffle = rng.permutation(len(rows))
        rows, kind = rows[shuffle], kind[shuffle]
    ent = pop.loc[rows].reset_index().rename(columns={"index": "pidx"})
    ent["in_registry"] = reg_id[ent["pidx"].to_numpy()] != ""
    ent = damage_entries(rng, ent, pop, scale=damage, with_ssn=form == "tax")
    rid = reg_id[ent["pidx"].to_numpy()]
    kind = np.where(rid == "", "outsider", kind)
    n = len(ent)
    mi = pd.Series(ent["middle"].to_numpy(object)).str[:1].fillna("").to_numpy(object)
    cols = {"first_name": _case(rng, ent["first"].to_numpy(object)), "middle_initial": mi,
            "last_name": _case(rng, ent["last"].to_numpy(object))}
    addr = {"street_address": ent["street"].to_numpy(object), "city": ent["city"].to_numpy(object),
            "state": ent["state"].to_numpy(object), "zip": ent["zip"].to_numpy(object)}
    if form == "census":
        ids = "C" + zpad(np.arange(1, n + 1), 6)
        lst = pd.DataFrame({"record_id": ids, **cols,
                            "dob": _mdy(*(ent[c].to_numpy(np.int64) for c in ("year", "month", "day"))),
                            "sex": ent["sex"].to_numpy(object), **addr})
    else:
        ids = "W" + zpad(np.arange(1, n + 1), 6)
        s = ent["ssn"].to_numpy(object).astype(str)
        ssn = np.where(s != "", pd.Series(s).str[:3] + "-" + pd.Series(s).str[3:5] + "-" + pd.Series(s).str[5:], "")
        lst = pd.DataFrame({"record_id": ids, "ssn": ssn.astype(object), **cols, **addr})
    truth = pd.DataFrame({"list_id": ids, "registry_id": rid, "damage": ent["damage"].to_numpy(object),
                          "kind": kind})
    return lst, truth


def synth_us(registry: int, list_size: int, *, form: str = "census", seed: int = 0, genuine: float = 0.92,
             damage: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A registry of ``registry`` people and a damaged ``form`` list of ``list_size`` entries, with truth.

    genuine: share of the population in the registry (the rest are outsiders living among them).
    """
    if form not in US_FORMS:
        raise ConfigError(f"synth_us: form {form!r}; choose one of {', '.join(US_FORMS)}")
    if not 0.0 < genuine <= 1.0:
        raise ConfigError(f"synth_us: genuine={genuine} is outside (0, 1]; give a share above 0")
    if registry < 1 or list_size < 0 or damage < 0:
        raise ConfigError("synth_us: need registry >= 1, list_size >= 0, damage >= 0")
    pop_rng, list_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    n_pop = int(np.ceil(registry / genuine))
    pop = population(pop_rng, n_pop)
    in_reg = np.zeros(n_pop, dtype=bool)
    in_reg[pop_rng.choice(n_pop, size=registry, replace=False)] = True
    reg_id = np.full(n_pop, "", dtype=object)
    registry_df = format_registry(pop[in_reg].reset_index(drop=True))
    reg_id[np.flatnonzero(in_reg)] = registry_df["id"].to_numpy(object)
    lst, truth = build_us_list(list_rng, pop, reg_id, list_size=list_size, form=form, damage=damage)
    return registry_df, lst, truth
