"""Synthetic personnel registry and damaged list, with ground truth (``linker synth``).

``synth(registry, list_size, ...)`` returns (registry_df, list_df, truth_df):

- registry_df: an army's "2022 personnel registry", columns
  ``id,surname,first_name,patronymic,birth_date,personal_number,rank,category,unit`` (Cyrillic).
- list_df: a list of ``list_size`` people as real lists look (Cyrillic or Latin, varying headers), a share
  ``genuine`` of them drawn from the registry (some listed twice), the rest invented, part of them
  namesakes of registry people; every entry damaged as in DOMAIN.md ("How lists get damaged").
- truth_df: ``list_id,registry_id,damage,kind``: registry id ("" if not in the registry), the damage applied
  (";"-joined tokens, see synthetic.lists.DAMAGE_RATES) and the kind of entry (genuine / duplicate / namesake /
  invented).

Everything is vectorized over whole columns; Python runs only over unique strings and over the damaged
entries. The same arguments give byte-identical CSVs.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from linker.errors import ConfigError
from linker.synthetic.damage import CATEGORIES, RANKS
from linker.synthetic.lists import build_list
from linker.synthetic.names import int_str, zpad
from linker.synthetic.people import PN_LETTERS, People, _close_namesake_years, _units, make_people

__all__ = ["synth", "write_synth", "REGISTRY_COLUMNS", "PN_LETTERS"]

REGISTRY_COLUMNS = ["id", "surname", "first_name", "patronymic", "birth_date", "personal_number", "rank",
                    "category", "unit"]
def format_registry(people: People) -> pd.DataFrame:
    n = len(people.surname)
    ids = "R" + zpad(np.arange(1, n + 1), 7)
    date = zpad(people.day, 2) + "." + zpad(people.month, 2) + "." + int_str(people.year)
    pn = people.pn_letters + "-" + zpad(people.pn_digits, 6)
    units = "в/ч " + int_str(people.unit)
    return pd.DataFrame({
        "id": ids, "surname": people.surname, "first_name": people.first_name,
        "patronymic": people.patronymic, "birth_date": date, "personal_number": pn,
        "rank": np.array(RANKS, dtype=object)[people.rank], "category": np.array(CATEGORIES, dtype=object)[people.category],
        "unit": units,
    })


def synth(registry: int, list_size: int, *, latin: bool = False, seed: int = 0, genuine: float = 0.9,
          namesakes: float = 0.3, duplicates: float = 0.03, heavy_namesakes: bool = False,
          damage: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A registry of ``registry`` people and a damaged list of ``list_size`` entries, with the truth.

    genuine: share of list entries that are registry people (duplicate listings included);
    duplicates: share of list entries that are a second listing of an already listed person;
    namesakes: share of the invented entries that copy the full name of a registry person;
    heavy_namesakes: concentrate the name distribution (many more namesakes, some with close birth years);
    damage: multiplies every damage and missing-field rate (0 = a clean list in the registry's formats).
    """
    for name, v in (("genuine", genuine), ("namesakes", namesakes), ("duplicates", duplicates)):
        if not 0.0 <= v <= 1.0:
            raise ConfigError(f"synth: {name}={v} is outside [0, 1]; give a share between 0 and 1")
    if registry < 1 or list_size < 0:
        raise ConfigError(f"synth: registry={registry}, list_size={list_size}; need registry >= 1, list_size >= 0")
    if damage < 0:
        raise ConfigError(f"synth: damage={damage} is negative; use 0 for a clean list, 1 for realistic damage")
    ss = np.random.SeedSequence(seed)
    reg_rng, list_rng, dmg_rng = (np.random.default_rng(s) for s in ss.spawn(3))
    units, unit_p = _units(reg_rng)
    people = make_people(reg_rng, registry, units, unit_p, heavy_namesakes)
    if heavy_namesakes:
        _close_namesake_years(reg_rng, people)
    registry_df = format_registry(people)
    n_gen = int(round(genuine * list_size))
    n_dup = min(int(round(duplicates * list_size)), n_gen // 2)
    if n_gen - n_dup > registry:
        raise ConfigError(f"synth: {n_gen - n_dup} distinct genuine entries asked of a registry of {registry}; "
                         "lower genuine or list_size, or raise registry")
    list_df, truth_df = build_list(list_rng, dmg_rng, people, registry_df["id"].to_numpy(dtype=object),
                                   units, unit_p, list_size=list_size, n_genuine=n_gen, n_duplicates=n_dup,
                                   namesakes=namesakes, latin=latin, damage=damage, heavy=heavy_namesakes)
    return registry_df, list_df, truth_df


def write_synth(out_dir: str | Path, registry_df: pd.DataFrame, list_df: pd.DataFrame,
                truth_df: pd.DataFrame) -> None:
    """Write registry.csv, list.csv, truth.csv (UTF-8, "\\n" line ends) into ``out_dir`` (created)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("registry.csv", registry_df), ("list.csv", list_df), ("truth.csv", truth_df)):
        (out / name).write_bytes(csv_bytes(df))


_NEEDS_QUOTES = r'[,"\r\n]'


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV of a frame of strings, byte-identical to ``df.to_csv(index=False, lineterminator="\\n")``.

    Fast path (columns joined as whole arrays) when no cell or header needs quoting; else pandas.
    """
    header = ",".join(map(str, df.columns))
    n, k = df.shape
    if k >= 2 and n:
        body = "\n".join(map(",".join, zip(*(df[c].tolist() for c in df.columns))))
        clean = (body.count(",") == n * (k - 1) and body.count("\n") == n - 1 and '"' not in body
                 and "\r" not in body and not any(re.search(_NEEDS_QUOTES, str(h)) for h in df.columns))
        if clean:
            return (header + "\n" + body + "\n").encode("utf-8")
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def synth_rosters(registry: int, list_size: int, *, style: str = "ru", form: str = "census", latin: bool = False,
                  seed: int = 0, genuine: float = 0.9, namesakes: float = 0.3, duplicates: float = 0.03,
                  heavy_namesakes: bool = False, damage: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(registry, list, truth) of one style: ``ru`` (`synth`), ``us`` (`linker.synthetic.us.synth_us`, census or
    tax ``form``) or ``hands`` (`linker.synthetic.hands.synth_hands`)."""
    if registry < 1 or list_size < 1:
        raise ConfigError(f"--registry {registry} --list {list_size}: both must be at least 1")
    if style == "us":
        if genuine <= 0:
            raise ConfigError("--genuine 0 with --style us: the share of the population in the registry must be "
                              "above 0")
        from .us import synth_us
        return synth_us(registry, list_size, form=form, seed=seed, genuine=genuine, damage=damage)
    if style == "hands":
        from .hands import synth_hands
        return synth_hands(registry, list_size, latin=latin, seed=seed, genuine=genuine, namesakes=namesakes)
    if style != "ru":
        raise ConfigError(f"--style {style}: unknown style; use ru, us or hands")
    return synth(registry, list_size, latin=latin, seed=seed, genuine=genuine, namesakes=namesakes,
                 duplicates=duplicates, heavy_namesakes=heavy_namesakes, damage=damage)

