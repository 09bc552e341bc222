"""A US-style roster of tax forms with households, and its truth, for measuring `linker dedupe`.

Each person appears on one to five forms (one per employer). People live in households that share a
surname (a spouse sometimes keeps her own), a mailing address and, for children without their own number,
a parent's SSN; some households hold twins (one date of birth, two given names) and a "junior" (the father's
given name, another date). Most households sit in one big city with one zip code, so the city agrees for
nearly everyone. Each form is typed again with damage: typos in names, a nickname or an initial for the given
name, a blank or initial middle name, a date with a digit off, day and month swapped or missing, an SSN with a
digit off or missing, the street written another way, a placeholder zip (00000), a new address after a move.

    python scripts/households.py --forms 10000 --seed 101 --out /tmp/hh101
    # writes roster.csv (form_id, first_name, middle_name, last_name, dob, ssn, street, city, state, zip,
    # employer) and truth.csv (rec_id_1, rec_id_2: consecutive forms of one person; `linker evaluate`
    # closes them transitively)

`linker synth --style us --form tax` lists (several forms per person) are measured the same way: the list's
entries drawn from registry people make the roster (roster.csv), consecutive entries of one registry person
the truth (dedupe_truth.csv); outsiders are left out, as their truth does not say which of them are one
person:

    linker synth --style us --form tax --registry 20000 --list 10000 --seed 101 --out /tmp/us101
    python scripts/households.py --synth /tmp/us101 --out /tmp/us101

Deterministic: the same arguments give byte-identical files. Damage rates are set here from what forms show,
not tuned to linker (linker is measured on seeds it was not developed on: use 101 and up).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

MALE = ("James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew "
        "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason "
        "Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel "
        "Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas "
        "Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl "
        "Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne "
        "Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis").split()
FEMALE = ("Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret "
          "Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca "
          "Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha "
          "Katherine Christine Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce "
          "Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline "
          "Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace "
          "Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie "
          "Kayla Alexis Lori").split()
SURNAMES = ("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
            "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
            "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
            "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
            "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
            "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
            "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
            "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
            "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno "
            "West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall "
            "Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb "
            "Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
            "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren "
            "Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne").split()
NICKNAMES = {"Robert": "Bob", "William": "Bill", "James": "Jim", "Richard": "Dick", "Michael": "Mike",
             "Thomas": "Tom", "Joseph": "Joe", "Charles": "Charlie", "Daniel": "Dan", "Anthony": "Tony",
             "Christopher": "Chris", "Matthew": "Matt", "Steven": "Steve", "Andrew": "Andy", "Edward": "Ed",
             "Margaret": "Peggy", "Elizabeth": "Liz", "Patricia": "Pat", "Jennifer": "Jen", "Katherine": "Kate",
             "Susan": "Sue", "Deborah": "Debbie", "Rebecca": "Becky", "Victoria": "Vicky", "Samantha": "Sam"}
STREETS = ("Main Oak Maple Cedar Pine Elm Washington Lake Hill Park View Sunset Lincoln Jackson Church River "
           "Spring Highland Forest Madison Meadow Ridge Walnut Chestnut Franklin Jefferson Cherry Willow Center "
           "Mill Union Broad Market Prospect Grove Valley Locust Summit Birch").split()
SUFFIXES = (("St", "Street"), ("Ave", "Avenue"), ("Rd", "Road"), ("Dr", "Drive"), ("Ln", "Lane"), ("Ct", "Court"))
CITIES = (("Springfield", "IL", "62704"), ("Riverton", "IL", "62561"), ("Chatham", "IL", "62629"),
          ("Rochester", "IL", "62563"), ("Sherman", "IL", "62684"))
CITY_SHARE = (0.82, 0.06, 0.05, 0.04, 0.03)      # one big city: its name and zip agree for most pairs
EMPLOYERS = tuple(f"{a} {b}" for a in ("Acme", "Prairie", "Lincoln", "Capitol", "Sangamon", "Midwest", "Union",
                                        "Central", "Heartland", "Statehouse")
                  for b in ("Foods", "Logistics", "Health", "Bank", "Motors", "Services", "Schools", "Retail"))
LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word)))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:i] + word[i + 1:]                              # dropped
    if kind == 1:
        return word[:i] + str(rng.choice(LETTERS)) + word[i + 1:]  # substituted
    if kind == 2 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]     # swapped neighbours
    return word[:i] + word[i] + word[i:]                           # doubled


def _address(rng: np.random.Generator) -> tuple[str, str, str, str]:
    city = CITIES[int(rng.choice(len(CITIES), p=CITY_SHARE))]
    street = f"{int(rng.integers(1, 9999))} {rng.choice(STREETS)} {SUFFIXES[int(rng.integers(len(SUFFIXES)))][0]}"
    return (street, *city)


def people(n_households: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per person: person_id, household, first, middle, last, birth date, ssn, address."""
    rows = []
    ssn_used: set[str] = set()

    def new_ssn() -> str:
        while True:
            s = f"{int(rng.integers(100, 900)):03d}-{int(rng.integers(1, 100)):02d}-{int(rng.integers(1, 10000)):04d}"
            if s not in ssn_used:
                ssn_used.add(s)
                return s

    sn_p = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.8
    sn_p /= sn_p.sum()
    for h in range(n_households):
        street, city, state, zipc = _address(rng)
        last = str(rng.choice(SURNAMES, p=sn_p))
        size = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.28, 0.30, 0.17, 0.15, 0.07, 0.03]))
        members = []
        y0 = int(rng.integers(1950, 1992))
        # head, then a spouse, then children
        members.append(("M" if rng.random() < 0.5 else "F", y0, last, None))
        if size >= 2:
            spouse_last = last if rng.random() < 0.85 else str(rng.choice(SURNAMES, p=sn_p))
            members.append(("F" if members[0][0] == "M" else "M", y0 + int(rng.integers(-4, 5)), spouse_last, None))
        twins_at = int(rng.integers(2, size)) if size >= 4 and rng.random() < 0.25 else -1
        for k in range(2, size):
            if k == twins_at + 1:
                sex, year = ("M" if rng.random() < 0.5 else "F"), members[-1][1]
                members.append((sex, year, last, "twin"))
                continue
            members.append(("M" if rng.random() < 0.5 else "F", y0 + int(rng.integers(20, 36)), last, None))
        head_first = None
        twin_date = None
        for k, (sex, year, sname, note) in enumerate(members):
            pool = MALE if sex == "M" else FEMALE
            first = str(rng.choice(pool))
            if k >= 2 and sex == "M" and head_first and members[0][0] == "M" and rng.random() < 0.15:
                first = head_first                                        # a junior
            if k == 0:
                head_first = first
            month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
            if note == "twin" and twin_date is not None:
                month, day = twin_date
                while first == rows[-1]["first"]:
                    first = str(rng.choice(pool))
            twin_date = (month, day)
            middle = str(rng.choice(MALE if sex == "M" else FEMALE)) if rng.random() < 0.7 else ""
            shares_ssn = k >= 2 and rng.random() < 0.12                  # a child filed under a parent's number
            ssn = rows[-k]["ssn"] if shares_ssn else new_ssn()
            rows.append({"household": h, "first": first, "middle": middle, "last": sname, "sex": sex,
                         "dob": (year, month, day), "ssn": ssn, "street": street, "city": city, "state": state,
                         "zip": zipc})
    out = pd.DataFrame(rows)
    out.insert(0, "person_id", np.arange(len(out)))
    return out


def forms(ppl: pd.DataFrame, n_forms: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forms drawn for people (each at least one), damaged, shuffled; and the truth pairs."""
    extra = rng.geometric(0.55, len(ppl)) - 1                 # forms beyond the first
    counts = np.minimum(1 + extra, 5)
    person = np.repeat(ppl.index.to_numpy(), counts)[:n_forms]
    rng.shuffle(person)
    rows = []
    for p in person:
        r = ppl.loc[p]
        first, middle, last = r["first"], r["middle"], r["last"]
        x = rng.random(12)
        if x[0] < 0.05:
            first = _typo(first, rng)
        elif x[0] < 0.08 and first in NICKNAMES:
            first = NICKNAMES[first]
        elif x[0] < 0.10:
            first = first[0]
        if x[1] < 0.3:
            middle = middle[:1]
        elif x[1] < 0.5:
            middle = ""
        if x[2] < 0.05:
            last = _typo(last, rng)
        if x[3] < 0.3:
            first, middle, last = first.upper(), middle.upper(), last.upper()
        y, mo, d = r["dob"]
        if x[4] < 0.04:
            d = d % 28 + 1 if d >= 10 else (d + 1)                    # a digit off
        elif x[4] < 0.06 and d <= 12:
            mo, d = d, mo
        dob = "" if x[5] < 0.03 else f"{mo:02d}/{d:02d}/{y}"
        ssn = r["ssn"]
        if x[6] < 0.04:
            i = int(rng.choice([0, 1, 2, 4, 5, 7, 8, 9, 10]))
            ssn = ssn[:i] + str((int(ssn[i]) + 1 + int(rng.integers(0, 8))) % 10) + ssn[i + 1:]
        elif x[6] < 0.08:
            ssn = ""
        street, city, state, zipc = r["street"], r["city"], r["state"], r["zip"]
        if x[7] < 0.05:
            street, city, state, zipc = _address(rng)                  # moved
        elif x[8] < 0.15:
            for short, long in SUFFIXES:
                if street.endswith(" " + short):
                    street = street[: -len(short)] + long
        if x[9] < 0.04:
            zipc = "00000"
        elif x[9] < 0.07:
            zipc = ""
        rows.append({"first_name": first, "middle_name": middle, "last_name": last, "dob": dob, "ssn": ssn,
                     "street": street, "city": city, "state": state, "zip": zipc,
                     "employer": str(rng.choice(EMPLOYERS)), "_person": int(p)})
    roster = pd.DataFrame(rows)
    roster.insert(0, "form_id", [f"F{i + 1:06d}" for i in range(len(roster))])
    pairs = []
    for _, g in roster.groupby("_person", sort=True):
        ids = g["form_id"].tolist()
        pairs += list(zip(ids[:-1], ids[1:]))
    truth = pd.DataFrame(pairs, columns=["rec_id_1", "rec_id_2"])
    return roster.drop(columns="_person"), truth


def household_roster(n_forms: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(roster, truth pairs) with about ``n_forms`` forms."""
    rng = np.random.default_rng(seed)
    ppl = people(max(1, int(n_forms / 1.8 / 2.3)), rng)       # ~2.3 people per household, ~1.8 forms each
    return forms(ppl, n_forms, rng)


def synth_dedupe(lst: pd.DataFrame, truth: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the list's rows drawn from registry people, pairs (rec_id_1, rec_id_2) of consecutive list entries
    drawn from one registry person) of a `linker synth` list and its truth.csv (list order kept)."""
    t = truth[truth["registry_id"].astype(str) != ""]
    roster = lst[lst.iloc[:, 0].astype(str).isin(set(t["list_id"].astype(str)))]
    pairs = []
    for _, g in t.groupby("registry_id", sort=True):
        ids = g["list_id"].astype(str).tolist()
        pairs += list(zip(ids[:-1], ids[1:]))
    return roster, pd.DataFrame(pairs, columns=["rec_id_1", "rec_id_2"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forms", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--out", required=True)
    ap.add_argument("--synth", help="a `linker synth` output directory: write its roster.csv and dedupe_truth.csv")
    args = ap.parse_args()
    if args.synth:
        read = lambda name: pd.read_csv(Path(args.synth) / name, dtype=str, keep_default_na=False)  # noqa: E731
        roster, pairs = synth_dedupe(read("list.csv"), read("truth.csv"))
        Path(args.out).mkdir(parents=True, exist_ok=True)
        roster.to_csv(Path(args.out) / "roster.csv", index=False, lineterminator="\n")
        pairs.to_csv(Path(args.out) / "dedupe_truth.csv", index=False, lineterminator="\n")
        print(f"{args.out}: roster.csv {len(roster):,} rows, dedupe_truth.csv {len(pairs):,} pairs")
        return
    roster, truth = household_roster(args.forms, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    roster.to_csv(out / "roster.csv", index=False, lineterminator="\n")
    truth.to_csv(out / "truth.csv", index=False, lineterminator="\n")
    print(f"{out}: {len(roster):,} forms of {roster.shape[0] - len(truth):,} people")


if __name__ == "__main__":
    main()
