"""Map the headers of a list or registry onto linker's canonical fields.

Fields: ``id``, ``full_name``, ``surname``, ``first_name``, ``patronymic``, ``birth_date``,
``personal_number``, ``rank``, ``category``, ``unit``; every other column present on both sides is
compared as generic text (``text:<header>``). `--map FIELD=COLUMN` and the config override all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .settings import FIELDS

_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "№", "no", "n", "nr", "num", "number", "#", "№ п/п", "№п/п", "п/п", "номер", "rec_id",
        "record_id", "registry_id", "list_id", "person_id", "row_id", "uid", "key", "ид", "идентификатор",
        "код", "код записи", "код лица", "код сотрудника", "код военнослужащего", "табельный номер", "табельный №",
        "таб. №", "таб.№", "таб. номер", "табельный", "учетный номер", "регистрационный номер", "рег. №",
        "code", "person_code", "employee_id", "staff_id", "soldier_id", "pid", "guid", "uuid", "identifier",
    ),
    "full_name": (
        "фио", "ф.и.о.", "ф.и.о", "фамилия имя отчество", "фамилия, имя, отчество", "full_name", "fullname",
        "full name", "name", "fio", "person", "имя полностью", "military name", "serviceman",
    ),
    "surname": ("фамилия", "surname", "last_name", "lastname", "last name", "family_name", "family name", "familiya"),
    "first_name": (
        "имя", "first_name", "firstname", "first name", "given_name", "givenname", "given name", "forename", "imya",
    ),
    # a middle name is the general case of the patronymic (an initial compares against a full name)
    "patronymic": ("отчество", "patronymic", "middle_name", "middlename", "middle name", "otchestvo", "father's name",
                   "middle", "middle_initial", "middle initial", "middleinitial", "mi", "m.i.", "mid_init"),
    "birth_date": (
        "дата рождения", "дата_рождения", "датарождения", "д.р.", "др", "д/р", "г.р.", "год рождения", "родился",
        "date_of_birth", "date of birth", "dob", "birth_date", "birthdate", "birth date", "born", "birthday",
        "data rozhdeniya",
    ),
    "personal_number": (
        "личный номер", "личный_номер", "л/н", "л.н.", "личный №", "жетон", "номер жетона", "personal_number",
        "personal number", "personal_no", "service_number", "service number", "soc_sec_id", "ssn",
        "lichnyy nomer", "military id",
    ),
    "rank": ("звание", "воинское звание", "в/зв", "rank", "military rank", "zvanie"),
    "category": ("категория", "вид службы", "основание службы", "статус", "category", "service category", "status", "kategoriya"),
    "unit": ("воинская часть", "в/ч", "вч", "часть", "подразделение", "unit", "military unit", "military_unit", "chast"),
    "sex": ("пол", "sex", "gender", "sex/gender", "gender/sex", "m/f", "м/ж", "pol"),
}


def _norm_header(h: str) -> str:
    h = h.strip().lower().replace("ё", "е").replace("_", " ")
    return re.sub(r"\s+", " ", h)


_LOOKUP: dict[str, str] = {}
for _field, _names in _ALIASES.items():
    for _n in _names:
        _LOOKUP.setdefault(_norm_header(_n), _field)
        _LOOKUP.setdefault(_norm_header(_n).replace(" ", ""), _field)


#: When no alias matches exactly: word stems that give a header away ("Дата рожд.", "Личный № в/сл").
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((f, re.compile(p)) for f, p in (
    ("full_name", r"^ф\.?\s*и\.?\s*о\b|full.?name"),
    ("birth_date", r"рожд|birth|\bdob\b|\bborn\b"),
    ("patronymic", r"отчеств|patronym|middle.?(name|init)"),
    ("surname", r"фамил|surname|last.?name|family.?name"),
    ("first_name", r"^имя\b|first.?name|given.?name|forename"),
    ("personal_number", r"личн\w*\s*(номер|№|н\b)|жетон|personal.?(number|no)|service.?(number|no)"),
    ("rank", r"звани|\brank\b"),
    ("category", r"категор|categor|вид службы"),
    ("unit", r"в/\s*ч|войсков|воинск\w* част|\bunit\b"),
    ("sex", r"^пол\b|\bsex\b|\bgender\b"),
    ("id", r"^(код|идентификатор|табельн\w*|таб\.|учетн\w*|рег\.)\s*(№|номер|сотрудника|работника|военнослужащего"
           r"|лица|записи|служащего)?\.?$|^((record|person|employee|staff|soldier|member|individual|subject|entity"
           r"|client|customer|patient) )?(id|uid|uuid|guid|key|code|identifier)$"),
))


@dataclass(frozen=True)
class Mapping:
    """Canonical field -> column of one side; ``text`` holds generic columns shared with the other side."""

    fields: tuple[tuple[str, str], ...]
    text: tuple[str, ...] = ()
    date_order: str = ""        # of the birth_date column, read from its values (fields.dates.date_order)
    date_other: int = 0         # values of that column that show the other order (each is read in its own)
    text_columns: tuple[tuple[str, str], ...] = ()   # generic field name -> this side's column, where they differ

    def get(self, field: str) -> str | None:
        return dict(self.fields).get(field)

    def as_dict(self) -> dict[str, str]:
        d = dict(self.fields)
        for t in self.text:
            d[f"text:{t}"] = t
        if self.date_order:
            d["date_order"] = self.date_order + (f" ({self.date_other} values the other way, each read so)"
                                                 if self.date_other else "")
        return d


def detect_fields(columns: list[str], overrides: tuple[tuple[str, str], ...], *, path: str) -> dict[str, str]:
    """Canonical field -> column, from header names, then the user's overrides."""
    found: dict[str, str] = {}
    for col in columns:
        key = _norm_header(col)
        fld = _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))
        if not fld:
            fld = next((f for f, pat in _PATTERNS if pat.search(key) and f not in found), None)
        if fld and fld not in found:
            found[fld] = col
    for fld, col in overrides:
        if fld.startswith("text:"):
            continue
        if col not in columns:
            raise InputError(
                f"{path}: --map {fld}={col}: no column {col!r}; columns are: {', '.join(map(str, columns))}"
            )
        for other, c in list(found.items()):
            if c == col:
                del found[other]
        found[fld] = col
    if "full_name" in found and {"surname", "first_name"} <= found.keys():
        del found["full_name"]  # separate parts are better than a parsed whole
    return found


def map_columns(
    list_df: pd.DataFrame, registry_df: pd.DataFrame, *, list_path: str, registry_path: str,
    list_overrides: tuple[tuple[str, str], ...] = (), registry_overrides: tuple[tuple[str, str], ...] = (),
    list_id: str | None = None, registry_id: str | None = None,
) -> tuple[Mapping, Mapping]:
    """Mappings of both sides; raises InputError when a side has no name column."""
    if list_id:
        list_overrides = (*list_overrides, ("id", list_id))
    if registry_id:
        registry_overrides = (*registry_overrides, ("id", registry_id))
    lf = detect_fields(list(list_df.columns), list_overrides, path=list_path)
    rf = detect_fields(list(registry_df.columns), registry_overrides, path=registry_path)
    for f, path, cols in ((lf, list_path, list_df.columns), (rf, registry_path, registry_df.columns)):
        if not ({"full_name", "surname"} & f.keys()):
            raise InputError(
                f"{path}: no name column found (headers seen: {', '.join(map(str, cols))}); "
                "name one with --map surname=COLUMN or --map full_name=COLUMN"
            )
    used_l, used_r = set(lf.values()), set(rf.values())
    shared = [c for c in list_df.columns if c in set(registry_df.columns) and c not in used_l and c not in used_r]
    # explicit text:NAME=COLUMN overrides
    extra_l = {f[5:]: c for f, c in list_overrides if f.startswith("text:")}
    extra_r = {f[5:]: c for f, c in registry_overrides if f.startswith("text:")}
    for name, col in extra_l.items():
        if col not in list_df.columns:
            raise InputError(f"{list_path}: --map text:{name}={col}: no column {col!r}; columns are: {', '.join(list_df.columns)}")
    for name, col in extra_r.items():
        if col not in registry_df.columns:
            raise InputError(f"{registry_path}: --map text:{name}={col}: no column {col!r}; columns are: {', '.join(registry_df.columns)}")
    text_l = tuple(shared) + tuple(n for n in extra_l if n in extra_r)
    lm = Mapping(tuple(sorted(lf.items(), key=lambda kv: FIELDS.index(kv[0]))), text_l,
                 *_date_order(list_df, lf.get("birth_date")), text_columns=tuple(extra_l.items()))
    rm = Mapping(tuple(sorted(rf.items(), key=lambda kv: FIELDS.index(kv[0]))), text_l,
                 *_date_order(registry_df, rf.get("birth_date")), text_columns=tuple(extra_r.items()))
    return lm, rm


def _date_order(df: pd.DataFrame, col: str | None) -> tuple[str, int]:
    """(order, values the other way) of a date column; ("", 0) without one."""
    if col is None:
        return "", 0
    from .fields.dates import date_order

    return date_order(df[col])


def text_column(mapping: Mapping, name: str) -> str:
    """The column of one side that holds the generic field ``name`` (its own header unless mapped)."""
    return dict(mapping.text_columns).get(name, name)


def ids_of(df: pd.DataFrame, mapping: Mapping, *, path: str, side: str) -> pd.Series:
    """The id of every row: the id column, or the 1-based row number. Raises on empty or duplicate ids."""
    col = mapping.get("id")
    if col is None:
        return pd.Series([str(i + 1) for i in range(len(df))], index=df.index, dtype=object)
    from .io import row_names

    ids = _stripped(df[col])
    empty = np.flatnonzero(ids.to_numpy() == "") if _any_empty(ids) else np.zeros(0, np.int64)
    if len(empty):
        word, names = row_names(df, empty[:5])
        rows = ", ".join(names) + (" ..." if len(empty) > 5 else "")
        raise InputError(
            f"{path}:{col}: {len(empty)} empty id(s) at {word}(s) {rows}; fill them, or pass "
            f"--{side}-id with another column"
        )
    dup = ids.duplicated(keep=False).to_numpy() if len(pd.unique(ids.to_numpy())) < len(ids) else None
    if dup is not None:
        at = np.flatnonzero(dup)
        first = ids.iloc[at[0]]
        word, names = row_names(df, at[ids.to_numpy()[at] == first][:5])
        raise InputError(
            f"{path}:{col}: duplicate id {first!r} at {word}s {', '.join(names)} "
            f"({ids[dup].nunique()} id(s) repeated); ids must be unique: fix them, or choose another id column"
        )
    return ids


ROW_NUMBER_ID = "(row number)"
_CODE_LIKE = r"^[\w\-/.#:]{1,40}$"


def mapping_record(mapping: Mapping) -> dict[str, str]:
    """The mapping as printed and reported: ``id`` says ``(row number)`` when no id column was found."""
    d = mapping.as_dict()
    return d if "id" in d else {"id": ROW_NUMBER_ID, **d}


def id_column_candidates(df: pd.DataFrame, mapping: Mapping) -> list[str]:
    """Unmapped columns whose values are all present, unique and code-like (no spaces, a digit in each):
    what a person would take for the id when no header says so."""
    used = set(mapping.as_dict().values())
    out = []
    for col in df.columns:
        if col in used or not len(df):
            continue
        v = _stripped(df[col])
        if _any_empty(v) or v.nunique() < len(v):
            continue
        if v.str.fullmatch(_CODE_LIKE).all() and v.str.contains(r"\d").all():
            out.append(col)
    return out


def id_fallback_note(df: pd.DataFrame, mapping: Mapping, *, path: str, option: str) -> str:
    """``""`` when the ids come from a column; else one line saying they are the 1-based row numbers, naming
    a column of unique codes that could be the id, and the option that chooses one."""
    if mapping.get("id") is not None:
        return ""
    cands = id_column_candidates(df, mapping)
    offer = (f"column {cands[0]!r} holds unique codes: pass {option} {cands[0]!r} if it is the id, or {option} "
             "COLUMN for another" if cands else f"pass {option} COLUMN to use an id column")
    return f"{path}: no id column recognised, so its ids are the 1-based row numbers; {offer}"


# the characters str.strip removes: ASCII ones, and the first UTF-8 byte of the others (U+0085 ... U+3000)
_WS_FIRST = np.zeros(256, bool)
_WS_FIRST[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3]] = True
_WS_LAST = np.zeros(256, bool)
_WS_LAST[[*range(0x09, 0x0E), *range(0x1C, 0x21), *range(0x80, 0x100)]] = True


def _stripped(s: pd.Series) -> pd.Series:
    """``s.astype(str).str.strip()``; for a column of ``str`` (as read_table gives, already trimmed by
    Arrow, which strips a few characters fewer than Python) only the cells whose first byte could start a
    whitespace character, or whose last byte is whitespace or ends a non-ASCII character, go through
    ``str.strip``."""
    values = s.to_numpy()
    if len(s) < 1000 or s.dtype != object or not pd.api.types.infer_dtype(values, skipna=False) == "string":
        return s.astype(str).str.strip()
    import pyarrow as pa

    try:
        arr = pa.array(values, type=pa.large_string())
    except (UnicodeError, pa.ArrowException):
        return s.astype(str).str.strip()
    offsets = np.frombuffer(arr.buffers()[1], np.int64)[arr.offset: arr.offset + len(arr) + 1]
    lens = np.diff(offsets)
    out = values.copy()
    full = np.flatnonzero(lens > 0)
    if len(full):
        data = np.frombuffer(arr.buffers()[2], np.uint8)
        look = full[_WS_FIRST[data[offsets[full]]] | _WS_LAST[data[offsets[full + 1] - 1]]]
        if len(look):
            out[look] = [v.strip() for v in values[look].tolist()]
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


def _any_empty(ids: pd.Series) -> bool:
    return not all(ids.to_numpy().tolist())     # (every id is a str)


#: headers of address-like columns (English and Russian): a household shares them
_ADDRESS = re.compile(
    r"street|\bstr\b|address|\baddr|\bhouse|\bbldg|building|\bapt|apartment|suite|\bflat\b|\bunit.?(no|num|#)"
    r"|\bcity\b|\btown|village|suburb|locality|\bzip|post.?code|postal|\bstate\b|county|province|region"
    r"|district|country|residen|mailing|po.?box"
    r"|улиц|адрес|город|населен|индекс|почтов|\bдом\b|квартир|област|район|\bкрай\b|регион|\bсело\b"
    r"|деревн|посел|строени|корпус|жительств|прописк|проживан|страна")


def address_like(header: str) -> bool:
    """Whether a generic column's header names part of an address (street, house number, city, zip, state,
    apartment; улица, дом, город, индекс, ...)."""
    return bool(_ADDRESS.search(_norm_header(str(header))))
