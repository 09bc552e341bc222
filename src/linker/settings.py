"""Every option of a run, as frozen dataclasses, and the TOML config that sets them.

A config file (``--config linker.toml``) may hold::

    match_threshold = 0.9
    review_threshold = 0.3
    seed = 0

    [map]                      # field = column, for both files
    surname = "Фамилия"
    [list.map]                 # only for the list
    full_name = "ФИО"
    [registry.map]
    birth_date = "DOB"

    [blocking]
    rules = [["sn_stem", "fn_canon"], ["pnum"]]   # keys of linker.blocking.KEYS
    max_pairs = 50000000
    second_chance = false      # no second look for the entries left below review (linker.second_chance)

Command-line options override the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

FIELDS = (
    "id", "full_name", "surname", "first_name", "patronymic", "birth_date",
    "personal_number", "rank", "category", "unit", "sex",
)


@dataclass(frozen=True)
class Settings:
    """Options of `linker match` / `linker dedupe`."""

    match_threshold: float = 0.9
    review_threshold: float = 0.3
    seed: int = 0
    list_map: tuple[tuple[str, str], ...] = ()
    registry_map: tuple[tuple[str, str], ...] = ()
    list_id: str | None = None
    registry_id: str | None = None
    blocking_rules: tuple[tuple[str, ...], ...] | None = None
    max_pairs: int = 50_000_000
    max_block: int = 500
    second_chance: bool = True      # entries left below review searched again (`linker.second_chance`)
    chunk_pairs: int = 2_000_000
    u_sample_pairs: int = 1_000_000
    decoys: int = 2000
    quiet: bool = False
    workers: int = -1

    def __post_init__(self) -> None:
        for name in ("match_threshold", "review_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name.replace('_', '-')}: {value} is not a probability; give a value between 0 and 1")
        if self.review_threshold > self.match_threshold:
            raise ConfigError(
                f"review-threshold {self.review_threshold} is above match-threshold {self.match_threshold}; "
                "the review band lies below the match threshold"
            )
        if self.blocking_rules:          # a wrong key fails now, before any file is read
            from .blocking import Rule
            for rule in self.blocking_rules:
                Rule.parse(rule)
        for side, mapping in (("list", self.list_map), ("registry", self.registry_map)):
            for fld, _col in mapping:
                if fld not in FIELDS and not fld.startswith("text:"):
                    raise ConfigError(
                        f"--map {fld}=...: unknown field {fld!r} for the {side}; "
                        f"use one of {', '.join(FIELDS)} or text:NAME"
                    )


def parse_map_options(items: tuple[str, ...] | list[str]) -> tuple[tuple[str, str], ...]:
    """``("surname=Фамилия", ...)`` -> ``(("surname", "Фамилия"), ...)``."""
    out = []
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--map {item}: expected FIELD=COLUMN, e.g. --map surname=Фамилия")
        fld, col = item.split("=", 1)
        fld, col = fld.strip(), col.strip()
        if not fld or not col:
            raise ConfigError(f"--map {item}: expected FIELD=COLUMN, e.g. --map surname=Фамилия")
        out.append((fld, col))
    return tuple(out)


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a TOML config into keyword arguments of `Settings`."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; check the path given to --config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc}); save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    known = {f.name for f in fields(Settings)}
    kwargs: dict[str, Any] = {}
    both = dict(data.pop("map", {}) or {})
    lst = dict((data.pop("list", {}) or {}).get("map", {}) or {})
    reg = dict((data.pop("registry", {}) or {}).get("map", {}) or {})
    if both or lst:
        kwargs["list_map"] = tuple({**both, **lst}.items())
    if both or reg:
        kwargs["registry_map"] = tuple({**both, **reg}.items())
    blocking = data.pop("blocking", {}) or {}
    if "rules" in blocking:
        rules = blocking["rules"]
        if not isinstance(rules, list) or not all(isinstance(r, list) and r for r in rules):
            raise ConfigError(
                f"{path}: [blocking] rules must be a list of key lists, "
                'e.g. rules = [["sn_stem", "fn_canon"], ["pnum"]]'
            )
        kwargs["blocking_rules"] = tuple(tuple(str(k) for k in r) for r in rules)
    if "max_pairs" in blocking:
        kwargs["max_pairs"] = int(blocking["max_pairs"])
    if "max_block" in blocking:
        kwargs["max_block"] = int(blocking["max_block"])
    if "second_chance" in blocking:
        if not isinstance(blocking["second_chance"], bool):
            raise ConfigError(f"{path}: [blocking] second_chance must be true or false")
        kwargs["second_chance"] = blocking["second_chance"]
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown option {key!r}; known options: {', '.join(sorted(known))}")
        kwargs[key] = value
    return kwargs


def make_settings(config: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from an optional config file, then non-None command-line overrides."""
    kwargs = load_config(config) if config else {}
    for key, value in overrides.items():
        if value is None or value == ():
            continue
        kwargs[key] = value
    try:
        return Settings(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"invalid option: {exc}") from None
