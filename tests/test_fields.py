"""Tests of the non-name field standardizers (linker.fields)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linker.fields.dates as fd
from linker.fields import (
    CATEGORY_COMPATIBLE,
    RANKS,
    category_code,
    category_of,
    normalize_personal_number,
    normalize_text,
    parse_date_text,
    parse_dates,
    personal_number_key,
    rank_of,
    rank_ordinal,
    text_key,
    unit_code,
    unit_of,
)

MISSING = [None, np.nan, "", "  ", "\t"]
MISSING_IDS = ["None", "NaN", "empty", "spaces", "tab"]

# ---------------------------------------------------------------- dates

DATES = [
    # text, (year, month, day, invalid), id
    ("12.03.1990", (1990, 3, 12, False), "DD.MM.YYYY"),
    ("1.3.1990", (1990, 3, 1, False), "D.M.YYYY"),
    ("12.03.90", (1990, 3, 12, False), "DD.MM.YY"),
    ("1.3.90", (1990, 3, 1, False), "D.M.YY"),
    ("1.3.05", (2005, 3, 1, False), "D.M.YY-2000s"),
    ("1.3.07", (2007, 3, 1, False), "YY-last-20xx"),
    ("1.3.08", (1908, 3, 1, False), "YY-first-19xx"),
    ("1990-03-12", (1990, 3, 12, False), "ISO"),
    ("1990-03-12T10:15:00", (1990, 3, 12, False), "ISO-T-time"),
    ("1990-03-12 00:00:00", (1990, 3, 12, False), "ISO-space-time"),
    ("1990-03-12T10:15:00.123+03:00", (1990, 3, 12, False), "ISO-time-zone"),
    ("12/03/1990", (1990, 3, 12, False), "DD/MM/YYYY"),
    ("1990/03/12", (1990, 3, 12, False), "YYYY/MM/DD"),
    ("12-03-1990", (1990, 3, 12, False), "DD-MM-YYYY"),
    ("19900312", (1990, 3, 12, False), "YYYYMMDD"),
    ("12031990", (1990, 3, 12, False), "DDMMYYYY"),
    ("01021990", (1990, 2, 1, False), "DDMMYYYY-not-YYYYMMDD"),
    ("120390", (1990, 3, 12, False), "DDMMYY"),
    ("19560409", (1956, 4, 9, False), "FEBRL-int"),
    ("19560409.0", (1956, 4, 9, False), "FEBRL-float"),
    ("12 марта 1990 г.", (1990, 3, 12, False), "ru-genitive-g"),
    ("12 марта 1990 года", (1990, 3, 12, False), "ru-genitive-goda"),
    ("12 МАРТА 1990", (1990, 3, 12, False), "ru-upper"),
    ("12 мар 1990", (1990, 3, 12, False), "ru-abbrev"),
    ("12 мар. 90", (1990, 3, 12, False), "ru-abbrev-yy"),
    ("1 сентября 1985", (1985, 9, 1, False), "ru-september"),
    ("5 мая 1999", (1999, 5, 5, False), "ru-may-genitive"),
    ("5 дек. 1999 г.", (1999, 12, 5, False), "ru-dec-abbrev"),
    ("март 1990", (1990, 3, 0, False), "ru-month-year"),
    ("Январь 2001 г.", (2001, 1, 0, False), "ru-month-year-g"),
    ("12 March 1990", (1990, 3, 12, False), "en-day-month"),
    ("March 12, 1990", (1990, 3, 12, False), "en-month-day"),
    ("12th of March, 1990", (1990, 3, 12, False), "en-ordinal"),
    ("Sep 1 1985", (1985, 9, 1, False), "en-abbrev"),
    ("March 1990", (1990, 3, 0, False), "en-month-year"),
    ("12.III.1990", (1990, 3, 12, False), "roman-month"),
    ("1990", (1990, 0, 0, False), "year-only"),
    ("1990 г.р.", (1990, 0, 0, False), "year-gr"),
    ("1990 г.", (1990, 0, 0, False), "year-g"),
    ("03.1990", (1990, 3, 0, False), "MM.YYYY"),
    ("3/1990", (1990, 3, 0, False), "M/YYYY"),
    ("1990-03", (1990, 3, 0, False), "YYYY-MM"),
    ("00.00.1990", (1990, 0, 0, False), "zero-day-month"),
    ("00.03.1990", (1990, 3, 0, False), "zero-day"),
    ("03/25/1990", (1990, 3, 25, False), "month-day-swapped"),
    ("1990-25-03", (1990, 3, 25, False), "iso-swapped"),
    ("29.02.2000", (2000, 2, 29, False), "leap-400"),
    ("32874", (1990, 1, 1, False), "excel-serial"),
    ("40543", (2010, 12, 31, False), "excel-last"),
    ("31.02.1990", (1990, 2, 0, True), "impossible-day"),
    ("29.02.1900", (1900, 2, 0, True), "not-leap-1900"),
    ("13.13.1990", (1990, 0, 0, True), "month-13-no-swap"),
    ("12.03.3990", (0, 3, 12, True), "year-out-of-range"),
    ("12 марта", (0, 3, 12, True), "no-year"),
    ("неизвестно", (0, 0, 0, True), "word"),
    ("12.03", (0, 0, 0, True), "day-month-only"),
    ("99999", (0, 0, 0, True), "5-digits-not-excel"),
    ("12.03.1990.5", (0, 0, 0, True), "four-groups"),
    ("١٢.٠٣.١٩٩٠", (0, 0, 0, True), "arabic-digits"),
    ("1990-03-" + "1" * 5000, (0, 0, 0, True), "huge-number"),
    ("1" * 5000, (0, 0, 0, True), "huge-digits"),
]


@pytest.mark.parametrize(("text", "expected"), [d[:2] for d in DATES], ids=[d[2] for d in DATES])
def test_parse_date_text(text: str, expected: tuple[int, int, int, bool]) -> None:
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [d[:2] for d in DATES], ids=[d[2] for d in DATES])
def test_parse_dates_series_matches_table(text: str, expected: tuple[int, int, int, bool]) -> None:
    out = parse_dates(pd.Series([text, text], index=[7, 3]))
    assert list(out.index) == [7, 3]
    assert tuple(out.iloc[1]) == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_parse_dates_missing(missing: object) -> None:
    out = parse_dates(pd.Series([missing, "12.03.1990"]))
    assert tuple(out.iloc[0]) == (0, 0, 0, False)
    assert tuple(out.iloc[1]) == (1990, 3, 12, False)


def test_parse_dates_dtypes_and_index() -> None:
    s = pd.Series(["12.03.1990", None, 19560409.0, "1990"], index=["a", "b", "c", "d"])
    out = parse_dates(s)
    assert list(out.columns) == ["year", "month", "day", "invalid"]
    assert [str(t) for t in out.dtypes] == ["int16", "int16", "int16", "bool"]
    assert list(out.index) == ["a", "b", "c", "d"]
    assert out.loc["c"].tolist() == [1956, 4, 9, False]


def test_parse_dates_float_column() -> None:
    out = parse_dates(pd.Series([19560409.0, np.nan, 19901231.0]))
    assert out[["year", "month", "day"]].values.tolist() == [[1956, 4, 9], [0, 0, 0], [1990, 12, 31]]


@pytest.mark.parametrize(
    ("reference_year", "expected_year"), [(2022, 1908), (2030, 2008), (2015, 1908)],
    ids=["ref2022", "ref2030", "ref2015"],
)
def test_two_digit_century_follows_reference_year(reference_year: int, expected_year: int) -> None:
    out = parse_dates(pd.Series(["01.01.08"]), reference_year=reference_year)
    assert int(out["year"].iloc[0]) == expected_year


def test_parse_dates_empty_series() -> None:
    out = parse_dates(pd.Series([], dtype=object))
    assert len(out) == 0 and list(out.columns) == ["year", "month", "day", "invalid"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("0123456789.-/ :TмартMarchг")), max_size=20)
                | st.text(max_size=20), max_size=8))
def test_parse_dates_never_raises_and_ranges_hold(texts: list[str]) -> None:
    out = parse_dates(pd.Series(texts, dtype=object))
    assert len(out) == len(texts)
    assert ((out["year"] == 0) | out["year"].between(1850, 2100)).all()
    assert out["month"].between(0, 12).all()
    assert out["day"].between(0, 31).all()
    assert ((out["day"] == 0) | (out["month"] > 0)).all()


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2100-12-31").date()))
def test_parse_dates_round_trips_formatted_dates(date) -> None:  # type: ignore[no-untyped-def]
    expected = (date.year, date.month, date.day, False)
    for text in (date.strftime("%d.%m.%Y"), date.isoformat(), date.strftime("%Y%m%d"),
                 date.strftime("%d/%m/%Y"), date.strftime("%d %B %Y"), f"{date.day}.{date.month}.{date.year}"):
        assert parse_date_text(text) == expected, text


# ---------------------------------------------------------------- personal numbers

PERSONAL_NUMBERS = [
    ("АБ-123456", "АБ123456", "hyphen"),
    ("АБ 123456", "АБ123456", "space"),
    ("аб123456", "АБ123456", "lowercase"),
    ("АБ—123456", "АБ123456", "em-dash"),
    (" АБ . 123456 ", "АБ123456", "dot-padding"),
    ("AB-123456", "АВ123456", "latin-twins"),
    ("ab 123456", "АВ123456", "latin-lower"),
    ("Ак123456", "АК123456", "mixed-script-case"),
    ("Б-123456", "Б123456", "one-letter"),
    ("3Б-123456", "ЗБ123456", "ocr-3-as-З"),
    ("А0 123456", "АО123456", "ocr-0-as-О"),
    ("6А123456", "БА123456", "ocr-6-as-Б"),
    ("06-123456", "ОБ123456", "ocr-both-split"),
    ("АБ-12З45б", "АБ123456", "ocr-letters-in-digits"),
    ("АБ-1234О6", "АБ123406", "ocr-О-in-digits"),
    ("06123456", "06123456", "all-digits-kept"),
    ("АБ-1234567", "АБ1234567", "id-card-7-digits-generic"),
    ("x 12/34", "X1234", "generic"),
    ("№ 45-ab", "45AB", "generic-latin"),
]


@pytest.mark.parametrize(("text", "expected"), [p[:2] for p in PERSONAL_NUMBERS],
                         ids=[p[2] for p in PERSONAL_NUMBERS])
def test_personal_number(text: str, expected: str) -> None:
    assert personal_number_key(text) == expected
    assert normalize_personal_number(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_personal_number_missing(missing: object) -> None:
    assert normalize_personal_number(pd.Series([missing])).tolist() == [""]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("АБВЗОабозABOKabo0123456789 -./_№")), max_size=12)
       | st.text(max_size=12))
def test_personal_number_idempotent(text: str) -> None:
    once = personal_number_key(text)
    assert personal_number_key(once) == once


# ---------------------------------------------------------------- ranks

RANK_CASES = [(name, i, f"ladder-{i}") for i, name in enumerate(RANKS)] + [
    # naval
    ("матрос", 0, "navy-matros"), ("старший матрос", 1, "navy-st-matros"),
    ("старшина 2 статьи", 2, "navy-st2"), ("старшина второй статьи", 2, "navy-st2-words"),
    ("ст-на 2 ст.", 2, "navy-st2-abbrev"), ("старшина 1 статьи", 3, "navy-st1"),
    ("главный старшина", 4, "navy-glavstarshina"), ("главный корабельный старшина", 5, "navy-gks"),
    ("мичман", 6, "navy-michman"), ("старший мичман", 7, "navy-st-michman"),
    ("капитан-лейтенант", 11, "navy-kaplei"), ("кап.-л.", 11, "navy-kaplei-abbrev"),
    ("капитан 3 ранга", 12, "navy-k3"), ("капитан 3-го ранга", 12, "navy-k3-go"),
    ("кап. 3 р.", 12, "navy-k3-abbrev"), ("капитан 2 ранга", 13, "navy-k2"),
    ("капитан 1 ранга", 14, "navy-k1"), ("капитан первого ранга", 14, "navy-k1-words"),
    ("контр-адмирал", 15, "navy-kontr-admiral"), ("адмирал флота", 18, "navy-admiral-flota"),
    # abbreviations
    ("мл. с-т", 2, "ml-s-t"), ("мл.сержант", 2, "ml.serzhant"), ("ст. л-т", 10, "st-l-t"),
    ("ст.лейтенант", 10, "st.leitenant"), ("к-н", 11, "k-n"), ("кап.", 11, "kap"), ("м-р", 12, "m-r"),
    ("п/п-к", 13, "p/p-k"), ("п-к", 14, "p-k"), ("подп-к", 13, "podp-k"), ("ефр.", 1, "efr"),
    ("ряд.", 0, "ryad"), ("рядов.", 0, "ryadov"), ("прап.", 6, "prap"), ("ст. прап.", 7, "st-prap"),
    ("ст-на", 5, "st-na"), ("с-т", 3, "s-t"), ("л-т", 9, "l-t"), ("мл. л-т", 8, "ml-l-t"),
    ("ген.-м.", 15, "gen-m"), ("ген.-л.", 16, "gen-l"), ("ген.-п.", 17, "gen-p"),
    ("ст. с-т", 4, "st-s-t"), ("ст.сержант", 4, "st.serzhant"),
    # prefixes, suffixes, case, look-alikes
    ("гвардии рядовой", 0, "gvardii"), ("гв. майор", 12, "gv"), ("капитан запаса", 11, "zapasa"),
    ("полковник в отставке", 14, "v-otstavke"), ("майор юстиции", 12, "yustitsii"),
    ("капитан медицинской службы", 11, "med-sluzhby"), ("ГВАРДИИ СТАРШИЙ СЕРЖАНТ", 4, "upper"),
    ("гв. ст. л-т запаса", 10, "prefix-abbrev-suffix"), ("Генерал-Майор", 15, "title-case"),
    ("cержант", 3, "latin-c-lookalike"), ("старшии лейтенант", 10, "i-for-short-i"),
    ("Сержант, командир отделения", 3, "with-position"),
    # Latin transliterations
    ("ryadovoy", 0, "lat-ryadovoy"), ("efreitor", 1, "lat-efreitor"), ("serzhant", 3, "lat-serzhant"),
    ("mladshiy serzhant", 2, "lat-mladshiy"), ("starshiy serzhant", 4, "lat-starshiy"),
    ("praporshchik", 6, "lat-praporshchik"), ("leytenant", 9, "lat-leytenant"),
    ("starshiy leytenant", 10, "lat-st-leytenant"), ("kapitan", 11, "lat-kapitan"),
    ("mayor", 12, "lat-mayor"), ("podpolkovnik", 13, "lat-podpolkovnik"), ("polkovnik", 14, "lat-polkovnik"),
    ("gvardii kapitan", 11, "lat-gvardii"),
    # English
    ("private", 0, "en-private"), ("corporal", 1, "en-corporal"), ("sergeant", 3, "en-sergeant"),
    ("junior sergeant", 2, "en-junior-sergeant"), ("senior sergeant", 4, "en-senior-sergeant"),
    ("warrant officer", 6, "en-warrant"), ("lieutenant", 9, "en-lieutenant"),
    ("senior lieutenant", 10, "en-senior-lt"), ("second lieutenant", 8, "en-2lt"),
    ("Captain", 11, "en-captain"), ("Major", 12, "en-major"), ("lieutenant colonel", 13, "en-ltcol"),
    ("Lt. Col.", 13, "en-ltcol-abbrev"), ("colonel", 14, "en-colonel"), ("major general", 15, "en-majgen"),
    ("colonel general", 17, "en-colgen"), ("general of the army", 18, "en-army-general"),
    ("Sgt.", 3, "en-sgt"), ("captain (reserve)", 11, "en-reserve"),
    # unknown
    ("генерал", -1, "bare-general"), ("старший", -1, "bare-senior"), ("водитель", -1, "not-a-rank"),
    ("12345", -1, "digits"),
]


@pytest.mark.parametrize(("text", "expected"), [r[:2] for r in RANK_CASES], ids=[r[2] for r in RANK_CASES])
def test_rank(text: str, expected: int) -> None:
    assert rank_of(text) == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_rank_missing(missing: object) -> None:
    out = rank_ordinal(pd.Series([missing, "майор"]))
    assert out.dtype == np.int8
    assert out.tolist() == [-1, 12]


def test_ranks_ladder_shape() -> None:
    assert len(RANKS) == 19 and RANKS[0] == "рядовой" and RANKS[-1] == "генерал армии"
    assert len(set(RANKS)) == len(RANKS)


# ---------------------------------------------------------------- categories

CATEGORIES = [
    ("по контракту", "contract", "po-kontraktu"), ("контрактник", "contract", "kontraktnik"),
    ("Контрактная служба", "contract", "kontraktnaya-sluzhba"), ("к/с", "contract", "k/s"),
    ("кс", "contract", "ks"), ("К.С.", "contract", "k.s."), ("contract", "contract", "en-contract"),
    ("Contract soldier", "contract", "en-contract-soldier"), ("kontrakt", "contract", "lat-kontrakt"),
    ("kontraktnik", "contract", "lat-kontraktnik"),
    ("мобилизованный", "mobilized", "mobilizovannyi"), ("моб.", "mobilized", "mob"),
    ("мобилизован", "mobilized", "mobilizovan"), ("по мобилизации", "mobilized", "po-mobilizatsii"),
    ("призван по частичной мобилизации", "mobilized", "prizvan-po-mobilizatsii"),
    ("mobilized", "mobilized", "en-mobilized"), ("mobilised", "mobilized", "en-mobilised"),
    ("mobilizovannyy", "mobilized", "lat-mobilizovannyy"),
    ("по призыву", "conscript", "po-prizyvu"), ("срочник", "conscript", "srochnik"),
    ("срочная служба", "conscript", "srochnaya"), ("призывник", "conscript", "prizyvnik"),
    ("conscript", "conscript", "en-conscript"), ("srochnik", "conscript", "lat-srochnik"),
    ("  Доброволец   БАРС ", "доброволец барс", "other-lower-squeezed"),
    ("кск", "кск", "not-ks"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in CATEGORIES], ids=[c[2] for c in CATEGORIES])
def test_category(text: str, expected: str) -> None:
    assert category_of(text) == expected
    assert category_code(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_category_missing(missing: object) -> None:
    assert category_code(pd.Series([missing])).tolist() == [""]


def test_category_compatible_and_codes_are_fixed_points() -> None:
    assert frozenset({"contract", "mobilized"}) in CATEGORY_COMPATIBLE
    assert frozenset({"contract", "conscript"}) not in CATEGORY_COMPATIBLE
    for code in ("contract", "mobilized", "conscript"):
        assert category_of(code) == code


# ---------------------------------------------------------------- units

UNITS = [
    ("в/ч 12345", "12345", "v/ch-space"), ("в/ч12345-А", "12345А", "v/ch-suffix"),
    ("В/Ч 12345а", "12345А", "suffix-attached-lower"), ("в.ч. 12345", "12345", "v.ch."),
    ("войсковая часть 12345", "12345", "voiskovaya-chast"), ("войсковой части № 12345", "12345", "genitive-no"),
    ("military unit 12345", "12345", "en-military-unit"), ("Military Unit 12345-A", "12345А", "en-latin-twin"),
    ("v/ch 12345", "12345", "lat-v/ch"), ("v/ch 12345-d", "12345Д", "lat-non-twin-letter"),
    ("12345", "12345", "bare"), ("12345-Б", "12345Б", "bare-suffix"), ("№12345", "12345", "numero"),
    ("в/ч 12345, г. Москва", "12345", "with-city"),
    ("  Штаб   Полка ", "штаб полка", "other-text"), ("123", "123", "short-number"),
]


@pytest.mark.parametrize(("text", "expected"), [u[:2] for u in UNITS], ids=[u[2] for u in UNITS])
def test_unit(text: str, expected: str) -> None:
    assert unit_of(text) == expected
    assert unit_code(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_unit_missing(missing: object) -> None:
    assert unit_code(pd.Series([missing])).tolist() == [""]


# ---------------------------------------------------------------- generic text

TEXTS = [
    ("  Ёлка, ПАЛКА!!  ", "елка палка", "yo-punct"), ("a_b-c/d", "a b c d", "underscore-hyphen"),
    ("Tab\tand\nnewline", "tab and newline", "whitespace"), ("ok", "ok", "plain"),
]


@pytest.mark.parametrize(("text", "expected"), [t[:2] for t in TEXTS], ids=[t[2] for t in TEXTS])
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize("missing", MISSING, ids=MISSING_IDS)
def test_normalize_text_missing(missing: object) -> None:
    assert normalize_text(pd.Series([missing])).tolist() == [""]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("вчВЧ/.-№ 0123456789аАaAбdКк,Ёё")), max_size=16) | st.text(max_size=16))
def test_text_keys_idempotent(text: str) -> None:
    for fn in (category_of, unit_of, text_key):
        once = fn(text)
        assert fn(once) == once, fn.__name__


# ---------------------------------------------------------------- vectorized == scalar


def _sample(seed: int, n: int = 400) -> pd.Series:
    rng = np.random.default_rng(seed)
    pool = ([d[0] for d in DATES] + [p[0] for p in PERSONAL_NUMBERS] + [r[0] for r in RANK_CASES]
            + [c[0] for c in CATEGORIES] + [u[0] for u in UNITS] + [None, np.nan, "", "  "])
    picks = rng.integers(0, len(pool), n)
    return pd.Series([pool[i] for i in picks], index=rng.permutation(n) + 1000, dtype=object)


def _scalar_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


@pytest.mark.parametrize(
    ("series_fn", "scalar_fn"),
    [(normalize_personal_number, personal_number_key), (rank_ordinal, rank_of),
     (category_code, category_of), (unit_code, unit_of), (normalize_text, text_key)],
    ids=["personal_number", "rank", "category", "unit", "text"],
)
def test_vectorized_equals_scalar(series_fn, scalar_fn) -> None:  # type: ignore[no-untyped-def]
    s = _sample(1)
    out = series_fn(s)
    assert out.index.equals(s.index)
    assert out.tolist() == [scalar_fn(_scalar_text(v)) for v in s]


def test_parse_dates_vectorized_equals_scalar() -> None:
    s = _sample(2)
    out = parse_dates(s, reference_year=2030)
    assert out.index.equals(s.index)
    expected = [parse_date_text(_scalar_text(v), 2030) for v in s]
    assert [tuple(r) for r in out.itertuples(index=False)] == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789./- гмартмаяjaniv")), max_size=16),
    st.builds(lambda d, sep, m, y: f"{d}{sep}{m}{sep}{y}", st.integers(0, 40), st.sampled_from(list("./- ")),
              st.sampled_from(["3", "03", "13", "марта", "МАЯ", "iii", "xyz", "г"]), st.integers(0, 2200)),
    st.builds(lambda d, m, y, tail: f"{d} {m} {y}{tail}", st.integers(0, 40),
              st.sampled_from(["марта", "мая", "мае", "янв", "jan", "iii", "г", "рожд", "март"]),
              st.integers(0, 2200), st.sampled_from(["", " г.", " г", " г..", " гг"]))))
def test_parse_date_fast_paths_agree_with_the_general_path(text: str) -> None:
    """The regex fast paths of parse_date_text read a common date exactly as the general tokenizer does."""
    fast = parse_date_text(text)
    never = re.compile(r"(?!)")
    saved = fd._DMY, fd._YMD, fd._D_MONTH_Y
    fd._DMY = fd._YMD = fd._D_MONTH_Y = never
    try:
        general = parse_date_text(text)
    finally:
        fd._DMY, fd._YMD, fd._D_MONTH_Y = saved
    assert fast == general


@pytest.mark.parametrize("value,expected", [
    ("M", "m"), ("F", "f"), ("Male", "m"), ("FEMALE", "f"), ("м", "m"), ("Ж", "f"), ("муж.", "m"), ("жен.", "f"),
    ("Мужской", "m"), ("женский", "f"), (" m ", "m"), ("U", ""), ("X", ""), ("1", ""), ("", ""), ("unknown", ""),
], ids=lambda v: repr(v))
def test_sex_codes(value, expected):
    from linker.fields import sex_code, sex_of
    assert sex_of(value) == expected
    assert sex_code(pd.Series([value, None], dtype=object)).tolist() == [expected, ""]
