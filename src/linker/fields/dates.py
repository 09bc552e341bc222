"""Dates of birth in any format a list may hold -> (year, month, day) with partial dates allowed.

Formats read (day-first wherever the order is ambiguous, as in Russian and European usage, unless the
column's values show it is month-first: see :func:`date_order`):

- ``DD.MM.YYYY``, ``D.M.YYYY``, ``DD.MM.YY``, ``D.M.YY``; the same with ``/``, ``-`` or spaces;
- ``YYYY-MM-DD`` (ISO, also followed by a time ``T10:00:00`` / `` 00:00:00``), ``YYYY/MM/DD``, ``YYYY.MM.DD``;
- 8 digits ``YYYYMMDD`` or ``DDMMYYYY`` (whichever is a valid date; YYYYMMDD first), FEBRL floats
  ``19560409.0``; 6 digits ``DDMMYY``;
- month names: Russian in any case and inflection or abbreviation (``12 марта 1990 г.``, ``12 мар 1990``,
  ``март 1990``), English (``12 March 1990``, ``March 12, 1990``, ``12th of March 1990``), Roman month
  numerals (``12.III.1990``);
- partial dates: a year alone (``1990``, ``1990 г.р.``), month and year (``03.1990``, ``1990-03``,
  ``март 1990``);
- Excel serial day numbers of 5 digits from 10000 to 40543 (1927-05-18 .. 2010-12-31); a 4-digit number is
  always read as a year.

Two-digit years: ``00 .. (reference_year - 2000 - 15)`` -> 20xx, anything higher -> 19xx. A person on a
military list is at least about 15 years old in the reference year, so a 20xx reading later than that cannot
be theirs: with the default reference year 2022, ``00``..``07`` are 2000..2007 and ``08``..``99`` are
1908..1999.

Day and month swapped (``03/25/1990``): when the month is above 12 and the day is not, the two are swapped.

``invalid`` is True where the text was non-empty and is not a date: unreadable text, or an impossible date
(``31.02.1990``, month 13 that swapping does not fix, a year outside 1850..2100). Of such a date the parts
that make sense are kept (``31.02.1990`` -> 1990, 2, 0). A partial date written as one (``1990``,
``03.1990``) is not invalid: its unknown parts are 0 and ``day == 0`` tells the caller it is partial.
"""

from __future__ import annotations

import datetime as _dt
import re

import pandas as pd

from linker.fields.common import map_unique_frame

DateParts = tuple[int, int, int, bool]  # year, month, day, invalid

MIN_YEAR = 1850
MAX_YEAR = 2100
_EXCEL_MIN, _EXCEL_MAX = 10000, 40543  # 1927-05-18 .. 2010-12-31
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # Excel's 1900 system, leap-year bug included

_MONTH_PREFIXES: dict[str, int] = {
    # Russian: nominative, genitive, prepositional and abbreviations share the first three letters
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    # English
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_ROMAN_MONTHS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
    "xi": 11, "xii": 12,
}
# words that may stand beside a date and say nothing about it
_FILLER = frozenset(
    "г гг год года году гр р род рожд рождения рождение дата д в от "
    "th st nd rd of the born b dob year yr".split()
)
_TIME = re.compile(
    r"(?:[t\s]+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:z|utc|[+-]\d{2}:?\d{2})?\s*$", re.IGNORECASE
)
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_TOKENS = re.compile(r"\d+|[^\W\d_]+")
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# fast paths of parse_date_text: 05.03.1990 / 5/3/90, 1990-03-05, 5 марта 1990 г. (ASCII digits only)
_DMY = re.compile(r"([0-9]{1,2})[./-]([0-9]{1,2})[./-]([0-9]{2}|[0-9]{4})")
_YMD = re.compile(r"([0-9]{4})[./-]([0-9]{1,2})[./-]([0-9]{1,2})")
_D_MONTH_Y = re.compile(r"([0-9]{1,2}) ([^\W\d_]+) ([0-9]{4})(?: г\.?)?")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(year: int, month: int) -> int:
    if month == 2 and year and not _is_leap(year):
        return 28
    return _DAYS_IN_MONTH[month]


def _century(yy: int, reference_year: int) -> int:
    """Two-digit year to four: up to ``reference_year - 2000 - 15`` is 20xx, above it 19xx."""
    return 2000 + yy if yy <= reference_year - 2000 - 15 else 1900 + yy


def _settle(year: int, month: int, day: int) -> DateParts:
    """Validate parts; keep what makes sense; swap day and month when only that makes it valid.

    A zero part is unknown (``00.03.1990``, ``00.00.1990`` are how archives write a partial date), not
    invalid; a non-zero part out of range is invalid and dropped, and a day is dropped with its month.
    """
    if 12 < month <= 31 and 1 <= day <= 12:
        month, day = day, month
    invalid = False
    if year and not MIN_YEAR <= year <= MAX_YEAR:
        invalid, year = True, 0
    if month and not 1 <= month <= 12:
        invalid, month = True, 0
    if day and (not month or day > _days_in(year, month)):
        invalid = invalid or bool(month) or day > 31
        day = 0
    return year, month, day, invalid


def _full(year: int, month: int, day: int) -> bool:
    """Is this a valid full date?"""
    return MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= _days_in(year, month)


def _from_digits(d: str, reference_year: int, month_first: bool = False) -> DateParts | None:
    n = len(d)
    if n == 4:
        return _settle(int(d), 0, 0)
    if n == 8:
        y, m, dd = int(d[:4]), int(d[4:6]), int(d[6:])
        if _full(y, m, dd):
            return y, m, dd, False
        dd2, m2, y2 = int(d[:2]), int(d[2:4]), int(d[4:])
        if month_first:
            dd2, m2 = m2, dd2
        if _full(y2, m2, dd2):
            return y2, m2, dd2, False
        # neither reading is valid: keep the one whose year is plausible
        if MIN_YEAR <= y <= MAX_YEAR:
            return _settle(y, m, dd)
        return _settle(y2, m2, dd2)
    if n == 6:
        return _settle(_century(int(d[4:]), reference_year), int(d[2:4]), int(d[:2]))
    if n == 5 and _EXCEL_MIN <= int(d) <= _EXCEL_MAX:
        date = _EXCEL_EPOCH + _dt.timedelta(days=int(d))
        return date.year, date.month, date.day, False
    return None


def _year_of(tok: str, reference_year: int) -> int:
    if len(tok) == 2:
        return _century(int(tok), reference_year)
    return int(tok)


def _month_of(word: str) -> int:
    if word in _ROMAN_MONTHS:
        return _ROMAN_MONTHS[word]
    if len(word) >= 3:
        return _MONTH_PREFIXES.get(word[:3], 0)
    return 0


def _from_numbers(nums: list[str], reference_year: int, month_first: bool = False) -> DateParts | None:
    """Separated numeric groups: D M Y (M D Y when ``month_first``), Y M D, M Y, Y M."""
    if any(len(t) > 4 for t in nums):
        return None
    if len(nums) == 3:
        a, b, c = nums
        if len(a) == 4:
            return _settle(int(a), int(b), int(c))
        if len(c) in (2, 4) and len(a) <= 2 and len(b) <= 2:
            if month_first:
                a, b = b, a
            return _settle(_year_of(c, reference_year), int(b), int(a))
        return None
    if len(nums) == 2:
        a, b = nums
        if len(b) == 4 and len(a) <= 2:
            return _settle(int(b), int(a), 0)
        if len(a) == 4 and len(b) <= 2:
            return _settle(int(a), int(b), 0)
        return None
    return None


def _from_words(words: list[str], nums: list[str], reference_year: int) -> DateParts | None:
    """A month written as a word (or Roman numeral) with a day and/or a year."""
    months = [m for m in (_month_of(w) for w in words) if m]
    unknown = [w for w in words if not _month_of(w) and w not in _FILLER]
    if len(months) != 1 or unknown:
        return None
    month = months[0]
    years = [t for t in nums if len(t) == 4]
    if len(years) > 1 or len(nums) > 2:
        return None
    if years:
        year = int(years[0])
        rest = [t for t in nums if t is not years[0]]
    elif len(nums) == 2:
        year = _century(int(nums[1]), reference_year) if len(nums[1]) == 2 else -1
        rest = nums[:1]
    elif len(nums) == 1 and len(nums[0]) == 2 and int(nums[0]) > 31:
        year, rest = _century(int(nums[0]), reference_year), []
    else:
        year, rest = 0, nums
    if year < 0 or any(len(t) > 2 for t in rest):
        return None
    day = int(rest[0]) if rest else 0
    if year == 0:  # "12 марта": a day and month without a year is no date of birth
        return 0, month, day if 1 <= day <= _days_in(0, month) else 0, True
    return _settle(year, month, day)


DAY_FIRST, MONTH_FIRST, YEAR_FIRST = "day-first", "month-first", "year-first"
# the two leading numbers of a date whose order is in doubt: 05/06/1994, 5.6.94, 06051994 (not YYYYMMDD)
_AMBIGUOUS = re.compile(r"\s*([0-9]{1,2})[./\- ]([0-9]{1,2})[./\- ](?:[0-9]{2}|[0-9]{4})\s*|\s*([0-9]{2})([0-9]{2})[0-9]{4}\s*")


def date_order(values: pd.Series | list[str]) -> tuple[str, int]:
    """The order of a date column read from its values, and how many values show the other order.

    A value whose first part is above 12 (``25/03/1990``) can only be day-first, one whose second part is
    (``03/25/1990``) only month-first; 8 digits that are a valid YYYYMMDD are year-first and say nothing.
    The order is the one more values show (day-first on a tie, and when no value shows any, as in
    Russian and European usage; year-first when every value is ISO or YYYYMMDD). A value that shows the
    other order is still read in its own order (see :func:`_settle`); the count says how mixed it is.
    """
    u = pd.unique(pd.Series(values, dtype=object).astype(str))
    dmy = mdy = ambiguous = 0
    for v in u:
        m = _AMBIGUOUS.fullmatch(v)
        if not m:
            continue
        if m.group(3) is not None:
            d = v.strip()
            if _full(int(d[:4]), int(d[4:6]), int(d[6:])):
                continue
            a, b = int(m.group(3)), int(m.group(4))
        else:
            a, b = int(m.group(1)), int(m.group(2))
        ambiguous += 1
        dmy += 12 < a <= 31 and 1 <= b <= 12
        mdy += 12 < b <= 31 and 1 <= a <= 12
    if mdy > dmy:
        return MONTH_FIRST, dmy
    if not ambiguous and len(u) and any(_YMD.fullmatch(v.strip()) or re.fullmatch(r"\s*[0-9]{8}\s*", v)
                                        for v in u[:1000]):
        return YEAR_FIRST, 0
    return DAY_FIRST, mdy


def parse_date_text(text: str, reference_year: int = 2022, month_first: bool = False) -> DateParts:
    """One text -> (year, month, day, invalid); the scalar behind :func:`parse_dates`.

    ``month_first``: read ``05/06/1994`` and ``05061994`` (when not a valid YYYYMMDD) as 6 May."""
    t = text.strip().lower()
    if not t:
        return 0, 0, 0, False
    # the common shapes first, read exactly as the general path below reads them
    m = _DMY.fullmatch(t)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        day, month = (b, a) if month_first else (a, b)
        return _settle(_year_of(m.group(3), reference_year), month, day)
    m = _YMD.fullmatch(t)
    if m:
        return _settle(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _D_MONTH_Y.fullmatch(t)
    if m and _month_of(m.group(2)):
        return _settle(int(m.group(3)), _month_of(m.group(2)), int(m.group(1)))
    t = _TIME.sub("", t).strip()
    m = _FLOAT_INT.match(t)
    if m:
        t = m.group(1)
    tokens = _TOKENS.findall(t)
    nums = [tok for tok in tokens if tok.isascii() and tok.isdigit()]
    words = [tok for tok in tokens if not tok.isdigit()]
    if len(nums) + len(words) != len(tokens):  # digits of other scripts
        return 0, 0, 0, True
    result: DateParts | None = None
    if any(_month_of(w) for w in words):
        result = _from_words(words, nums, reference_year)
    elif all(w in _FILLER for w in words):
        if len(nums) == 1:
            result = _from_digits(nums[0], reference_year, month_first)
        else:
            result = _from_numbers(nums, reference_year, month_first)
    return result if result is not None else (0, 0, 0, True)


def parse_dates(s: pd.Series, *, reference_year: int = 2022, order: str = "") -> pd.DataFrame:
    """Parse a column of dates -> DataFrame ``year, month, day`` (int16, 0 = unknown) and ``invalid`` (bool).

    Computed once per distinct value; the index equals ``s.index``. ``order``: the column's order as
    :func:`date_order` gives it (the mapping carries it, so that every chunk of a column is read alike);
    empty = read it from ``s`` itself. See the module docstring for the formats, the century rule for
    two-digit years and what ``invalid`` means.
    """
    month_first = (order or date_order(s)[0]) == MONTH_FIRST
    columns = {"year": "int16", "month": "int16", "day": "int16", "invalid": "bool"}
    return map_unique_frame(s, lambda text: parse_date_text(text, reference_year, month_first), columns)
